package org.prefalign.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unsupported or broken {@code tokenizer.json} content fails with the file and the field named. */
class HfTokenizerErrorsTest {

    private static void assertNamed(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void wordPieceAndUnigramAreRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}, \"unk_token\": \"[UNK]\"}}");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromFile(f)), f.toString(), "model.type", "WordPiece");
        Files.writeString(f, "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", -1.0]], \"unk_id\": 0}}");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromFile(f)), f.toString(), "model.type", "Unigram");
        Files.writeString(f, "{\"model\": {\"vocab\": [[\"a\", -1.0]], \"unk_id\": 0}}");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromFile(f)), "model.type", "Unigram");
        Files.writeString(f, "{\"model\": ");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromFile(f)), f.toString(), "not valid JSON");
    }

    @Test
    void brokenFieldsAreNamed() {
        ObjectNode json = HfTokenizerFixtures.json(HfTokenizerFixtures.BYTE_LEVEL);
        ((ObjectNode) json.get("model")).withArray("merges").insert(3, "q zz");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json, "bad-merges")),
                "bad-merges", "model.merges[3]", "'zz' is not in model.vocab");

        ObjectNode json2 = HfTokenizerFixtures.json(HfTokenizerFixtures.BYTE_LEVEL);
        ((ObjectNode) json2.get("model")).withArray("merges").insert(0, "abc");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json2, "bad-merges")), "model.merges[0]", "'abc'");

        ObjectNode json3 = HfTokenizerFixtures.json(HfTokenizerFixtures.BYTE_LEVEL);
        json3.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json3, "bad-pre")),
                "bad-pre", "pre_tokenizer.type", "BertPreTokenizer");

        ObjectNode json4 = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        ((ObjectNode) json4.get("decoder").get("decoders").get(3)).put("start", "one");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json4, "bad-decoder")),
                "decoder.decoders[3].start");

        ObjectNode json5 = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        ((ObjectNode) json5.get("model")).put("dropout", 0.1);
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json5, "dropout")), "model.dropout");

        ObjectNode json6 = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        ((ObjectNode) json6.get("normalizer").get("normalizers").get(0)).put("type", "BertNormalizer");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json6, "bad-norm")),
                "normalizer.normalizers[0].type", "BertNormalizer");

        ObjectNode json7 = HfTokenizerFixtures.json(HfTokenizerFixtures.LLAMA2);
        ((ObjectNode) json7.get("post_processor")).remove("special_tokens");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> HfTokenizerFixtures.load(json7, "bad-post")),
                "post_processor.special_tokens", "missing");
    }
}
