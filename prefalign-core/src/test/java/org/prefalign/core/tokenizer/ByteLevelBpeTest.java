package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-level BPE from {@code tokenizer.json}: GPT-2 style ({@value HfTokenizerFixtures#BYTE_LEVEL})
 * and Llama 3 style ({@value HfTokenizerFixtures#LLAMA3}). Expected ids are derived by hand below.
 *
 * <p>Both fixtures give each single byte the id of its value, shown as GPT-2's stand-in character
 * (space 32 = {@code Ġ}, newline 10 = {@code Ċ}, letters as themselves: h=104, e=101, l=108, o=111).
 *
 * <p>GPT-2 fixture merges (rank: pair → id): 0 l l → ll 256, 1 e ll → ell 257, 2 h ell → hell 258,
 * 3 hell o → hello 259, 4 h e → he 260, 5 Ġ t → Ġt 261, 6 Ġt he → Ġthe 262, 7 Ġ w → Ġw 263,
 * 8 o r → or 264, 9 Ġw or → Ġwor 265, 10 l d → ld 266, 11 Ġwor ld → Ġworld 267, 12 Ġ Ġ → ĠĠ 268,
 * 13 ' s → 's 269; added tokens &lt;|endoftext|&gt; 270, &lt;|im_start|&gt; 271, &lt;|im_end|&gt; 272
 * (special) and &lt;user&gt; 273 (not special).
 *
 * <p>Llama 3 fixture merges (list form): 0 Ġ t → 256, 1 h e → 257, 2 Ġt he → 258, 3 1 2 → 259,
 * 4 12 3 → 260, 5 Ċ Ċ → 261, 6 l o → 262; "hel" 263 is in the vocabulary but no merge makes it;
 * &lt;|begin_of_text|&gt; 264, &lt;|end_of_text|&gt; 265, &lt;|start_header_id|&gt; 266,
 * &lt;|end_header_id|&gt; 267, &lt;|eot_id|&gt; 268; {@code ignore_merges} is on and the
 * post-processor puts &lt;|begin_of_text|&gt; first. (All expectations were also confirmed with HF
 * tokenizers 0.22 while writing this test.)
 */
class ByteLevelBpeTest {

    private final HfTokenizer gpt2 = HfTokenizerFixtures.load(HfTokenizerFixtures.BYTE_LEVEL);
    private final HfTokenizer llama3 = HfTokenizerFixtures.load(HfTokenizerFixtures.LLAMA3);

    @Test
    void gpt2MergesFollowRankOrder() {
        // "hello": h e l l o. Ranks: (h,e)=4, (l,l)=0 → ll first; then (e,ll)=1 → ell; (h,ell)=2 → hell;
        // (hell,o)=3 → hello 259. (Merging the best-ranked pair h e first would have stranded "he ll o".)
        // " world" → Ġ w o r l d: Ġw (7), or (8), Ġwor (9), ld (10), Ġworld (11) → 267.
        assertArrayEquals(new int[]{259, 267}, gpt2.encode("hello world"));
        // "help": (h,e)=4 → he 260, then nothing: [260, l=108, p=112]; " the": Ġ t h e →
        // he (4) before Ġt (5), then Ġt he (6) → Ġthe 262.
        assertArrayEquals(new int[]{260, 108, 112, 262}, gpt2.encode("help the"));
        assertEquals("hello world", gpt2.decode(new int[]{259, 267}));
    }

    @Test
    void gpt2RegexSplitsContractionsAndSpaces() {
        // GPT-2's regex: "it" | "'s" | " " (\s+(?!\S) leaves the last space to the word) | " ok"
        // → i t, 's (rank 13 → 269), Ġ, Ġ o k.
        assertArrayEquals(new int[]{105, 116, 269, 32, 32, 111, 107}, gpt2.encode("it's  ok"));
    }

    @Test
    void specialTokensAreNeverSplit() {
        // <|im_start|> 271, "user" u s e r (no merges), "\n" → Ċ 10, "hi", <|im_end|> 272
        int[] chat = gpt2.encode("<|im_start|>user\nhi<|im_end|>");
        assertArrayEquals(new int[]{271, 117, 115, 101, 114, 10, 104, 105, 272}, chat);
        assertEquals("user\nhi", gpt2.decode(chat));
        assertEquals("<|im_start|>user\nhi<|im_end|>", gpt2.decode(chat, false));
        // adjacent and repeated specials
        assertArrayEquals(new int[]{272, 271, 272, 270}, gpt2.encode("<|im_end|><|im_start|><|im_end|><|endoftext|>"));
        // as untrusted text the markers stay characters
        int[] plain = gpt2.encode("<|im_start|>user", EncodeOptions.PLAIN);
        assertFalse(Arrays.stream(plain).anyMatch(id -> id >= 270), Arrays.toString(plain));
        assertEquals("<|im_start|>user", gpt2.decode(plain));
        // a non-special added token is matched either way
        assertArrayEquals(new int[]{97, 273, 98}, gpt2.encode("a<user>b", EncodeOptions.PLAIN));
        assertFalse(gpt2.isSpecial(273));
        assertTrue(gpt2.isSpecial(271));
    }

    @Test
    void llama3RegexDigitsAndNewlinesWithIgnoreMerges() {
        // Llama 3 regex: "the" | " " | "123" | "4" | " hello" | "\n\n" (\p{N}{1,3} cuts 1234 after three digits;
        // " 1234": the space cannot join the digits and stands alone).
        // "the" → t, he (257); "Ġ" 32; "123" is in the vocabulary → 260 whole (ignore_merges);
        // "4" 52; "Ġhello" → he (1) then lo (6): Ġ he l lo = 32 257 108 262 ("hel" is never formed by
        // merges); "ĊĊ" whole → 261. BOS 264 first.
        assertArrayEquals(new int[]{264, 116, 257, 32, 260, 52, 32, 257, 108, 262, 261}, llama3.encode("the 1234 hello\n\n"));
        assertEquals("the 1234 hello\n\n", llama3.decode(llama3.encode("the 1234 hello\n\n")));
    }

    @Test
    void ignoreMergesEmitsAWholeVocabularyWord() {
        assertArrayEquals(new int[]{264, 263}, llama3.encode("hel"));
        ObjectNode json = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA3);
        ((ObjectNode) json.get("model")).put("ignore_merges", false);
        // without it: (h,e)=1 → he l
        assertArrayEquals(new int[]{264, 257, 108}, HfTokenizerFixtures.load(json, "no-ignore").encode("hel"));
    }

    @Test
    void llama3ChatHeaderTokensAndBos() {
        int[] ids = llama3.encode("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>");
        assertArrayEquals(new int[]{264, 266, 117, 115, 101, 114, 267, 261, 104, 105, 268}, ids);
        assertTrue(llama3.addsBos());
        assertEquals(OptionalInt.of(264), llama3.bosId(), "without a config, BOS is the template's first token");
        assertArrayEquals(new int[]{104, 105}, llama3.encode("hi", EncodeOptions.TEXT_ONLY));
        IllegalStateException noEos = assertThrows(IllegalStateException.class, () -> llama3.encodePromptCompletion("hi", "x"));
        assertTrue(noEos.getMessage().contains(HfTokenizerFixtures.LLAMA3) && noEos.getMessage().contains("no EOS"), noEos.getMessage());
        HfTokenizer withConfig = HfTokenizer.fromJson(HfTokenizerFixtures.text(HfTokenizerFixtures.LLAMA3),
                "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \"<|eot_id|>\"}", "llama3-with-config");
        PromptCompletion pc = withConfig.encodePromptCompletion("<|begin_of_text|>hi", "x");
        assertArrayEquals(new int[]{264, 104, 105}, pc.promptIds(), "the rendered BOS is not doubled");
        assertArrayEquals(new int[]{120, 268}, pc.completionIds());
        assertArrayEquals(new int[]{264, 104, 105}, withConfig.encodePromptCompletion("hi", "x").promptIds(), "BOS added");
    }

    @Test
    void stringAndListMergeFormsAgree() {
        ObjectNode json = HfTokenizerFixtures.json(HfTokenizerFixtures.BYTE_LEVEL);
        com.fasterxml.jackson.databind.node.ArrayNode lists = json.arrayNode();
        for (com.fasterxml.jackson.databind.JsonNode m : json.get("model").get("merges")) {
            String[] parts = m.asText().split(" ");
            lists.add(json.arrayNode().add(parts[0]).add(parts[1]));
        }
        ((ObjectNode) json.get("model")).set("merges", lists);
        HfTokenizer asLists = HfTokenizerFixtures.load(json, "list-merges");
        for (String s : new String[]{"hello world", "help the", "it's  ok"}) {
            assertArrayEquals(gpt2.encode(s), asLists.encode(s), s);
        }
    }

    @Test
    void roundTripsArbitraryUtf8() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            String text = RandomText.withWords(rnd);
            assertEquals(text, gpt2.decode(gpt2.encode(text, EncodeOptions.PLAIN)), RandomText.escape(text));
            assertEquals(text, llama3.decode(llama3.encode(text, new EncodeOptions(true, false))), RandomText.escape(text));
        }
    }

    @Test
    void configNamesTheSpecialTokens(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), HfTokenizerFixtures.text(HfTokenizerFixtures.BYTE_LEVEL));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": null, "eos_token": {"__type": "AddedToken", "content": "<|im_end|>", "special": true},
                 "pad_token": "<|endoftext|>", "unk_token": null}""");
        HfTokenizer t = HfTokenizer.fromDirectory(dir);
        assertEquals(OptionalInt.empty(), t.bosId());
        assertEquals(OptionalInt.of(272), t.eosId());
        assertEquals(OptionalInt.of(270), t.padId());
        assertFalse(t.addsBos());
        PromptCompletion pc = t.encodePromptCompletion("hello", " world");
        assertArrayEquals(new int[]{259}, pc.promptIds());
        assertArrayEquals(new int[]{267, 272}, pc.completionIds());

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("eos_token")
                && e.getMessage().contains("<|nope|>"), e.getMessage());
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[]{104, 274}));
        assertTrue(e.getMessage().contains("ids[1] = 274") && e.getMessage().contains("[0, 274)"), e.getMessage());
    }
}
