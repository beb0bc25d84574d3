package org.prefalign.algorithms.advantage;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.prefalign.algorithms.objective.Inputs;
import org.prefalign.algorithms.objective.TokenLogps;

/**
 * What an advantage estimator reads: the rollout's rewards and whatever else its method needs.
 * Build it with {@link #grouped(INDArray, int)} or {@link #of(INDArray)} and the {@code with...}
 * methods; every component is validated when the record is made.
 *
 * @param rewards         the scalar (outcome) reward of each completion, [B]; {@code null} only
 *                        when {@code tokenRewards} carries all the reward
 * @param groups          the prompt of each completion (completions of one prompt share an id),
 *                        length B; {@code null} for estimators without a group baseline
 * @param mask            1 for completion tokens, 0 for padding, [B, T]
 * @param values          the value head's V(s_t) at every completion token, [B, T] (GAE)
 * @param tokenRewards    per-token rewards (process rewards), [B, T]; added to the outcome
 * @param baselineRewards the reward of each prompt's greedy completion, [B] (ReMax)
 * @param logps           log π_θ_old of the sampled tokens, [B, T] (KL reward shaping)
 * @param refLogps        log π_ref of the sampled tokens, [B, T] (KL reward shaping)
 */
public record AdvantageInput(INDArray rewards, int[] groups, INDArray mask, INDArray values, INDArray tokenRewards,
                             INDArray baselineRewards, INDArray logps, INDArray refLogps) {

    public AdvantageInput {
        if (rewards == null && tokenRewards == null) {
            throw new IllegalArgumentException("rewards is required (or tokenRewards for per-token rewards only)");
        }
        long b = rewards != null ? Inputs.batchOf(rewards, "rewards") : tokenRewards.rank() == 2 ? tokenRewards.size(0) : -1;
        groups = groups == null ? null : groups.clone();
        if (groups != null && groups.length != b) {
            throw new IllegalArgumentException("groups must hold one prompt id per completion (" + b + "), got "
                    + groups.length);
        }
        if (mask != null) {
            requireMatrix(mask, "mask", b, mask);
            TokenLogps.requireMask(mask, "mask");
        }
        requireMatrix(values, "values", b, mask);
        requireMatrix(tokenRewards, "tokenRewards", b, mask);
        requireMatrix(logps, "logps", b, mask);
        requireMatrix(refLogps, "refLogps", b, mask);
        if ((logps == null) != (refLogps == null)) {
            throw new IllegalArgumentException("logps and refLogps must both be given or both be null");
        }
        if (baselineRewards != null) {
            Inputs.requireBatch(baselineRewards, "baselineRewards", b);
        }
    }

    private static void requireMatrix(INDArray a, String name, long b, INDArray mask) {
        if (a == null) {
            return;
        }
        if (mask == null) {
            throw new IllegalArgumentException(name + " is per token, so the mask [B, T] is required too");
        }
        if (a.rank() != 2 || a.size(0) != b || a.length() == 0) {
            throw new IllegalArgumentException(name + " must be a non-empty matrix [B, T] with B = " + b + ", got shape "
                    + Arrays.toString(a.shape()));
        }
        if (a != mask && !Arrays.equals(a.shape(), mask.shape())) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + " but mask has "
                    + Arrays.toString(mask.shape()));
        }
        Inputs.requireFinite(a, name);
    }

    /** Outcome rewards without groups. */
    public static AdvantageInput of(INDArray rewards) {
        return new AdvantageInput(rewards, null, null, null, null, null, null, null);
    }

    /**
     * Outcome rewards of consecutive groups of {@code groupSize} completions per prompt (TRL's
     * {@code num_generations} layout).
     *
     * @throws IllegalArgumentException when {@code groupSize} &lt; 1 or does not divide the batch
     */
    public static AdvantageInput grouped(INDArray rewards, int groupSize) {
        long b = of(rewards).batchSize();
        if (groupSize < 1 || b % groupSize != 0) {
            throw new IllegalArgumentException("groupSize must be >= 1 and divide the batch size " + b
                    + " (each prompt has groupSize completions), got " + groupSize);
        }
        int[] ids = new int[(int) b];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i / groupSize;
        }
        return of(rewards).withGroups(ids);
    }

    /** {@link #grouped(INDArray, int)} from plain doubles. */
    public static AdvantageInput grouped(double[] rewards, int groupSize) {
        return grouped(Nd4j.createFromArray(rewards), groupSize);
    }

    public AdvantageInput withGroups(int[] ids) {
        return new AdvantageInput(rewards, ids, mask, values, tokenRewards, baselineRewards, logps, refLogps);
    }

    public AdvantageInput withMask(INDArray m) {
        return new AdvantageInput(rewards, groups, m, values, tokenRewards, baselineRewards, logps, refLogps);
    }

    public AdvantageInput withValues(INDArray v) {
        return new AdvantageInput(rewards, groups, mask, v, tokenRewards, baselineRewards, logps, refLogps);
    }

    public AdvantageInput withTokenRewards(INDArray r) {
        return new AdvantageInput(rewards, groups, mask, values, r, baselineRewards, logps, refLogps);
    }

    public AdvantageInput withBaselineRewards(INDArray r) {
        return new AdvantageInput(rewards, groups, mask, values, tokenRewards, r, logps, refLogps);
    }

    public AdvantageInput withLogps(INDArray policy, INDArray ref) {
        return new AdvantageInput(rewards, groups, mask, values, tokenRewards, baselineRewards, policy, ref);
    }

    /** The number of completions B. */
    public int batchSize() {
        return rewards != null ? (int) rewards.length() : (int) tokenRewards.size(0);
    }

    /** The outcome rewards as doubles, or fails naming {@code who} when there are none. */
    double[] rewardValues(String who) {
        if (rewards == null) {
            throw new IllegalArgumentException(who + " needs outcome rewards (AdvantageInput.rewards), got null");
        }
        return Inputs.values(rewards);
    }

    /** The group ids, or fails naming {@code who} when there are none. */
    int[] groupIds(String who) {
        if (groups == null) {
            throw new IllegalArgumentException(who + " needs groups: the prompt id of each completion"
                    + " (AdvantageInput.grouped or withGroups)");
        }
        return groups;
    }

    /** The mask as [B][T] doubles, or fails naming {@code who} when there is none. */
    double[][] maskMatrix(String who) {
        if (mask == null) {
            throw new IllegalArgumentException(who + " works per token and needs the completion mask [B, T]"
                    + " (AdvantageInput.withMask)");
        }
        return TokenLogps.matrix(mask);
    }
}
