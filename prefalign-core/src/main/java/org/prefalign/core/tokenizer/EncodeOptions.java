package org.prefalign.core.tokenizer;

/**
 * How one text is turned into ids.
 *
 * @param addSpecialTokens add the tokens the tokenizer puts around every sequence by default
 *                         (BOS for Llama vocabularies, the post-processor's template for HF
 *                         {@code tokenizer.json}); {@code false} encodes the text alone, as
 *                         transformers' {@code add_special_tokens=False}
 * @param parseSpecialTokens match special (control) tokens written in the text, such as
 *                         {@code <|im_start|>} in a rendered chat template, as single ids;
 *                         {@code false} encodes them as ordinary text (transformers'
 *                         {@code split_special_tokens=True}, llama.cpp's {@code parse_special=false}).
 *                         User-defined added tokens are matched either way.
 */
public record EncodeOptions(boolean addSpecialTokens, boolean parseSpecialTokens) {

    /** The defaults of transformers' {@code tokenizer(text)}: special tokens added and parsed. */
    public static final EncodeOptions DEFAULT = new EncodeOptions(true, true);

    /** The text alone (no BOS/EOS), special tokens in it still parsed: for concatenating pieces. */
    public static final EncodeOptions TEXT_ONLY = new EncodeOptions(false, true);

    /** Untrusted text: no BOS/EOS, and a literal {@code <|im_end|>} in it stays ordinary text. */
    public static final EncodeOptions PLAIN = new EncodeOptions(false, false);
}
