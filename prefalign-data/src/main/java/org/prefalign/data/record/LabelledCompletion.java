package org.prefalign.data.record;

import static org.prefalign.data.record.Fields.required;

/**
 * A completion labelled desirable or undesirable, without a partner (the unpaired input of
 * KTO, Ethayarajh et al. 2024, arXiv:2402.01306, and of BCO; TRL's {@code completion}/{@code label}
 * format).
 *
 * @param prompt     the prompt
 * @param completion the completion, same kind as the prompt
 * @param desirable  true for a good completion ({@code label: true} in TRL's files)
 */
public record LabelledCompletion(Content prompt, Content completion, boolean desirable) implements Example {

    public LabelledCompletion {
        required(prompt, "prompt");
        required(completion, "completion");
        Content.requireSameKind(prompt, "completion", completion);
    }
}
