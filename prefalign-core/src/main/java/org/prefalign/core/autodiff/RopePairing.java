package org.prefalign.core.autodiff;

/**
 * Which pairs of a head's dimensions rotary position embedding rotates together. The two are
 * the same rotation applied to differently ordered features; a checkpoint fixes which one its
 * weights expect.
 */
public enum RopePairing {
    /** (x[2i], x[2i+1]): the RoFormer paper, llama2.c, and llama.cpp's "normal" rope for GGUF llama. */
    ADJACENT,
    /** (x[i], x[i + d/2]): Hugging Face transformers' {@code rotate_half} (GPT-NeoX style). */
    HALF_SPLIT;

    /** The index of the partner of feature j in a head of size d. */
    int partner(int j, int d) {
        return switch (this) {
            case ADJACENT -> j ^ 1;
            case HALF_SPLIT -> j < d / 2 ? j + d / 2 : j - d / 2;
        };
    }

    /** The frequency index i of feature j (features of one pair share it). */
    int frequencyIndex(int j, int d) {
        return switch (this) {
            case ADJACENT -> j / 2;
            case HALF_SPLIT -> j % (d / 2);
        };
    }

    /** Whether feature j is the first member of its pair (it receives −sin·partner). */
    boolean isFirst(int j, int d) {
        return switch (this) {
            case ADJACENT -> (j & 1) == 0;
            case HALF_SPLIT -> j < d / 2;
        };
    }
}
