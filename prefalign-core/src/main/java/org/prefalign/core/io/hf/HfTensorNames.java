package org.prefalign.core.io.hf;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The correspondence between GGUF tensor names (llama.cpp) and Hugging Face Llama-family names
 * (transformers' {@code LlamaForCausalLM} / {@code Qwen2ForCausalLM} state dicts):
 *
 * <pre>
 * token_embd.weight          model.embed_tokens.weight
 * output_norm.weight         model.norm.weight
 * output.weight              lm_head.weight
 * blk.N.attn_norm.weight     model.layers.N.input_layernorm.weight
 * blk.N.attn_q.{weight,bias} model.layers.N.self_attn.q_proj.{weight,bias}
 * blk.N.attn_k.{weight,bias} model.layers.N.self_attn.k_proj.{weight,bias}
 * blk.N.attn_v.{weight,bias} model.layers.N.self_attn.v_proj.{weight,bias}
 * blk.N.attn_output.{w,b}    model.layers.N.self_attn.o_proj.{weight,bias}
 * blk.N.ffn_norm.weight      model.layers.N.post_attention_layernorm.weight
 * blk.N.ffn_gate.weight      model.layers.N.mlp.gate_proj.weight
 * blk.N.ffn_up.weight        model.layers.N.mlp.up_proj.weight
 * blk.N.ffn_down.weight      model.layers.N.mlp.down_proj.weight
 * </pre>
 *
 * Names only: the Q/K row order also differs between the two, see {@link RotaryPermutation}.
 */
public final class HfTensorNames {

    private static final Map<String, String> GLOBAL = Map.of(
            "token_embd.weight", "model.embed_tokens.weight",
            "output_norm.weight", "model.norm.weight",
            "output.weight", "lm_head.weight");

    private static final Map<String, String> BLOCK = Map.ofEntries(
            Map.entry("attn_norm.weight", "input_layernorm.weight"),
            Map.entry("attn_q.weight", "self_attn.q_proj.weight"),
            Map.entry("attn_q.bias", "self_attn.q_proj.bias"),
            Map.entry("attn_k.weight", "self_attn.k_proj.weight"),
            Map.entry("attn_k.bias", "self_attn.k_proj.bias"),
            Map.entry("attn_v.weight", "self_attn.v_proj.weight"),
            Map.entry("attn_v.bias", "self_attn.v_proj.bias"),
            Map.entry("attn_output.weight", "self_attn.o_proj.weight"),
            Map.entry("attn_output.bias", "self_attn.o_proj.bias"),
            Map.entry("ffn_norm.weight", "post_attention_layernorm.weight"),
            Map.entry("ffn_gate.weight", "mlp.gate_proj.weight"),
            Map.entry("ffn_up.weight", "mlp.up_proj.weight"),
            Map.entry("ffn_down.weight", "mlp.down_proj.weight"));

    private static final Pattern GGUF_BLOCK = Pattern.compile("blk\\.(0|[1-9][0-9]*)\\.(.+)");
    private static final Pattern HF_BLOCK = Pattern.compile("model\\.layers\\.(0|[1-9][0-9]*)\\.(.+)");

    private HfTensorNames() {
    }

    /** The HF name of GGUF tensor {@code gguf}, if it is a Llama-family tensor. */
    public static Optional<String> toHf(String gguf) {
        if (GLOBAL.containsKey(gguf)) {
            return Optional.of(GLOBAL.get(gguf));
        }
        Matcher m = GGUF_BLOCK.matcher(gguf);
        if (m.matches() && BLOCK.containsKey(m.group(2))) {
            return Optional.of("model.layers." + m.group(1) + "." + BLOCK.get(m.group(2)));
        }
        return Optional.empty();
    }

    /** The GGUF name of HF tensor {@code hf}, if it is a Llama-family tensor. */
    public static Optional<String> toGguf(String hf) {
        for (Map.Entry<String, String> e : GLOBAL.entrySet()) {
            if (e.getValue().equals(hf)) {
                return Optional.of(e.getKey());
            }
        }
        Matcher m = HF_BLOCK.matcher(hf);
        if (m.matches()) {
            for (Map.Entry<String, String> e : BLOCK.entrySet()) {
                if (e.getValue().equals(m.group(2))) {
                    return Optional.of("blk." + m.group(1) + "." + e.getKey());
                }
            }
        }
        return Optional.empty();
    }
}
