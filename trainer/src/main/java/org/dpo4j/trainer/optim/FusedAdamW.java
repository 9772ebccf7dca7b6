package org.dpo4j.trainer.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The AdamW update of one float32 CPU tensor in one pass, element for element as PyTorch's fused
 * CPU kernel ({@code torch.optim.AdamW(fused=True)}, {@code _fused_adamw_}, TRL's default
 * optimizer with torch ≥ 2.8) computes it in its vector path, for each element:
 *
 * <pre>
 *   g ← g·s                                   clip_grad_norm_'s g.mul_(clip_coef)
 *   θ ← θ·(1 − lr·λ)                          (skipped without weight decay: ×1 is exact)
 *   m ← fma(w, g − m, m),  w = 1 − β1         exp_avg.lerp_(g, w) for w &lt; 1/2
 *       (fma(w − 1, g − m, g) for w ≥ 1/2)
 *   v ← fma((1 − β2)·g, g, v·β2)              the kernel's v·β2 + (1 − β2)·g·g, contracted
 *   d ← sqrt(v) / sqrt(1 − β2^k) + ε          sqrt correctly rounded
 *   θ ← θ + (−lr/(1 − β1^k))·m / d
 *   g ← 0                                     the step's zero_grad
 * </pre>
 *
 * every scalar rounded to float32 first, every op rounded to float32, fma rounded once. The
 * result is PyTorch's bit for bit: {@code FusedAdamWTest} replays a record made with torch 2.13's
 * fused AdamW ({@code docs/interop/torch_fused_adamw.py}). (PyTorch's non-fused path, which
 * {@link TensorOpsAdamW} follows for tensors this class cannot reach, rounds differently in the
 * last bit: its lerp is not fused and its sqrt is MKL's, within 1 ulp.)
 *
 * <p>Why in Java: the update is 14 element-wise passes as separate tensor ops, each a read and a
 * write of slice-sized arrays, where this loop reads θ, g, m, v once and writes them once. The
 * tensors are read through direct buffers over their own memory ({@code toByteBuffer(true)},
 * no copy), a block of {@value #BLOCK} elements at a time into small float arrays that the JIT
 * compiles to vector instructions, and written back. The elements are independent, so they are
 * split over the engine's intra-op thread count and any split gives the same bits.
 */
final class FusedAdamW {

    /** Elements per block copied into the scratch arrays: 4 arrays × 32 KiB stay in L1/L2. */
    static final int BLOCK = 8192;

    /** Below this many elements a tensor is updated on the calling thread alone. */
    static final int MIN_PARALLEL_ELEMENTS = 1 << 16;

    /** The most elements one direct buffer spans (1 GiB of float32; a buffer's capacity is an int). */
    static final long MAX_SEGMENT_ELEMENTS = 1L << 28;

    private static final float[] ZEROS = new float[BLOCK];

    /** The most elements one direct buffer spans here (tests use fewer). */
    private final long maxSegmentElements;

    /** Scratch arrays per worker: [worker][θ, g, m, v][BLOCK]; grown when more workers run. */
    private float[][][] scratch = new float[0][][];

    /** @param maxSegmentElements the most elements one direct buffer spans (at most 2^28) */
    FusedAdamW(long maxSegmentElements) {
        if (maxSegmentElements < 1 || maxSegmentElements > MAX_SEGMENT_ELEMENTS) {
            throw new IllegalArgumentException("maxSegmentElements must be in [1, 2^28], got " + maxSegmentElements);
        }
        this.maxSegmentElements = maxSegmentElements;
    }

    /**
     * Whether this kernel can update {@code tensor} in place: float32 on the CPU, dense, and its
     * direct buffer is its own memory. (DJL hands a non-contiguous tensor's buffer over a
     * contiguous copy, where writes would be lost; one element written through one buffer and
     * read through a second tells the two cases apart, and is put back.) Call in a scope.
     */
    static boolean reaches(NDArray tensor) {
        if (!Device.cpu().equals(tensor.getDevice()) || tensor.getDataType() != DataType.FLOAT32
                || tensor.isSparse() || tensor.size() == 0) {
            return false;
        }
        long rows = tensor.getShape().dimension() == 0 ? 1 : tensor.getShape().get(0);
        if (tensor.size() / Math.max(1, rows) > MAX_SEGMENT_ELEMENTS) {
            return false;
        }
        FloatBuffer written = buffer(tensor);
        FloatBuffer read = buffer(tensor);
        float kept = written.get(0);
        float flipped = Float.intBitsToFloat(Float.floatToRawIntBits(kept) ^ 1);
        written.put(0, flipped);
        boolean same = Float.floatToRawIntBits(read.get(0)) == Float.floatToRawIntBits(flipped);
        written.put(0, kept);
        return same;
    }

    /**
     * Updates θ, m and v of one tensor and zeroes its gradient (all four of the same shape and
     * each {@link #reaches reached}), in segments of whole rows of at most the constructor's
     * number of elements ({@link RowSlices}). Call in a scope.
     */
    void update(NDArray p, NDArray g, NDArray m, NDArray v, AdamWScalars scalars) {
        BlockConstants c = new BlockConstants(scalars);
        RowSlices.forEach(p, g, m, v, maxSegmentElements,
                (ps, gs, ms, vs) -> updateSegment(buffer(ps), buffer(gs), buffer(ms), buffer(vs), c));
    }

    private static FloatBuffer buffer(NDArray tensor) {
        ByteBuffer bytes = tensor.toByteBuffer(true);
        return bytes.asFloatBuffer();
    }

    /** One direct-buffer segment, split over the workers. */
    private void updateSegment(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, BlockConstants c) {
        int n = p.capacity();
        int workers = (int) Math.max(1, Math.min(JniUtils.getNumThreads(), n / MIN_PARALLEL_ELEMENTS));
        float[][][] arrays = scratch(workers);
        if (workers == 1) {
            updateRange(p, g, m, v, 0, n, c, arrays[0]);
            return;
        }
        // whole blocks per worker, so that no two workers touch one block
        int blocksPerWorker = (n / BLOCK + workers) / workers;
        IntStream.range(0, workers).parallel().forEach(k -> {
            long from = (long) k * blocksPerWorker * BLOCK;
            long to = Math.min(n, from + (long) blocksPerWorker * BLOCK);
            if (from < to) {
                updateRange(p, g, m, v, (int) from, (int) to, c, arrays[k]);
            }
        });
    }

    private float[][][] scratch(int workers) {
        if (scratch.length < workers) {
            float[][][] grown = new float[workers][][];
            for (int k = 0; k < workers; k++) {
                grown[k] = k < scratch.length ? scratch[k] : new float[4][BLOCK];
            }
            scratch = grown;
        }
        return scratch;
    }

    /** Elements [from, to) of one segment, a block at a time through the worker's arrays. */
    private static void updateRange(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to,
            BlockConstants c, float[][] arrays) {
        float[] theta = arrays[0];
        float[] grad = arrays[1];
        float[] first = arrays[2];
        float[] second = arrays[3];
        for (int start = from; start < to; start += BLOCK) {
            int length = Math.min(BLOCK, to - start);
            p.get(start, theta, 0, length);
            g.get(start, grad, 0, length);
            m.get(start, first, 0, length);
            v.get(start, second, 0, length);
            c.update(theta, grad, first, second, length);
            p.put(start, theta, 0, length);
            m.put(start, first, 0, length);
            v.put(start, second, 0, length);
            g.put(start, ZEROS, 0, length);
        }
    }

    /** The step's scalars rounded to float32, as the fused kernel broadcasts them. */
    private record BlockConstants(float gradScale, boolean scaled, float decay, boolean decayed, float lerpWeight,
            float lerpWeightMinusOne, boolean lerpFromStart, float beta2, float oneMinusBeta2, float sqrtBias2,
            float eps, float negativeStepSize) {

        BlockConstants(AdamWScalars s) {
            this((float) s.gradScale(), s.scaled(), (float) s.decay(), s.decayed(), (float) s.lerpWeight(),
                    (float) s.lerpWeight() - 1f, Math.abs((float) s.lerpWeight()) < 0.5f, (float) s.beta2(), (float) (1 - s.beta2()),
                    (float) s.sqrtBias2(), (float) s.eps(), (float) -s.stepSize());
        }

        /** The update of {@code length} elements of the block arrays, in place (θ, m, v; g scaled). */
        void update(float[] theta, float[] grad, float[] first, float[] second, int length) {
            if (scaled) {
                for (int i = 0; i < length; i++) {
                    grad[i] = grad[i] * gradScale;
                }
            }
            if (decayed) {
                for (int i = 0; i < length; i++) {
                    theta[i] = theta[i] * decay;
                }
            }
            if (lerpFromStart) {
                for (int i = 0; i < length; i++) {
                    first[i] = Math.fma(lerpWeight, grad[i] - first[i], first[i]);
                }
            } else {
                for (int i = 0; i < length; i++) {
                    first[i] = Math.fma(lerpWeightMinusOne, grad[i] - first[i], grad[i]);
                }
            }
            for (int i = 0; i < length; i++) {
                float gi = grad[i];
                float vi = Math.fma(oneMinusBeta2 * gi, gi, second[i] * beta2);
                second[i] = vi;
                // (float) Math.sqrt of a float is its correctly rounded float32 square root
                float denominator = (float) Math.sqrt(vi) / sqrtBias2 + eps;
                theta[i] = theta[i] + negativeStepSize * first[i] / denominator;
            }
        }
    }
}
