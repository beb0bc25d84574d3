package org.prefalign.algorithms.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The message of a rejected input or config. */
public final class Thrown {

    private Thrown() {
    }

    /** The message of the {@link IllegalArgumentException} that {@code r} must throw. */
    public static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    /** The same, naming {@code what} should have been rejected when nothing is thrown. */
    public static String message(Runnable r, String what) {
        return assertThrows(IllegalArgumentException.class, r::run, what).getMessage();
    }
}
