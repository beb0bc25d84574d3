package org.prefalign.core.sampling;

import java.util.List;
import org.prefalign.core.kernel.RowParallel;
import org.prefalign.core.model.LlamaModel;
import org.prefalign.core.sampling.host.DecodeKernel;
import org.prefalign.core.sampling.host.HostDecoder;
import org.prefalign.core.sampling.host.SequenceCache;

/**
 * {@link DecodePath#HOST}: a fresh {@link HostDecoder} snapshot of the weights, a cache per
 * sequence, and steps in which every unfinished sequence takes one token (its next prompt token,
 * or the one it just drew) and, once past its prompt, draws the next. Each step splits the
 * unfinished sequences into contiguous parts, one per thread; a part decodes its sequences
 * together and draws their tokens. A sequence's arithmetic does not depend on which part it
 * falls in, so completions are the same for any thread count and batch.
 */
final class HostGeneration {

    private HostGeneration() {
    }

    static void run(LlamaModel model, DecodeKernel kernel, int threads, int maxNewTokens, List<int[]> prompts,
            Continuation[] seqs) {
        int b = prompts.size();
        int[] capacity = new int[b];
        int positions = 0;
        for (int i = 0; i < b; i++) {
            capacity[i] = (int) Math.min((long) prompts.get(i).length + maxNewTokens, model.contextLength());
            positions = Math.max(positions, capacity[i]);
        }
        HostDecoder decoder = HostDecoder.snapshot(model, kernel, positions);
        SequenceCache[] caches = new SequenceCache[b];
        for (int i = 0; i < b; i++) {
            caches[i] = decoder.newCache(capacity[i]);
        }
        int parts = Math.min(threads, b);
        HostDecoder.Workspace[] workspaces = new HostDecoder.Workspace[parts];
        for (int c = 0; c < parts; c++) {
            workspaces[c] = decoder.newWorkspace((b + parts - 1) / parts);
        }
        int[] lastDrawn = new int[b];
        int[] active = new int[b];
        while (true) {
            int n = 0;
            for (int i = 0; i < b; i++) {
                if (!seqs[i].finished()) {
                    active[n++] = i;
                }
            }
            if (n == 0) {
                return;
            }
            int stepParts = Math.min(parts, n);
            int running = n;
            RowParallel.forEachRange(stepParts, stepParts, (from, to) -> {
                for (int c = from; c < to; c++) {
                    int start = (int) ((long) c * running / stepParts);
                    int end = (int) ((long) (c + 1) * running / stepParts);
                    step(decoder, workspaces[c], active, start, end, prompts, caches, lastDrawn, seqs);
                }
            });
        }
    }

    /** One step of the sequences active[start..end): feed, and draw where past the prompt. */
    private static void step(HostDecoder decoder, HostDecoder.Workspace ws, int[] active, int start, int end,
            List<int[]> prompts, SequenceCache[] caches, int[] lastDrawn, Continuation[] seqs) {
        int rows = end - start;
        SequenceCache[] stepCaches = new SequenceCache[rows];
        int[] tokens = new int[rows];
        boolean[] draws = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            int i = active[start + r];
            int[] prompt = prompts.get(i);
            int fed = caches[i].length();
            stepCaches[r] = caches[i];
            tokens[r] = fed < prompt.length ? prompt[fed] : lastDrawn[i];
            draws[r] = fed >= prompt.length - 1;
        }
        decoder.step(ws, stepCaches, tokens, draws, rows);
        for (int r = 0; r < rows; r++) {
            if (draws[r]) {
                int i = active[start + r];
                lastDrawn[i] = seqs[i].draw(ws.logits(r));
            }
        }
    }
}
