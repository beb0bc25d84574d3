package org.prefalign.core.tokenizer;

import java.util.Arrays;

/** A growable int array for token ids (avoids boxing in the encoders). */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(capacity, 4)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    int size() {
        return size;
    }

    int get(int i) {
        return data[i];
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
