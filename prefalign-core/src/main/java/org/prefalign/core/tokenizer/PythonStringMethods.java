package org.prefalign.core.tokenizer;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str} methods for Jinja expressions such as {@code message['content'].strip()} or
 * {@code content.split('</think>')[-1]}: chat templates are written for Python's Jinja2, where a
 * string is a Python {@code str}. Jinjava would call the Java method of the same name (Java's
 * {@code split} takes a regex and returns an array) or fail ({@code startswith}); this resolver
 * answers first with Python semantics.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), args);
        if (result != NOT_HANDLED) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    static Object call(String s, String name, Object[] a) {
        return switch (name) {
            case "strip" -> strip(s, a.length > 0 ? a[0] : null, true, true);
            case "lstrip" -> strip(s, a.length > 0 ? a[0] : null, true, false);
            case "rstrip" -> strip(s, a.length > 0 ? a[0] : null, false, true);
            case "startswith" -> a.length == 1 ? anyAffix(a[0], s::startsWith) : NOT_HANDLED;
            case "endswith" -> a.length == 1 ? anyAffix(a[0], s::endsWith) : NOT_HANDLED;
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "split" -> split(s, a.length > 0 ? a[0] : null, a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "replace" -> a.length == 2 ? s.replace(a[0].toString(), a[1].toString()) : NOT_HANDLED;
            case "find" -> a.length == 1 ? (long) s.indexOf(a[0].toString()) : NOT_HANDLED;
            case "count" -> a.length == 1 ? count(s, a[0].toString()) : NOT_HANDLED;
            case "join" -> a.length == 1 && a[0] instanceof Iterable<?> it ? join(s, it) : NOT_HANDLED;
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(Character::isWhitespace);
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            default -> NOT_HANDLED;
        };
    }

    private static boolean anyAffix(Object affix, java.util.function.Predicate<String> test) {
        if (affix instanceof Iterable<?> many) {
            for (Object o : many) {
                if (test.test(o.toString())) {
                    return true;
                }
            }
            return false;
        }
        return test.test(affix.toString());
    }

    /** Python's strip: white space by default, else any of the given characters. */
    private static String strip(String s, Object chars, boolean left, boolean right) {
        String set = chars == null ? null : chars.toString();
        int from = 0;
        int to = s.length();
        while (left && from < to && stripped(s.charAt(from), set)) {
            from++;
        }
        while (right && to > from && stripped(s.charAt(to - 1), set)) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean stripped(char c, String set) {
        return set == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : set.indexOf(c) >= 0;
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            prevCased = Character.isLetter(c);
        }
        return sb.toString();
    }

    /** Python's split: on runs of white space without a separator, else on the literal separator. */
    private static List<String> split(String s, Object sep, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            String rest = s.strip();
            while (!rest.isEmpty()) {
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(rest);
                    return out;
                }
                int i = 0;
                while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
                    i++;
                }
                out.add(rest.substring(0, i));
                rest = rest.substring(i).stripLeading();
            }
            return out;
        }
        String d = sep.toString();
        if (d.isEmpty()) {
            throw new IllegalArgumentException("split(): empty separator");
        }
        int from = 0;
        for (int at = s.indexOf(d); at >= 0 && (maxSplit < 0 || out.size() < maxSplit); at = s.indexOf(d, from)) {
            out.add(s.substring(from, at));
            from = at + d.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Iterable<?> items) {
        List<String> parts = new ArrayList<>();
        items.forEach(o -> parts.add(String.valueOf(o)));
        return String.join(sep, parts);
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not ours
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
