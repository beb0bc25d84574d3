package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.gguf.GgufValueType;
import org.prefalign.core.io.gguf.GgufWriter;

/**
 * The chat templates that models ship (text as in their {@code tokenizer_config.json}), rendered
 * as transformers' {@code apply_chat_template(..., tokenize=False)} renders them. Each expected
 * string is worked out by reading the template (transformers renders with {@code trim_blocks}
 * and {@code lstrip_blocks}: the newline after a block tag is dropped, the one after
 * {@code }}} is kept); they were also confirmed with Jinja2 3.1 set up as transformers sets it up.
 */
class ChatTemplateTest {

    static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
            + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if loop.index0 == 0 and system_message != false %}"
            + "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
            + "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
            + "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
            + "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    static final String QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    static final String QWEN25 = "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == 'system' %}\n"
            + "        {{- messages[0]['content'] }}\n    {%- else %}\n"
            + "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n"
            + "    {{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with"
            + " function signatures within <tools></tools> XML tags:\\n<tools>\" }}\n    {%- for tool in tools %}\n        {{- \"\\n\" }}\n"
            + "        {{- tool | tojson }}\n    {%- endfor %}\n    {{- \"\\n</tools>\\n\\nFor each function call, return a json object"
            + " with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>,"
            + " \\\"arguments\\\": <args-json-object>}\\n</tool_call><|im_end|>\\n\" }}\n{%- else %}\n"
            + "    {%- if messages[0]['role'] == 'system' %}\n        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
            + "    {%- else %}\n        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n"
            + "    {%- endif %}\n{%- endif %}\n{%- for message in messages %}\n"
            + "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or (message.role == \"assistant\" and not message.tool_calls) %}\n"
            + "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
            + "    {%- elif message.role == \"assistant\" %}\n        {{- '<|im_start|>' + message.role }}\n"
            + "        {%- if message.content %}\n            {{- '\\n' + message.content }}\n        {%- endif %}\n"
            + "        {%- for tool_call in message.tool_calls %}\n            {%- if tool_call.function is defined %}\n"
            + "                {%- set tool_call = tool_call.function %}\n            {%- endif %}\n"
            + "            {{- '\\n<tool_call>\\n{\"name\": \"' }}\n            {{- tool_call.name }}\n            {{- '\", \"arguments\": ' }}\n"
            + "            {{- tool_call.arguments | tojson }}\n            {{- '}\\n</tool_call>' }}\n        {%- endfor %}\n"
            + "        {{- '<|im_end|>\\n' }}\n    {%- elif message.role == \"tool\" %}\n"
            + "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}\n            {{- '<|im_start|>user' }}\n"
            + "        {%- endif %}\n        {{- '\\n<tool_response>\\n' }}\n        {{- message.content }}\n        {{- '\\n</tool_response>' }}\n"
            + "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n            {{- '<|im_end|>\\n' }}\n"
            + "        {%- endif %}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n";

    static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n"
            + "{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n"
            + "{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
            + "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    static final String SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private static final Map<String, String> LLAMA_TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    @Test
    void llama2() {
        ChatTemplate t = ChatTemplate.of(LLAMA2, "Llama-2-chat tokenizer_config.json: chat_template");
        List<ChatMessage> chat = List.of(ChatMessage.system("You are helpful."), ChatMessage.user(" Hi there "),
                ChatMessage.assistant("Hello! "), ChatMessage.user("How are you?"));
        // the system text joins the first user turn; .strip() trims only the ends of the joined
        // content, so the user's leading space stays after <</SYS>>\n\n
        assertEquals("<s>[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\n Hi there [/INST] Hello! </s><s>[INST] How are you? [/INST]",
                t.render(chat, true, LLAMA_TOKENS));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), false, LLAMA_TOKENS));
        assertTrue(e.getMessage().contains("Llama-2-chat tokenizer_config.json: chat_template")
                && e.getMessage().contains("Conversation roles must alternate user/assistant/user/assistant/..."), e.getMessage());
    }

    @Test
    void llama3() {
        ChatTemplate t = ChatTemplate.of(LLAMA3, "Llama-3");
        List<ChatMessage> chat = List.of(ChatMessage.system("Be brief."), ChatMessage.user("  What is 2+2?\n"));
        // | trim binds tighter than +: only the content is trimmed
        String prompt = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>";
        Map<String, String> tokens = Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>");
        assertEquals(prompt + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(chat, true, tokens));
        assertEquals(prompt, t.render(chat, false, tokens));
    }

    @Test
    void qwen2AddsItsDefaultSystemTurn() {
        ChatTemplate t = ChatTemplate.of(QWEN2, "Qwen2");
        List<ChatMessage> chat = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Bye"));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
                t.render(chat, true, Map.of()));
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
                t.render(List.of(ChatMessage.system("S"), ChatMessage.user("Hi")), false, Map.of()));
    }

    @Test
    void qwen25ToolsUsePythonJsonFormatting() throws Exception {
        ChatTemplate t = ChatTemplate.of(QWEN25, "Qwen2.5");
        Object tool = new ObjectMapper().readValue("{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                + "\"description\": \"Météo \\\"now\\\"\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
                + "{\"type\": \"string\"}}, \"required\": [\"city\"]}}}", Object.class);
        String expected = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n# Tools\n\n"
                + "You may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Météo \\\"now\\\"\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
                + "</tools>\n\nFor each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
                + "</tool_call><|im_end|>\n<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(expected, t.render(List.of(ChatMessage.user("Weather in Paris?")), true, Map.of("tools", List.of(tool))));
        // without tools: the default system turn; the template's final newline is not output (keep_trailing_newline=False)
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n",
                t.render(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Yo")), false, Map.of()));
    }

    @Test
    void zephyrAndTinyLlamaKeepTheNewlineAfterEachTurn() {
        ChatTemplate t = ChatTemplate.of(ZEPHYR, "TinyLlama-1.1B-Chat");
        List<ChatMessage> chat = List.of(ChatMessage.system("S"), ChatMessage.user("U"));
        assertEquals("<|system|>\nS</s>\n<|user|>\nU</s>\n<|assistant|>\n", t.render(chat, true, LLAMA_TOKENS));
        assertEquals("<|system|>\nS</s>\n<|user|>\nU</s>\n", t.render(chat, false, LLAMA_TOKENS));
    }

    @Test
    void smolLm2AndTheChatMlFallback() {
        ChatTemplate t = ChatTemplate.of(SMOLLM2, "SmolLM2-Instruct");
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(ChatMessage.user("Hi")), true, Map.of()));
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplate.chatMl().render(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Yo")), true, Map.of()));
    }

    @Test
    void pythonStringMethodsAndFilters() {
        // (conditions rather than printed booleans: Jinja2 prints True where Jinjava prints true)
        String tpl = "{% if m.startswith('ab') %}T{% endif %}|{% if m.endswith(('x', 'yz')) and not m.startswith('x') %}T{% endif %}|{{ m.upper() }}|{{ m.split('</think>')[-1].lstrip('\\n') }}|"
                + "{{ ' a  b '.split() | join(',') }}|{{ 'hello world'.title() }}|{{ '--x--'.strip('-') }}|{{ {'b': 1, 'a': [1.5, none, true]} | tojson }}|"
                + "{{ {'k': 'v'} | tojson(indent=2) }}|{{ {'a': 'x', 'n': [1, 'b']} }}";
        String out = ChatTemplate.of(tpl, "probe").renderRaw(Map.of("m", "abc</think>\n\nxyz"));
        assertEquals("T|T|ABC</THINK>\n\nXYZ|xyz|a,b|Hello World|x|{\"b\": 1, \"a\": [1.5, null, true]}|{\n  \"k\": \"v\"\n}|{'a': 'x', 'n': [1, 'b']}", out);
    }

    @Test
    void strftimeNowReadsTheGivenClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-07-26T10:00:00Z"), ZoneOffset.UTC);
        assertEquals("26 Jul 2024|Friday, July 26 2024",
                ChatTemplate.of("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%A, %B %d %Y') }}", "probe").withClock(clock).renderRaw(Map.of()));
    }

    @Test
    void errorsNameTheTemplateSource() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("{% for m in messages %}{{ m.role.nosuch() }}{% endfor %}", "my/tokenizer_config.json: chat_template")
                        .render(List.of(ChatMessage.user("x")), false, Map.of()));
        assertTrue(e.getMessage().startsWith("my/tokenizer_config.json: chat_template: line 1"), e.getMessage());
        e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.of("{% for m in messages %}{{ loop.previtem }}{% endfor %}", "src")
                .render(List.of(ChatMessage.user("x")), false, Map.of()));
        assertTrue(e.getMessage().contains("previtem"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.of(" ", "empty-src"));
    }

    @Test
    void promptCompletionSplitLikeTrl() {
        ChatTemplate t = ChatTemplate.of(QWEN2, "Qwen2");
        String[] pc = t.renderPromptCompletion(List.of(ChatMessage.user("Hi")), List.of(ChatMessage.assistant("Yo")), Map.of());
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", pc[0]);
        assertEquals("Yo<|im_end|>\n", pc[1]);
    }

    @Test
    void templatesFromTokenizerConfigAndGguf(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("tokenizer_config.json");
        Files.writeString(cfg, new ObjectMapper().writeValueAsString(Map.of("chat_template", QWEN2)));
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(cfg).orElseThrow();
        assertEquals(QWEN2, t.template());
        assertTrue(t.source().contains("tokenizer_config.json: chat_template"));
        Files.writeString(cfg, "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"x\"}, {\"name\": \"default\", \"template\": \"" + "{{ 1 }}" + "\"}]}");
        assertEquals("1", ChatTemplate.fromTokenizerConfig(cfg).orElseThrow().renderRaw(Map.of()));
        Files.writeString(cfg, "{\"bos_token\": \"<s>\"}");
        assertEquals(Optional.empty(), ChatTemplate.fromTokenizerConfig(cfg));
        Files.writeString(cfg, "{\"chat_template\": 3}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.fromTokenizerConfig(cfg));
        assertTrue(e.getMessage().contains("chat_template") && e.getMessage().contains(cfg.toString()), e.getMessage());

        Path gguf = dir.resolve("chat.gguf");
        new GgufWriter(3).putString("tokenizer.chat_template", ZEPHYR)
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("a")).write(gguf);
        ChatTemplate g = ChatTemplate.fromGguf(GgufFile.read(gguf)).orElseThrow();
        assertTrue(g.source().endsWith("chat.gguf: tokenizer.chat_template"));
        assertEquals(Optional.empty(), ChatTemplate.fromGguf(GgufFile.read(SentencePieceTokenizerTest.shared().resolve("models/stories260K.gguf"))));
    }

    @Test
    void renderWithTokenizerThenEncode() {
        HfTokenizer tok = HfTokenizer.fromJson(HfTokenizerFixtures.text(HfTokenizerFixtures.BYTE_LEVEL),
                "{\"eos_token\": \"<|im_end|>\"}", "chatml-fixture");
        String prompt = ChatTemplate.chatMl().render(List.of(ChatMessage.user("hi")), true, tok);
        PromptCompletion pc = tok.encodePromptCompletion(prompt, "hello");
        // <|im_start|> 271, "user" 117 115 101 114, Ċ 10, "hi" 104 105, <|im_end|> 272, Ċ 10, <|im_start|> 271,
        // "assistant" a s s i s t a n t, Ċ 10; completion: hello 259 then EOS <|im_end|> 272
        assertArrayEquals(new int[]{271, 117, 115, 101, 114, 10, 104, 105, 272, 10, 271, 97, 115, 115, 105, 115, 116, 97, 110, 116, 10},
                pc.promptIds());
        assertArrayEquals(new int[]{259, 272}, pc.completionIds());
    }
}
