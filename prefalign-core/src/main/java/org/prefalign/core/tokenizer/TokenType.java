package org.prefalign.core.tokenizer;

/**
 * The kind of a vocabulary entry, as GGUF stores it in {@code tokenizer.ggml.token_type} (the
 * SentencePiece piece types; llama.cpp {@code llama_token_type}).
 *
 * <p>The type decides how a token is matched and decoded: {@link #CONTROL} tokens (BOS, EOS,
 * chat markers) are matched in text only when special tokens are parsed and decode to nothing
 * unless asked; {@link #USER_DEFINED} tokens are always matched whole; {@link #BYTE} tokens
 * {@code <0xNN>} decode to one raw byte.
 */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The integer GGUF stores. */
    public int code() {
        return code;
    }

    /**
     * The type stored as {@code code}.
     *
     * @param where names the file and field for the error message
     * @throws IllegalArgumentException if {@code code} is outside 0..6
     */
    public static TokenType ofCode(int code, String where) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException(where + ": token type " + code + " is not one of 0..6 (GGUF llama_token_type)");
        }
        return values()[code];
    }

    /** Whether this token is matched only as a special token and skipped when decoding for humans. */
    public boolean isSpecial() {
        return this == CONTROL || this == UNKNOWN;
    }
}
