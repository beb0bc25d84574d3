package org.prefalign.data.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.prefalign.data.Fixtures.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.prefalign.core.kernel.MaskedReductions;
import org.prefalign.core.model.ForwardPass;
import org.prefalign.core.sampling.Completion.FinishReason;
import org.prefalign.core.sampling.SamplingConfig;
import org.prefalign.data.batch.ContentTokenizer;
import org.prefalign.data.batch.SequenceBatch;
import org.prefalign.data.batch.Stories;
import org.prefalign.data.batch.Truncation;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;

/** Sampling groups from stories260K: n per prompt, reproducible by seed, independent of batch composition. */
class OnPolicySourceTest {

    private static final ContentTokenizer CONTENT = ContentTokenizer.of(Stories.tokenizer(), Optional.empty());
    private static final SamplingConfig SAMPLING = SamplingConfig.sample(1.0, 24, 1234, Stories.EOS);

    private static final Prompt CAT = new Prompt(10, text("Once upon a time, there was a cat"));
    private static final Prompt TOM = new Prompt(11, text("Tom and his dog"));
    private static final Prompt SUN = new Prompt(12, text("The sun"));

    private static OnPolicySource source(int n, int perCall) {
        return OnPolicySource.builder(Stories.model(), CONTENT).sampling(SAMPLING).completionsPerPrompt(n)
                .maxSequencesPerCall(perCall).build();
    }

    private static void assertSameSamples(SampledGroup a, SampledGroup b) {
        assertEquals(a.prompt(), b.prompt());
        assertArrayEquals(a.promptIds(), b.promptIds());
        assertEquals(a.samples().size(), b.samples().size());
        for (int j = 0; j < a.samples().size(); j++) {
            Sample x = a.samples().get(j);
            Sample y = b.samples().get(j);
            assertArrayEquals(x.tokens(), y.tokens(), "sample " + j);
            assertArrayEquals(x.samplerLogProbs(), y.samplerLogProbs(), 1e-6, "sample " + j);
            assertEquals(x.text(), y.text());
            assertEquals(x.finishReason(), y.finishReason());
            assertEquals(x.seed(), y.seed());
        }
    }

    @Test
    void eachPromptGetsNCompletionsWhoseTextDecodesTheirIds() {
        List<SampledGroup> groups = source(4, 64).sample(List.of(CAT, TOM), 0);
        assertEquals(2, groups.size());
        assertEquals(CAT, groups.get(0).prompt());
        assertArrayEquals(CONTENT.promptIds(CAT.content()), groups.get(0).promptIds());
        Set<String> distinct = new HashSet<>();
        for (SampledGroup g : groups) {
            assertEquals(4, g.samples().size());
            for (Sample s : g.samples()) {
                assertTrue(s.tokens().length >= 1 && s.tokens().length <= 24);
                assertEquals(Stories.tokenizer().decode(s.tokens(), true), s.text());
                assertEquals(text(s.text()), s.completion());
                if (s.finishReason() == FinishReason.STOP) {
                    assertEquals(Stories.EOS, s.tokens()[s.tokens().length - 1]);
                } else {
                    assertEquals(24, s.tokens().length);
                }
                for (double lp : s.samplerLogProbs()) {
                    assertTrue(lp <= 0 && Double.isFinite(lp), "log-prob " + lp);
                }
                distinct.add(Arrays.toString(s.tokens()));
            }
            assertEquals(g.completions().size(), 4);
        }
        assertTrue(distinct.size() > 4, "temperature 1 samples differ: " + distinct.size() + " distinct of 8");
    }

    @Test
    void theSameSeedAndRoundGiveTheSameGroupsWhateverTheBatch() {
        List<SampledGroup> together = source(3, 64).sample(List.of(CAT, TOM, SUN), 5);
        List<SampledGroup> again = source(3, 64).sample(List.of(CAT, TOM, SUN), 5);
        List<SampledGroup> alone = source(3, 64).sample(List.of(TOM), 5);
        List<SampledGroup> reordered = source(3, 2).sample(List.of(SUN, TOM, CAT), 5);
        for (int i = 0; i < 3; i++) {
            assertSameSamples(together.get(i), again.get(i));
            assertSameSamples(together.get(i), reordered.get(2 - i));
        }
        assertSameSamples(together.get(1), alone.get(0));
    }

