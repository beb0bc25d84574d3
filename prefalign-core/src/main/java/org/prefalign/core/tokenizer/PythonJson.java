package org.prefalign.core.tokenizer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(x, ensure_ascii=False, indent=..., sort_keys=...)}, which is what
 * transformers' {@code tojson} filter for chat templates calls: {@code ", "} and {@code ": "}
 * separators on one line, {@code ","} line ends with an indent; non-ASCII characters kept as is.
 */
final class PythonJson {

    private PythonJson() {
    }

    static String dumps(Object value, Integer indent, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        write(value, indent, sortKeys, 0, sb);
        return sb.toString();
    }

    private static void write(Object v, Integer indent, boolean sortKeys, int depth, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            sb.append(pythonFloat(((Number) v).doubleValue()));
        } else if (v instanceof Number n) {
            sb.append(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) {
                entries.sort((x, y) -> String.valueOf(x.getKey()).compareTo(String.valueOf(y.getKey())));
            }
            if (entries.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            for (int i = 0; i < entries.size(); i++) {
                sb.append(i == 0 ? "" : indent == null ? ", " : ",");
                newline(indent, depth + 1, sb);
                string(String.valueOf(entries.get(i).getKey()), sb);
                sb.append(": ");
                write(entries.get(i).getValue(), indent, sortKeys, depth + 1, sb);
            }
            newline(indent, depth, sb);
            sb.append('}');
        } else if (v instanceof Iterable<?> it) {
            List<Object> items = new ArrayList<>();
            it.forEach(items::add);
            if (items.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                sb.append(i == 0 ? "" : indent == null ? ", " : ",");
                newline(indent, depth + 1, sb);
                write(items.get(i), indent, sortKeys, depth + 1, sb);
            }
            newline(indent, depth, sb);
            sb.append(']');
        } else {
            string(v.toString(), sb);
        }
    }

    private static void newline(Integer indent, int depth, StringBuilder sb) {
        if (indent != null) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's float repr: plain decimals in [1e-4, 1e16), else d.ddde±XX. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double a = Math.abs(d);
        if (a >= 1e-4 && a < 1e16) {
            String plain = b.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = b.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - b.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}
