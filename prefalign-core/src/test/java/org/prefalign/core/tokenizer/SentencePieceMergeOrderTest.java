package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A vocabulary small enough to follow every merge by hand.
 *
 * <pre>
 * id  piece  score  type        id  piece  score
 *  0  &lt;unk&gt;   0   UNKNOWN     5  a      -5
 *  1  &lt;s&gt;     0   CONTROL     6  b      -6
 *  2  &lt;/s&gt;    0   CONTROL     7  ab     -1
 *  3  ▁      -3   NORMAL      8  ba     -1
 *  4  ▁a     -2   NORMAL      9  aba    -0.5
 * 10..265  &lt;0x00&gt;..&lt;0xFF&gt;  BYTE
 * </pre>
 *
 * "aba" → ▁ a b a. Candidate pairs: ▁a (-2), ab (-1), ba (-1). ab wins the tie at -1 (leftmost):
 * ▁ [ab] a. New candidates: ▁ab (absent), aba (-0.5) → ▁ [aba]. ▁aba is absent: done, ids [3, 9].
 *
 * "bab" → ▁ b a b: candidates ▁b (absent), ba (-1), ab (-1); the leftmost, ba, wins: ▁ [ba] b;
 * then ▁ba and bab are absent: ids [3, 8, 6]. A rightmost tie-break would give ▁ b [ab] = [3, 6, 7].
 *
 * "c" → ▁ c; c is not in the vocabulary: ▁ then byte 0x63 = id 10 + 0x63 = 109.
 */
class SentencePieceMergeOrderTest {

    static SentencePieceTokenizer tiny() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "\u2581", "\u2581a", "a", "b", "ab", "ba", "aba"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f, -3f, -2f, -5f, -6f, -1f, -1f, -0.5f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3, 1, 1, 1, 1, 1, 1, 1));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6);
        }
        float[] s = new float[scores.size()];
        int[] t = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        return new SentencePieceTokenizer(tokens, s, t, SentencePieceTokenizer.Settings.llamaDefaults(), "tiny-vocab");
    }

    @Test
    void tiesGoToTheLeftmostPair() {
        SentencePieceTokenizer tok = tiny();
        assertArrayEquals(new int[]{1, 3, 9}, tok.encode("aba"));
        assertArrayEquals(new int[]{3, 8, 6}, tok.encode("bab", EncodeOptions.PLAIN));
        assertArrayEquals(new int[]{3, 10 + 0x63}, tok.encode("c", EncodeOptions.PLAIN));
        assertEquals("aba", tok.decode(new int[]{1, 3, 9}));
    }

    @Test
    void settingsSwitchBosEosAndTheDummyPrefix() {
        SentencePieceTokenizer base = tiny();
        SentencePieceTokenizer.Settings s = base.settings().withAddEos(true).withAddSpacePrefix(false);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < base.vocabSize(); i++) {
            tokens.add(base.idToToken(i));
        }
        float[] scores = new float[base.vocabSize()];
        int[] types = new int[base.vocabSize()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = base.score(i);
            types[i] = base.type(i).code();
        }
        SentencePieceTokenizer tok = new SentencePieceTokenizer(tokens, scores, types, s, "tiny-vocab");
        // no dummy prefix: a b a → [ab] a → [aba]
        assertArrayEquals(new int[]{1, 9, 2}, tok.encode("aba"));
        assertArrayEquals(new int[]{9}, tok.encode("aba", EncodeOptions.PLAIN));
        assertEquals("aba", tok.decode(new int[]{1, 9, 2}));
        // without a dummy prefix the decoder keeps a leading space
        assertEquals(" aba", tok.decode(new int[]{3, 9}));
    }
}
