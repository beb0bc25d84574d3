package org.prefalign.core.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The hand-made {@code tokenizer.json} fixtures in the test resources, as text or editable JSON. */
final class HfTokenizerFixtures {

    static final String BYTE_LEVEL = "byte-level-bpe.tokenizer.json";
    static final String LLAMA3 = "llama3-style.tokenizer.json";
    static final String LLAMA2 = "llama2-style.tokenizer.json";

    private HfTokenizerFixtures() {
    }

    static String text(String name) {
        try (InputStream in = HfTokenizerFixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(String name) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HfTokenizer load(String name) {
        return HfTokenizer.fromJson(text(name), null, name);
    }

    static HfTokenizer load(ObjectNode json, String name) {
        return HfTokenizer.fromJson(json.toString(), null, name);
    }
}
