package org.prefalign.core.model;

import java.util.Map;
import org.prefalign.core.autodiff.RopePairing;

/**
 * A second, independent Llama forward for tests: plain double loops over row-major weight arrays,
 * one sequence at a time, written as the textbook describes each step (per-head attention with
 * explicit key/value head sharing, RoPE as a rotation of each (a, b) pair). No ND4J.
 */
final class ReferenceLlama {

    private final DecoderConfig c;
    private final Map<String, double[]> w;

    ReferenceLlama(DecoderConfig config, Map<String, double[]> weights) {
        this.c = config;
        this.w = weights;
    }

    /** Logits [T][V] of one sequence at the given positions. */
    double[][] logits(int[] tokens, int[] positions) {
        int n = tokens.length;
        double[][] x = new double[n][];
        double[] emb = w.get("token_embd.weight");
        for (int t = 0; t < n; t++) {
            x[t] = java.util.Arrays.copyOfRange(emb, tokens[t] * c.dim(), (tokens[t] + 1) * c.dim());
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            double[][] h = new double[n][];
            for (int t = 0; t < n; t++) {
                h[t] = rmsNorm(x[t], w.get(p + "attn_norm.weight"));
            }
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                q[t] = rope(affine(w.get(p + "attn_q.weight"), w.get(p + "attn_q.bias"), h[t]), c.heads(), positions[t]);
                k[t] = rope(affine(w.get(p + "attn_k.weight"), w.get(p + "attn_k.bias"), h[t]), c.kvHeads(), positions[t]);
                v[t] = affine(w.get(p + "attn_v.weight"), w.get(p + "attn_v.bias"), h[t]);
            }
            int d = c.headDim();
            for (int t = 0; t < n; t++) {
                double[] attended = new double[c.heads() * d];
                for (int head = 0; head < c.heads(); head++) {
                    int kvHead = head * c.kvHeads() / c.heads();
                    double[] score = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += q[t][head * d + i] * k[j][kvHead * d + i];
                        }
                        score[j] = dot / Math.sqrt(d);
                        max = Math.max(max, score[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= t; j++) {
                        score[j] = Math.exp(score[j] - max);
                        z += score[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < d; i++) {
                            attended[head * d + i] += score[j] / z * v[j][kvHead * d + i];
                        }
                    }
                }
                add(x[t], affine(w.get(p + "attn_output.weight"), w.get(p + "attn_output.bias"), attended));
            }
            for (int t = 0; t < n; t++) {
                double[] g = rmsNorm(x[t], w.get(p + "ffn_norm.weight"));
                double[] gate = affine(w.get(p + "ffn_gate.weight"), null, g);
                double[] up = affine(w.get(p + "ffn_up.weight"), null, g);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x[t], affine(w.get(p + "ffn_down.weight"), null, gate));
            }
        }
        double[] head = c.tiedEmbeddings() ? emb : w.get("output.weight");
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = affine(head, null, rmsNorm(x[t], w.get("output_norm.weight")));
        }
        return logits;
    }

    /** log softmax(logits)[target]. */
    static double logProb(double[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double s = 0;
        for (double z : logits) {
            s += Math.exp(z - max);
        }
        return logits[target] - max - Math.log(s);
    }

    private double[] rmsNorm(double[] x, double[] gain) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * r * gain[i];
        }
        return y;
    }

    /** W x + b for W row-major [out][in]. */
    private static double[] affine(double[] weight, double[] bias, double[] x) {
        int out = weight.length / x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < x.length; i++) {
                s += weight[o * x.length + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private double[] rope(double[] x, int heads, int position) {
        int d = c.headDim();
        double[] freq = c.inverseFrequencies();
        double[] y = x.clone();
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < d / 2; i++) {
                int a = head * d + (c.ropePairing() == RopePairing.ADJACENT ? 2 * i : i);
                int b = head * d + (c.ropePairing() == RopePairing.ADJACENT ? 2 * i + 1 : i + d / 2);
                double cos = Math.cos(position * freq[i]);
                double sin = Math.sin(position * freq[i]);
                y[a] = x[a] * cos - x[b] * sin;
                y[b] = x[a] * sin + x[b] * cos;
            }
        }
        return y;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
