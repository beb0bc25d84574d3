package org.prefalign.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte ↔ printable-character map ({@code bytes_to_unicode}; Radford et al.
 * (2019), "Language Models are Unsupervised Multitask Learners"). Byte-level BPE works on the
 * UTF-8 bytes of the text, each shown as one visible character so that vocabularies are plain
 * strings: the printable bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} stand for themselves;
 * the other 68 bytes (controls, space, DEL, NBSP, soft hyphen) map in order to U+0100.. (space is
 * {@code Ġ}, newline {@code Ċ}).
 */
final class ByteLevel {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The character standing for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b];
    }

    /** The UTF-8 bytes of {@code text}, each as its stand-in character. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Appends the bytes that {@code token} stands for. A token with a character outside the map
     * (an added token such as {@code <|im_start|>} written in plain text) contributes its own UTF-8
     * bytes instead, as HF tokenizers' ByteLevel decoder does.
     */
    static void appendBytes(String token, ByteArrayOutputStream out) {
        byte[] mapped = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                return;
            }
            mapped[i] = (byte) b;
        }
        out.writeBytes(mapped);
    }
}
