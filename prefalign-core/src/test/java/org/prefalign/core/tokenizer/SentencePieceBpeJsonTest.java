package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SentencePiece-style BPE with byte fallback from {@code tokenizer.json}
 * ({@value HfTokenizerFixtures#LLAMA2}, shaped like Llama 2's: Prepend("▁") + Replace(" " → "▁")
 * normalizer, no pre-tokenizer, Replace/ByteFallback/Fuse/Strip decoder, "&lt;s&gt; $A" template),
 * and the same vocabulary behind a Metaspace pre-tokenizer (newer conversions).
 *
 * <p>Vocabulary: &lt;unk&gt; 0, &lt;s&gt; 1, &lt;/s&gt; 2, &lt;0x00&gt;..&lt;0xFF&gt; 3..258 (byte b → b + 3),
 * ▁ 259, a 260, b 261, c 262, d 263, e 264, h 265, l 266, o 267, t 268, w 269, r 270. Merges (rank:
 * result id): 0 ▁ t → 271, 1 h e → 272, 2 ▁t he → 273, 3 l l → 274, 4 e ll → 275, 5 h ell → 276,
 * 6 ▁ hell → 277, 7 ▁hell o → 278, 8 ▁ w → 279, 9 o r → 280, 10 ▁w or → 281, 11 ▁wor l → 282,
 * 12 ▁worl d → 283, 13 ▁ ▁ → 284. (Expectations also confirmed with HF tokenizers 0.22.)
 */
class SentencePieceBpeJsonTest {

    private final HfTokenizer llama2 = HfTokenizerFixtures.load(HfTokenizerFixtures.LLAMA2);

    private static HfTokenizer metaspace() {
        ObjectNode json = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        json.putNull("normalizer");
        ObjectNode meta = json.objectNode().put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "first").put("split", false);
        json.set("pre_tokenizer", meta);
        json.set("decoder", meta.deepCopy());
        return HfTokenizerFixtures.load(json, "metaspace-variant");
    }

    @Test
    void mergesInRankOrderOverTheWholeText() {
        // "hello world" → "▁hello▁world" (one word: no pre-tokenizer). Ranks present: h e (1), l l (3),
        // ▁ w (8), o r (9). he first, then ll; "e ll" can no longer apply (e is inside he), so "hell"
        // never forms: ▁ he ll o. Then ▁w, or, ▁wor (10), ▁worl (11), ▁world (12).
        int[] ids = llama2.encode("hello world");
        assertArrayEquals(new int[]{1, 259, 272, 274, 267, 283}, ids);
        assertEquals("hello world", llama2.decode(ids));
        // "the" → ▁ t h e: ▁t (0) first, then he (1), then ▁t he (2) → 273
        assertArrayEquals(new int[]{1, 273}, llama2.encode("the"));
    }

    @Test
    void byteFallbackAndUnknownFusion() {
        // é is not in the vocabulary: its UTF-8 bytes C3 A9 → ids 0xC3 + 3 = 198, 0xA9 + 3 = 172
        assertArrayEquals(new int[]{1, 259, 198, 172}, llama2.encode("é"));
        assertEquals("é", llama2.decode(new int[]{1, 259, 198, 172}));
        // a lone continuation byte is not UTF-8: one U+FFFD per byte, as HF's ByteFallback decoder
        assertEquals("a\uFFFD", llama2.decode(new int[]{260, 172}));
        ObjectNode json = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        ((ObjectNode) json.get("model")).put("byte_fallback", false);
        // without byte fallback x y z are unknown; fuse_unk makes them one <unk>
        assertArrayEquals(new int[]{1, 259, 0}, HfTokenizerFixtures.load(json, "no-fallback").encode("xyz"));
        ((ObjectNode) json.get("model")).put("fuse_unk", false);
        assertArrayEquals(new int[]{1, 259, 0, 0, 0}, HfTokenizerFixtures.load(json, "no-fuse").encode("xyz"));
    }

    @Test
    void leadingSpacesAndTheDummyPrefix() {
        // "  a" → "▁▁▁a": the leftmost ▁ ▁ merges (13) → ▁▁ ▁ a; decoding strips one space of three
        assertArrayEquals(new int[]{1, 284, 259, 260}, llama2.encode("  a"));
        assertEquals("  a", llama2.decode(new int[]{1, 284, 259, 260}));
        assertArrayEquals(new int[]{1}, llama2.encode(""), "no dummy prefix for empty text");
        // the legacy normalizer prefixes every stretch of text, also after a special token
        assertArrayEquals(new int[]{1, 1, 273}, llama2.encode("<s>the"));
        assertEquals(OptionalInt.of(1), llama2.bosId());
        assertEquals(OptionalInt.of(0), llama2.unkId());
    }

    @Test
    void metaspacePrefixesOnlyTheStartOfTheText() {
        HfTokenizer m = metaspace();
        assertArrayEquals(new int[]{1, 259, 272, 274, 267, 283}, m.encode("hello world"));
        assertEquals("hello world", m.decode(m.encode("hello world")));
        // prepend_scheme "first": "the" after <s> does not start the text → t he, no ▁
        assertArrayEquals(new int[]{1, 1, 268, 272}, m.encode("<s>the"));
        // "  a" → "▁▁a" already starts with ▁: no prefix; ▁▁ a. HF's Metaspace decoder drops every
        // ▁ of the first token, so this decodes to "a" (HF behaves the same)
        assertArrayEquals(new int[]{1, 284, 260}, m.encode("  a"));
        assertEquals("a", m.decode(new int[]{1, 284, 260}));
    }

    @Test
    void roundTripsArbitraryUtf8() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 400; trial++) {
            String text = RandomText.withWords(rnd);
            assertEquals(text, llama2.decode(llama2.encode(text, EncodeOptions.PLAIN)), RandomText.escape(text));
        }
    }
}
