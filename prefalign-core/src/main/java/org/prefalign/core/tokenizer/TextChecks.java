package org.prefalign.core.tokenizer;

/** Input checks shared by the tokenizers. */
final class TextChecks {

    private TextChecks() {
    }

    /**
     * Rejects unpaired UTF-16 surrogates: they are not Unicode text, have no UTF-8 form, and
     * would silently become U+FFFD or '?' and so never round-trip.
     */
    static void requireWellFormed(String text, String name) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "%s contains an unpaired surrogate U+%04X at index %d; it is not valid Unicode", name, (int) c, i));
            }
        }
    }
}
