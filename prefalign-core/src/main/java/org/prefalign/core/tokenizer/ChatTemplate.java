package org.prefalign.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import jinjava.javax.el.CompositeELResolver;
import org.prefalign.core.io.gguf.GgufFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat template: the Jinja program (from {@code tokenizer_config.json}'s
 * {@code chat_template} or GGUF's {@code tokenizer.chat_template}) that turns a conversation into
 * the exact prompt text the model was trained on, rendered as transformers'
 * {@code apply_chat_template(messages, tokenize=False, add_generation_prompt=...)} renders it.
 *
 * <p>The engine is Jinjava (HubSpot's Jinja for the JVM) configured like transformers' sandboxed
 * Jinja2 environment: {@code trim_blocks} and {@code lstrip_blocks}, {@code {{-}}/{@code -}}}
 * trimming, loop controls, {@code namespace}; plus transformers' globals and filters:
 * {@code raise_exception(msg)}, {@code strftime_now(fmt)} and {@code tojson} with Python's
 * {@code json.dumps} formatting; and Python {@code str} methods ({@link PythonStringMethods}).
 * The variables are {@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token} (and any extra ones given). Known gaps: extended slices such as
 * {@code [::-1]}, {@code loop.previtem}, and Python's rendering of {@code True}/{@code None}.
 */
public final class ChatTemplate {

    /** The ChatML template (transformers' former default), used when a model has none. */
    public static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
            + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private final String template;
    private final String source;
    private final Clock clock;

    private ChatTemplate(String template, String source, Clock clock) {
        this.template = template;
        this.source = source;
        this.clock = clock;
    }

    /**
     * A template from its text.
     *
     * @param source names where it came from (file and field), for error messages
     */
    public static ChatTemplate of(String template, String source) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException(source + ": the chat template is empty");
        }
        return new ChatTemplate(template, source, Clock.systemUTC());
    }

    /** The ChatML fallback for models without a template. */
    public static ChatTemplate chatMl() {
        return new ChatTemplate(CHATML, "built-in ChatML template", Clock.systemUTC());
    }

    /**
     * The {@code chat_template} of a {@code tokenizer_config.json}: a string, or a list of
     * {@code {name, template}} of which the one named {@code default} is taken. Empty if the file
     * has none.
     *
     * @throws IllegalArgumentException naming the file and field if the field is malformed
     */
    public static Optional<ChatTemplate> fromTokenizerConfig(Path tokenizerConfig) throws IOException {
        JsonNode root = HfJson.read(tokenizerConfig);
        JsonNode t = root == null ? null : root.get("chat_template");
        String where = tokenizerConfig + ": chat_template";
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        if (t.isTextual()) {
            return Optional.of(of(t.asText(), where));
        }
        if (t.isArray()) {
            for (int i = 0; i < t.size(); i++) {
                JsonNode e = t.get(i);
                if (e.path("name").asText("").equals("default") && e.path("template").isTextual()) {
                    return Optional.of(of(e.get("template").asText(), where + "[" + i + "] (default)"));
                }
            }
            throw new IllegalArgumentException(where + " is a list without an entry named 'default'");
        }
        throw new IllegalArgumentException(where + " is " + t.getNodeType() + ", expected a string or a list of {name, template}");
    }

    /** The GGUF key {@code tokenizer.chat_template}, if present. */
    public static Optional<ChatTemplate> fromGguf(GgufFile gguf) {
        if (gguf.get("tokenizer.chat_template").isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(of(gguf.string("tokenizer.chat_template"), gguf.path() + ": tokenizer.chat_template"));
    }

    /** The same template with {@code strftime_now} reading {@code clock} (for reproducible dates). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(template, source, java.util.Objects.requireNonNull(clock, "clock"));
    }

    public String template() {
        return template;
    }

    public String source() {
        return source;
    }

    /**
     * Renders {@code messages}, taking {@code bos_token} and {@code eos_token} from the
     * tokenizer's BOS/EOS ids (left undefined when it has none, as in transformers).
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Tokenizer tokenizer) {
        Map<String, Object> vars = new HashMap<>();
        tokenizer.bosId().ifPresent(id -> vars.put("bos_token", tokenizer.idToToken(id)));
        tokenizer.eosId().ifPresent(id -> vars.put("eos_token", tokenizer.idToToken(id)));
        return render(messages, addGenerationPrompt, vars);
    }

    /**
     * Renders {@code messages} with the extra template variables {@code variables} (e.g.
     * {@code bos_token}, {@code eos_token}, {@code tools}, {@code date_string}).
     *
     * @throws ChatTemplateException naming {@link #source()} and the line if the template fails
     *                               or calls {@code raise_exception}
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        if (messages == null) {
            throw new IllegalArgumentException("messages must not be null");
        }
        List<Map<String, Object>> maps = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            maps.add(m.toMap());
        }
        Map<String, Object> ctx = new HashMap<>(variables == null ? Map.of() : variables);
        ctx.put("messages", maps);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        return renderRaw(ctx);
    }

    /** Renders with exactly the variables in {@code context} (messages as lists of maps included). */
    public String renderRaw(Map<String, ?> context) {
        Map<String, Object> ctx = new HashMap<>(context);
        ctx.put(Engine.CLOCK_VARIABLE, clock);
        RenderResult result;
        try {
            result = Engine.JINJAVA.renderForResult(withoutTrailingNewline(template), ctx);
        } catch (RuntimeException e) {
            throw new ChatTemplateException(source + ": " + rootMessage(e));
        }
        for (TemplateError e : result.getErrors()) {
            // Jinjava only warns about an unknown loop attribute (loop.previtem, loop.cycle): Jinja2 has them, so
            // going on would render something else than transformers does
            boolean loopAttribute = e.getReason() == TemplateError.ErrorReason.UNKNOWN && e.getMessage() != null
                    && e.getMessage().contains("<ForLoop");
            if (e.getSeverity() == TemplateError.ErrorType.FATAL || loopAttribute) {
                String raised = raisedMessage(e.getException());
                throw new ChatTemplateException(source + ": line " + e.getLineno() + ": "
                        + (raised != null ? "raise_exception: " + raised : e.getMessage()));
            }
        }
        return result.getOutput();
    }

    /** Jinja2's {@code keep_trailing_newline=False}: one newline ending the template source is not output. */
    static String withoutTrailingNewline(String t) {
        if (t.endsWith("\r\n")) {
            return t.substring(0, t.length() - 2);
        }
        return t.endsWith("\n") || t.endsWith("\r") ? t.substring(0, t.length() - 1) : t;
    }

    /**
     * A prompt conversation and its completion rendered as TRL does for conversational
     * preference data: the prompt with the generation prompt; the completion as the rest of the
     * rendering of prompt + completion after the longest common prefix of the two.
     *
     * @return {@code [promptText, completionText]}
     */
    public String[] renderPromptCompletion(List<ChatMessage> prompt, List<ChatMessage> completion, Map<String, ?> variables) {
        String p = render(prompt, true, variables);
        List<ChatMessage> all = new ArrayList<>(prompt);
        all.addAll(completion);
        String full = render(all, false, variables);
        int common = 0;
        while (common < p.length() && common < full.length() && p.charAt(common) == full.charAt(common)) {
            common++;
        }
        return new String[]{full.substring(0, common), full.substring(common)};
    }

    private static String rootMessage(Throwable e) {
        String raised = raisedMessage(e);
        if (raised != null) {
            return "raise_exception: " + raised;
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String raisedMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Raised r) {
                return r.getMessage();
            }
        }
        return null;
    }

    /** What {@code raise_exception} throws; caught and reported with the template's source. */
    static final class Raised extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Raised(String message) {
            super(message);
        }
    }

    /** The Jinjava environment, configured like transformers' Jinja2 environment for chat templates. */
    static final class Engine {

        /** Where {@code strftime_now} finds the clock of the template being rendered. */
        static final String CLOCK_VARIABLE = "__prefalign_clock__";

        /** One engine for all templates: Jinjava renders concurrently, and building one is costly. */
        static final Jinjava JINJAVA = create();

        private Engine() {
        }

        private static Jinjava create() {
            CompositeELResolver resolver = new CompositeELResolver();
            resolver.add(new PythonStringMethods());
            resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
            JinjavaConfig config = JinjavaConfig.newBuilder()
                    .withTrimBlocks(true)
                    .withLstripBlocks(true)
                    .withElResolver(resolver)
                    .withLegacyOverrides(LegacyOverrides.newBuilder()
                            .withUseTrimmingForNotesAndExpressions(true)
                            .withIterateOverMapKeys(true)
                            .withKeepNullableLoopValues(true)
                            .withUsePyishObjectMapper(true) // {{ dict }} prints {'a': 'x'} as Python does
                            .build())
                    .build();
            Jinjava jinjava = new Jinjava(config);
            jinjava.registerFilter(new ToJson());
            jinjava.registerTag(new Generation());
            jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", Engine.class, "raiseException", String.class));
            jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", Engine.class, "strftimeNow", String.class));
            return jinjava;
        }

        /** transformers' {@code raise_exception}. */
        public static String raiseException(String message) {
            throw new Raised(message);
        }

        /** transformers' {@code strftime_now}: the current date in Python strftime format. */
        public static String strftimeNow(String format) {
            JinjavaInterpreter current = JinjavaInterpreter.getCurrent();
            Object clock = current == null ? null : current.getContext().get(CLOCK_VARIABLE);
            return strftime(ZonedDateTime.now(clock instanceof Clock c ? c : Clock.systemUTC()), format);
        }

        static String strftime(ZonedDateTime t, String format) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c != '%' || i + 1 == format.length()) {
                    sb.append(c);
                    continue;
                }
                char f = format.charAt(++i);
                switch (f) {
                    case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                    case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                    case 'Y' -> sb.append(t.getYear());
                    case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                    case 'H' -> sb.append(String.format("%02d", t.getHour()));
                    case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                    case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                    case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                    case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                    case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                    case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                    case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                    case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                    case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                    case '%' -> sb.append('%');
                    default -> throw new IllegalArgumentException("strftime_now: unsupported directive %" + f + " in '" + format + "'");
                }
            }
            return sb.toString();
        }
    }

    /** transformers' {@code tojson}: {@code json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=sort_keys)}. */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Object sort = kwargs.get("sort_keys");
            Integer n = indent == null ? null : Integer.valueOf(((Number) (indent instanceof Number ? indent : Long.parseLong(indent.toString()))).intValue());
            return PythonJson.dumps(var, n, sort != null && Boolean.parseBoolean(sort.toString()));
        }
    }

    /** transformers' {@code {% generation %}} block (marks assistant text for masks): renders its body. */
    static final class Generation implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder sb = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                sb.append(child.render(interpreter).getValue());
            }
            return sb.toString();
        }
    }
}
