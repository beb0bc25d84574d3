package org.prefalign.core.sampling.host;

/**
 * {@link DecodeKernel} in plain Java loops: the fallback when the Vector API module is absent.
 * No padding: columns and slots are multiples of 1.
 */
final class ScalarDecodeKernel implements DecodeKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int columnMultiple() {
        return 1;
    }

    @Override
    public int slotMultiple() {
        return 1;
    }

    @Override
    public void matmul(float[] x, int xStride, int rows, PackedLinear w, float[] y) {
        int stride = w.stride();
        float[] weights = w.weights();
        for (int r = 0; r < rows; r++) {
            int yRow = r * stride;
            if (w.bias() == null) {
                java.util.Arrays.fill(y, yRow, yRow + stride, 0f);
            } else {
                System.arraycopy(w.bias(), 0, y, yRow, stride);
            }
            for (int i = 0; i < w.in(); i++) {
                float xi = x[r * xStride + i];
                int wRow = i * stride;
                for (int o = 0; o < stride; o++) {
                    y[yRow + o] += xi * weights[wRow + o];
                }
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int rows, int stride, int n, float[] g, float eps, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * stride;
            float squares = 0f;
            for (int j = 0; j < n; j++) {
                squares += x[o + j] * x[o + j];
            }
            float inv = (float) (1.0 / Math.sqrt(squares / n + eps));
            for (int j = 0; j < n; j++) {
                y[o + j] = x[o + j] * inv * g[j];
            }
        }
    }

    @Override
    public void swiGlu(float[] gateUp, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int o = 2 * r * width;
            for (int j = 0; j < width; j++) {
                float gate = gateUp[o + j];
                gateUp[o + j] = (float) (gate / (1 + Math.exp(-gate))) * gateUp[o + width + j];
            }
        }
    }

    @Override
    public void attend(float[] q, int qOffset, float[] kT, float[] vT, int base, int capacity, int n, int d, float scale,
            float[] scores, float[] out, int outOffset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            float s = 0f;
            for (int c = 0; c < d; c++) {
                s += q[qOffset + c] * scale * kT[base + c * capacity + j];
            }
            scores[j] = s;
            max = Math.max(max, s);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            sum += scores[j];
        }
        for (int c = 0; c < d; c++) {
            float acc = 0f;
            int row = base + c * capacity;
            for (int j = 0; j < n; j++) {
                acc += scores[j] * vT[row + j];
            }
            out[outOffset + c] = acc / sum;
        }
    }
}
