package org.prefalign.core.autodiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reverse-mode automatic differentiation by a tape (Wengert list): every op appends a closure
 * that maps the gradient of its output to gradients of its inputs; {@link #backward} seeds the
 * outputs and replays the closures in reverse (Griewank &amp; Walther, "Evaluating Derivatives",
 * 2008, ch. 3).
 *
 * <p>The tape also owns the off-heap arrays its ops allocate (outputs and values saved for
 * backward) and frees them at {@link #close()}: copy any result you keep beyond the tape's life.
 * An {@linkplain #inference() inference} tape records nothing and saves nothing, only frees.
 */
public final class Tape implements AutoCloseable {

    /** One op's backward step: reads its output's gradient, accumulates into its inputs' gradients. */
    @FunctionalInterface
    interface Backward {
        void run();
    }

    private record Step(Tensor output, Backward backward) {
    }

    private final boolean recording;
    private final List<Step> steps = new ArrayList<>();
    private final List<INDArray> owned = new ArrayList<>();
    private boolean backwardDone;
    private boolean closed;

    private Tape(boolean recording) {
        this.recording = recording;
    }

    /** A tape that records ops for a later {@link #backward}. */
    public static Tape recording() {
        return new Tape(true);
    }

    /** A tape for forward passes without gradients (reference models, sampling, evaluation). */
    public static Tape inference() {
        return new Tape(false);
    }

    public boolean isRecording() {
        return recording;
    }

    /** Whether an op over these inputs must record a backward step. */
    boolean needsGrad(Tensor... inputs) {
        checkOpen();
        if (!recording) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Wraps an array the op allocated as its output; the tape frees it at close. */
    Tensor output(INDArray value, boolean requiresGrad) {
        own(value);
        return Tensor.result(value, requiresGrad);
    }

    /** Wraps an output that shares its buffer with an input (a reshape view): not freed here. */
    Tensor view(INDArray value, boolean requiresGrad) {
        checkOpen();
        return Tensor.result(value, requiresGrad);
    }

    /** Registers a freshly allocated array (a mask, a table) to be freed when the tape closes. */
    public INDArray own(INDArray array) {
        checkOpen();
        owned.add(array);
        return array;
    }

    void record(Tensor output, Backward backward) {
        checkOpen();
        if (!recording) {
            throw new IllegalStateException("an inference tape records no backward steps");
        }
        steps.add(new Step(output, backward));
    }

    /** Back-propagates {@code seed} = d(loss)/d(output) through everything recorded. */
    public void backward(Tensor output, INDArray seed) {
        Map<Tensor, INDArray> seeds = new LinkedHashMap<>();
        seeds.put(output, seed);
        backward(seeds);
    }

    /**
     * Back-propagates several outputs at once (e.g. token log-probs and value-head outputs of one
     * forward pass): each entry is d(loss)/d(that output). Parameter gradients accumulate.
     *
     * @throws IllegalStateException when the tape does not record, is closed, or ran backward already
     */
    public void backward(Map<Tensor, INDArray> seeds) {
        checkOpen();
        if (!recording) {
            throw new IllegalStateException("backward on an inference tape: create it with Tape.recording()");
        }
        if (backwardDone) {
            throw new IllegalStateException("backward already ran on this tape (its saved values are consumed)");
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("backward needs at least one seeded output");
        }
        backwardDone = true;
        for (Map.Entry<Tensor, INDArray> e : seeds.entrySet()) {
            Tensor out = Objects.requireNonNull(e.getKey(), "seeded output");
            INDArray seed = Objects.requireNonNull(e.getValue(), "seed");
            if (!out.requiresGrad()) {
                throw new IllegalArgumentException("seeded output " + out + " does not depend on any parameter");
            }
            if (seed.dataType() != out.dataType()) {
                seed = seed.castTo(out.dataType());
            }
            out.accumulate(seed);
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step step = steps.get(i);
            if (step.output().hasGrad()) {
                step.backward().run();
                step.output().releaseGrad();
            }
        }
        for (Tensor out : seeds.keySet()) {
            out.releaseGrad();
        }
    }

    /** Frees every array the tape's ops allocated. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Step s : steps) {
            s.output().releaseGrad();
        }
        steps.clear();
        for (INDArray a : owned) {
            Buffers.release(a);
        }
        owned.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tape is closed");
        }
    }
}