    @Test
    void anotherRoundOrRootSeedDrawsOtherCompletions() {
        SampledGroup round0 = source(2, 64).sample(List.of(CAT), 0).get(0);
        SampledGroup round1 = source(2, 64).sample(List.of(CAT), 1).get(0);
        assertNotEquals(Arrays.toString(round0.samples().get(0).tokens()), Arrays.toString(round1.samples().get(0).tokens()));
        assertNotEquals(round0.samples().get(0).seed(), round0.samples().get(1).seed());
        assertEquals(OnPolicySource.seedOf(1234, 0, 10, 1), round0.samples().get(1).seed());
        assertNotEquals(OnPolicySource.seedOf(1, 0, 0, 0), OnPolicySource.seedOf(2, 0, 0, 0));
        assertNotEquals(OnPolicySource.seedOf(1, 1, 0, 0), OnPolicySource.seedOf(1, 0, 1, 0));
    }

    @Test
    void withoutTopKOrPTheSamplerLogProbsAreTheModelsLogProbsOfTheSampledTokens() {
        List<SampledGroup> groups = source(2, 64).sample(List.of(CAT, SUN), 3);
        List<org.prefalign.core.tokenizer.PromptCompletion> rows = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (SampledGroup g : groups) {
            rows.addAll(g.sequences());
            samples.addAll(g.samples());
        }
        SequenceBatch batch = SequenceBatch.rightPadded(rows, 0, 1);
        try (ForwardPass pass = ForwardPass.inference(Stories.model(), batch.input())) {
            INDArray lp = pass.tokenLogProbs(batch.targets()).value();
            double[] sums = MaskedReductions.sum(lp, batch.targetMask(lp.dataType())).toDoubleVector();
            for (int r = 0; r < rows.size(); r++) {
                assertEquals(sums[r], samples.get(r).samplerLogProb(), 1e-3, "row " + r);
            }
        }
    }

    @Test
    void chatPromptsAreRenderedAndGetAssistantMessagesLongOnesAreCut() {
        Prompt chat = new Prompt(1, Content.chat(Message.user("Tell me a story.")));
        OnPolicySource s = OnPolicySource.builder(Stories.model(), CONTENT).sampling(SamplingConfig.greedy(8, Stories.EOS))
                .completionsPerPrompt(2).promptTruncation(Truncation.NONE.withMaxPromptLength(6, Truncation.PromptSide.KEEP_END))
                .build();
        SampledGroup g = s.sample(List.of(chat), 0).get(0);
        int[] full = CONTENT.promptIds(chat.content());
        int[] cut = g.promptIds();
        assertEquals(6, cut.length);
        assertEquals(Stories.BOS, cut[0]);
        assertArrayEquals(Arrays.copyOfRange(full, full.length - 5, full.length), Arrays.copyOfRange(cut, 1, 6));
        assertEquals(1, s.truncationStats().promptsCut());
        Sample a = g.samples().get(0);
        assertEquals(Content.chat(Message.assistant(a.text())), a.completion());
        // greedy: both samples are the argmax continuation, drawn with probability 1 (log-prob 0)
        assertArrayEquals(a.tokens(), g.samples().get(1).tokens());
        assertEquals(0.0, a.samplerLogProb());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalStateException.class, () -> OnPolicySource.builder(Stories.model(), CONTENT).build());
        assertThrows(IllegalArgumentException.class,
                () -> OnPolicySource.builder(Stories.model(), CONTENT).completionsPerPrompt(0));
        assertThrows(IllegalArgumentException.class, () -> source(1, 1).sample(List.of(), 0));
    }
}
