package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.io.gguf.GgufValueType;
import org.prefalign.core.io.gguf.GgufWriter;

/**
 * The SentencePiece tokenizer on the real stories260K vocabulary: the golden ids (computed
 * outside this project by an encoder that reproduces llama2.c), a naive O(n²) llama2.c-style
 * merge loop written here as an independent reference, and UTF-8 round trips.
 */
class SentencePieceTokenizerTest {

    static Path shared() {
        return Path.of(System.getProperty("prefalign.shared", "/work/shared"));
    }

    private static SentencePieceTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        tok = SentencePieceTokenizer.fromGguf(GgufFile.read(shared().resolve("models/stories260K.gguf")));
    }

    @Test
    void goldenIdsFromTheGgufVocabulary() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(shared().resolve("golden/stories260K-tokenizer.json").toFile());
        int n = 0;
        for (JsonNode c : golden.get("cases")) {
            String text = c.get("text").asText();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = c.get("ids").get(i).asInt();
            }
            assertArrayEquals(expected, tok.encode(text), "encode(\"" + text + "\")");
            assertEquals(text, tok.decode(expected), "decode of the golden ids of \"" + text + "\"");
            n++;
        }
        assertEquals(10, n);
    }

    @Test
    void ggufDefaultsAndSpecialIds() {
        assertEquals(512, tok.vocabSize());
        assertEquals(OptionalInt.of(1), tok.bosId());
        assertEquals(OptionalInt.of(2), tok.eosId());
        assertEquals(OptionalInt.of(0), tok.unkId());
        assertEquals(OptionalInt.empty(), tok.padId(), "padding_token_id 0xFFFFFFFF means none");
        assertTrue(tok.addsBos());
        assertFalse(tok.settings().addEos());
        assertTrue(tok.settings().addSpacePrefix());
        assertEquals("<s>", tok.idToToken(1));
        assertEquals("<0x0A>", tok.idToToken(13));
        assertEquals(OptionalInt.of(13), tok.tokenToId("<0x0A>"));
        assertEquals(OptionalInt.empty(), tok.tokenToId("no such token"));
        assertEquals(TokenType.BYTE, tok.type(13));
        assertTrue(tok.isSpecial(1) && tok.isSpecial(2) && tok.isSpecial(0));
        assertFalse(tok.isSpecial(13));
    }

    @Test
    void matchesNaiveLlama2cMergeLoopOnRandomText() {
        Random rnd = new Random(20240611);
        String[] words = {"Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "she", "liked",
                "to", "play", "outside", "the", "sun", "happy", "dog", "cat", "park", "Ben", ".", ",", "!", "\"", "?"};
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(25);
            for (int i = 0; i < len; i++) {
                if (rnd.nextInt(6) == 0) {
                    sb.append(RandomText.codePoint(rnd));
                } else {
                    sb.append(words[rnd.nextInt(words.length)]);
                }
                sb.append(rnd.nextInt(5) == 0 ? "  " : rnd.nextInt(3) == 0 ? "" : " ");
            }
            String text = sb.toString();
            assertArrayEquals(naiveEncode(text), tok.encode(text, EncodeOptions.PLAIN), "text: " + text);
        }
    }

    /**
     * llama2.c's {@code encode} written from its description: ▁-escaped text with a dummy prefix,
     * one piece per code point, then repeatedly merge the best-scoring adjacent pair (strictly
     * greater score wins, so ties go left) by rescanning the whole list; pieces not in the
     * vocabulary become {@code <0xNN>} byte tokens (id = byte + 3 in this vocabulary).
     */
    private static int[] naiveEncode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String s = (" " + text).replace(' ', '\u2581');
        List<String> pieces = new ArrayList<>();
        s.codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int bestAt = -1;
            for (int i = 0; i + 1 < pieces.size(); i++) {
                OptionalInt id = tok.tokenToId(pieces.get(i) + pieces.get(i + 1));
                if (id.isPresent() && tok.score(id.getAsInt()) > best) {
                    best = tok.score(id.getAsInt());
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            pieces.set(bestAt, pieces.get(bestAt) + pieces.remove(bestAt + 1));
        }
        List<Integer> ids = new ArrayList<>();
        for (String p : pieces) {
            OptionalInt id = tok.tokenToId(p);
            if (id.isPresent()) {
                ids.add(id.getAsInt());
            } else {
                for (byte b : p.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    ids.add((b & 0xFF) + 3);
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void roundTripsArbitraryUtf8() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.append(rnd.nextInt(4) == 0 ? " " : RandomText.codePoint(rnd));
            }
            String text = sb.toString();
            int[] ids = tok.encode(text, EncodeOptions.PLAIN);
            assertEquals(text, tok.decode(ids), "round trip of " + RandomText.escape(text));
            assertEquals(text, tok.decode(tok.encode(text, new EncodeOptions(true, false))), "with BOS: " + RandomText.escape(text));
        }
        for (String s : new String[]{"", " ", "  ", "\n", "\u0000", "e\u0301", "👨‍👩‍👧", "日本語のテキスト", "tab\there", " lead", "trail "}) {
            assertEquals(s, tok.decode(tok.encode(s)), "round trip of " + RandomText.escape(s));
        }
    }

    @Test
    void specialTokensAreParsedOnlyWhenAskedAndPrefixTheFollowingText() {
        int[] dog = tok.encode("dog", EncodeOptions.TEXT_ONLY);
        assertArrayEquals(new int[]{400, 428}, dog);
        // llama.cpp gives the text after a special token its own dummy prefix space
        assertArrayEquals(new int[]{1, 400, 428}, tok.encode("<s>dog", EncodeOptions.TEXT_ONLY));
        assertArrayEquals(new int[]{1, 1, 400, 428}, tok.encode("<s>dog"));
        assertArrayEquals(new int[]{400, 428, 2, 400, 428}, tok.encode("dog</s>dog", EncodeOptions.TEXT_ONLY));
        int[] plain = tok.encode("<s>dog", EncodeOptions.PLAIN);
        assertFalse(Arrays.stream(plain).anyMatch(id -> id == 1), "literal <s> must stay text: " + Arrays.toString(plain));
        assertEquals("<s>dog", tok.decode(plain));
        assertEquals("dog", tok.decode(new int[]{1, 400, 428, 2}));
        assertEquals("<s> dog</s>", tok.decode(new int[]{1, 400, 428, 2}, false));
    }

    @Test
    void promptAndCompletionAreEncodedSeparately() {
        PromptCompletion pc = tok.encodePromptCompletion("Once upon a time", " there was a dog.");
        assertArrayEquals(tok.encode("Once upon a time"), pc.promptIds(), "prompt: BOS + text, no EOS");
        int[] completion = tok.encode(" there was a dog.", EncodeOptions.TEXT_ONLY);
        int[] expected = Arrays.copyOf(completion, completion.length + 1);
        expected[completion.length] = 2;
        assertArrayEquals(expected, pc.completionIds());
        assertEquals(pc.promptIds().length, pc.completionStart());
        assertEquals(pc.promptIds().length + pc.completionIds().length, pc.ids().length);
        assertEquals(2, pc.ids()[pc.ids().length - 1]);
        // a prompt that already starts with BOS does not get a second one
        PromptCompletion again = tok.encodePromptCompletion("<s>Once upon a time", "x");
        assertEquals(1, again.promptIds()[0]);
        assertTrue(again.promptIds()[1] != 1);
    }

    @Test
    void longTextsEncodeAndRoundTrip() {
        StringBuilder sb = new StringBuilder();
        Random rnd = new Random(3);
        while (sb.length() < 200_000) {
            sb.append(rnd.nextInt(10) == 0 ? RandomText.codePoint(rnd) : "Once upon a time, Lily saw a big dog. ");
        }
        String text = sb.toString();
        int[] ids = tok.encode(text);
        assertTrue(ids.length < text.length());
        assertEquals(text, tok.decode(ids));
    }

    @Test
    void badInputsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[]{1, 512}));
        assertTrue(e.getMessage().contains("ids[1] = 512") && e.getMessage().contains("[0, 512)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[]{-1}));
        assertTrue(e.getMessage().contains("ids[0] = -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.encode("a\uD800b"));
        assertTrue(e.getMessage().contains("unpaired surrogate U+D800 at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.encode(null));
        assertThrows(IllegalArgumentException.class, () -> tok.idToToken(600));
        SentencePieceTokenizer.Settings s = SentencePieceTokenizer.Settings.llamaDefaults();
        e = assertThrows(IllegalArgumentException.class,
                () -> new SentencePieceTokenizer(List.of("a", "b", "c"), new float[2], new int[3], s, "test-vocab"));
        assertTrue(e.getMessage().contains("test-vocab") && e.getMessage().contains("scores"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SentencePieceTokenizer(List.of("a", "b", "c"), new float[3], new int[]{1, 1, 9}, s, "test-vocab"));
        assertTrue(e.getMessage().contains("type of token 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SentencePieceTokenizer(List.of("a", "b"), new float[2], new int[]{1, 1}, s, "test-vocab"));
        assertTrue(e.getMessage().contains("eos id 2 is outside"), e.getMessage());
    }

    @Test
    void nonLlamaGgufVocabularyIsRejectedNamingFileAndKey(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path f = dir.resolve("gpt2-vocab.gguf");
        new GgufWriter(3).putString("tokenizer.ggml.model", "gpt2")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("a", "b"))
                .write(f);
        GgufFile g = GgufFile.read(f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.fromGguf(g));
        assertTrue(e.getMessage().contains("gpt2-vocab.gguf") && e.getMessage().contains("tokenizer.ggml.model"), e.getMessage());
    }
}
