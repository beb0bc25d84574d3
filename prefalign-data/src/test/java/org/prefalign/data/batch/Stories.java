package org.prefalign.data.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.prefalign.core.io.gguf.GgufFile;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.tokenizer.SentencePieceTokenizer;

/** The real tiny model of the shared folder (stories260K: BOS 1, EOS 2, no pad, no chat template), loaded once. */
public final class Stories {

    public static final int BOS = 1;
    public static final int EOS = 2;

    private static GgufFile file;
    private static SentencePieceTokenizer tokenizer;
    private static LlamaModel model;

    private Stories() {
    }

    public static Path path() {
        return Path.of(System.getProperty("prefalign.shared", "../../shared"), "models", "stories260K.gguf");
    }

    private static synchronized GgufFile file() {
        if (file == null) {
            try {
                file = GgufFile.read(path());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    public static synchronized SentencePieceTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = SentencePieceTokenizer.fromGguf(file());
        }
        return tokenizer;
    }

    public static synchronized LlamaModel model() {
        if (model == null) {
            try {
                model = LlamaModel.fromGguf(file(), DataType.FLOAT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }
}
