package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pre-tokenization regexes of GPT-2, Llama 3 and Qwen2 on strings where Oniguruma and a
 * naive Java port disagree (Unicode white space, case-insensitive contractions, digit groups,
 * newline runs). Each expectation is read off the pattern by hand (reasoning in the comments) and
 * was confirmed against HF tokenizers 0.22's {@code Split} pre-tokenizer.
 */
class PreTokenizerRegexTest {

    static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final HfJson JSON = new HfJson("test");

    private static List<String> split(String pattern, String text) {
        ObjectNode spec = new ObjectMapper().createObjectNode().put("type", "Split").put("behavior", "Isolated").put("invert", false);
        spec.putObject("pattern").put("Regex", pattern);
        return HfPreTokenizer.parse(spec, JSON, "pre_tokenizer").split(List.of(text), true);
    }

    @Test
    void gpt2() {
        String p = HfPreTokenizer.GPT2_PATTERN;
        // U+3000 is white space to Oniguruma (Java's default \s is ASCII-only and would glue both into
        // one "punctuation" piece): \s+(?!\S) takes the first, \s+ the second.
        assertEquals(List.of("x", "\u3000", "\u3000", "y"), split(p, "x\u3000\u3000y"));
        // two spaces: the first alone, the second joins the word
        assertEquals(List.of(" ", " x"), split(p, "  x"));
        // contractions are case-sensitive in GPT-2: 'M is punctuation + letter
        assertEquals(List.of("I", "'", "M", " fine"), split(p, "I'M fine"));
        assertEquals(List.of("don", "'t"), split(p, "don't"));
        assertEquals(List.of("1234567"), split(p, "1234567"));
        assertEquals(List.of("hello", "\n", "\n", "world"), split(p, "hello\n\nworld"));
        assertEquals(List.of("_", "under"), split(p, "_under"));
    }

    @Test
    void llama3() {
        // [^\r\n\p{L}\p{N}]?\p{L}+ lets one white-space character (not a newline) lead a word
        assertEquals(List.of("x", "\u3000", "\u3000y"), split(LLAMA3, "x\u3000\u3000y"));
        assertEquals(List.of("a", "\u00A0b"), split(LLAMA3, "a\u00A0b"));
        // (?i:...) contractions: 'M is one piece
        assertEquals(List.of("I", "'M", " fine"), split(LLAMA3, "I'M fine"));
        // \p{N}{1,3}: digits in groups of three from the left
        assertEquals(List.of("123", "456", "7"), split(LLAMA3, "1234567"));
        // \s*[\r\n]+ keeps newline runs together; punctuation takes trailing newlines
        assertEquals(List.of("hello", "\n\n", "world"), split(LLAMA3, "hello\n\nworld"));
        assertEquals(List.of("foo", "!!\n\n", "bar"), split(LLAMA3, "foo!!\n\nbar"));
        assertEquals(List.of("_under"), split(LLAMA3, "_under"));
        assertEquals(List.of(" ", " x"), split(LLAMA3, "  x"));
    }

    @Test
    void qwen2() {
        // the only difference from Llama 3: \p{N} takes one digit at a time
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), split(QWEN2, "1234567"));
        assertEquals(List.of("I", "'M", " fine"), split(QWEN2, "I'M fine"));
        assertEquals(List.of("foo", "!!\n\n", "bar"), split(QWEN2, "foo!!\n\nbar"));
    }

    @Test
    void splitBehaviors() {
        List<int[]> matches = TextSplitter.literalMatches("-", "a-b--c");
        assertEquals(List.of("a", "-", "b", "-", "-", "c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.ISOLATED, false));
        assertEquals(List.of("a", "b", "c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.REMOVED, false));
        assertEquals(List.of("a-", "b-", "-", "c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.MERGED_WITH_PREVIOUS, false));
        assertEquals(List.of("a", "-b", "-", "-c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.MERGED_WITH_NEXT, false));
        assertEquals(List.of("a", "-", "b", "--", "c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.CONTIGUOUS, false));
        // inverted: the letters are the "matches"; each dash is its own kept piece
        assertEquals(List.of("-", "-", "-"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.REMOVED, true));
        assertEquals(List.of("a", "-b", "-", "-c"), TextSplitter.split("a-b--c", matches, TextSplitter.Behavior.MERGED_WITH_PREVIOUS, true));
    }

    @Test
    void aPatternJavaCannotCompileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split("(unclosed", "x"));
        assertTrue(e.getMessage().contains("pre_tokenizer.pattern.Regex") && e.getMessage().contains("(unclosed"), e.getMessage());
        // Oniguruma's \h is a hex digit
        assertEquals(List.of("x", "a", "F", "9", "g"), split("\\h", "xaF9g"));
    }
}
