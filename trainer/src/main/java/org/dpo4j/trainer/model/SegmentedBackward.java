package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * The body's backward pass block by block, so that a training forward pass keeps two fewer
 * (positions, I) arrays per gated MLP than autograd would.
 *
 * <p>Why: in a Llama-style block's MLP, down(silu(G)·U) with G = gate(x) and U = up(x),
 * autograd keeps five (positions, I) arrays until the backward pass: G, sigmoid(G), silu(G), U,
 * and their product P (the last for down's weight gradient). DJL has no fused SiLU and no custom
 * autograd functions, so the only way to keep fewer is to compute P outside the graph and hand
 * its gradient to G and U here. That needs the gradient at P before the rest of the block is
 * back-propagated, so the forward pass cuts the graph into segments (leaves marked *) and
 * {@link #backward} runs them one at a time:
 *
 * <pre>
 *   forward, block l:
 *     x_l*                 the block's input, a leaf copy of block l−1's output (of the embedding e for l = 1)
 *     y_l  = x_l* + attn(rms(x_l*))                          segment A_l
 *     y_l*                 a leaf copy of y_l
 *     G_l, U_l = gate(rms(y_l*)), up(rms(y_l*))             segment M_l (kept here: 2·I per position)
 *     P_l* = silu(G_l)·U_l, computed without a graph         (kept by down's weight gradient: I)
 *     o_l  = y_l* + down(P_l*)                               segment D_l
 *   backward, after the caller's backward through the head and the final norm into D_L:
 *     for l = L..1:
 *       (l &lt; L) backward of o_l with gradient ∂L/∂x_{l+1}*  → ∂L/∂P_l*, down's weights, part of ∂L/∂y_l*
 *       by hand:  S = silu(G), ∂U = ∂P·S, ∂S = ∂P·U, ∂G = ∂S·σ(G) + (∂S·G)·(1 − σ(G))·σ(G)
 *       backward of G_l with ∂G, then of U_l with ∂U          → gate's, up's and the norm's weights, the rest of ∂L/∂y_l*
 *       backward of y_l with ∂L/∂y_l*                         → attention's and its norm's weights, ∂L/∂x_l*
 *     backward of e with ∂L/∂x_1*                             → the embedding
 * </pre>
 *
 * Each segment is traversed once. ∂G and ∂U are the products autograd's mul and sigmoid backward
 * functions form, so every gradient is the plain path's up to the order of float32 additions
 * ({@code RecomputedHeadTest} compares them). The loss and metrics are unchanged bit for bit: P
 * is the same ops on the same values.
 *
 * <p>Used through a thread-local recording ({@link #record}), as {@link Autocast} is: the
 * scorer opens one around the policy's training forward, a model that supports it
 * ({@code LlamaStyleModel}) asks {@link #recording()} in each block, and any other model
 * ignores it (the recording then holds no block and {@link #backward} does nothing).
 */
public final class SegmentedBackward {

    private static final ThreadLocal<SegmentedBackward> RECORDING = new ThreadLocal<>();

    /**
     * Policies of at least this many parameters are back-propagated in segments (when the head is
     * recomputed: {@code scoring.PreferenceScorer}). Why a size: the segments keep two fewer
     * (positions, I) arrays per block (0.84 GB at Qwen2.5-0.5B's shape, 2 × 256) at no cost to its
     * step, but their hand-made SwiGLU gradient (about five more passes over (positions, I) than
     * autograd's fused sigmoid backward) and extra backward calls made the 34M {@code small}
     * preset's backward pass 13-28% slower, where memory is not what limits (docs/performance.md).
     */
    public static final long MIN_PARAMETERS = 100_000_000L;

    /** Whether a policy of {@code parameters} scalars is back-propagated in segments ({@link #MIN_PARAMETERS}). */
    public static boolean pays(long parameters) {
        return parameters >= MIN_PARAMETERS;
    }

    /** (positions, I) arrays a SwiGLU keeps for backward in a model of {@code parameters} scalars: 3 or 5. */
    public static long savedSwiGluArrays(long parameters) {
        return pays(parameters) ? 3L : 5L;
    }

    /** One block's segments: leaves, the graph outputs that reach them, and G and U. */
    private static final class Block {
        NDArray input; // x_l*
        NDArray residual; // y_l
        NDArray residualLeaf; // y_l*
        NDArray gate; // G_l
        NDArray up; // U_l
        NDArray product; // P_l*
        NDArray output; // o_l, known when block l+1 starts (null for the top block)

        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>();
            for (NDArray a : new NDArray[] {input, residual, residualLeaf, gate, up, product}) {
                if (a != null) {
                    all.add(a);
                }
            }
            return all;
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final List<NDArray> pending = new ArrayList<>();
    private NDArray embedded;

    private SegmentedBackward() {}

    /**
     * Runs {@code forward} with a recording open on this thread and returns both: the forward's
     * result and the recording, whose arrays now belong to the caller's scope.
     */
    public static Recorded record(java.util.function.Supplier<NDArray> forward) {
        if (RECORDING.get() != null) {
            throw new IllegalStateException("a segmented recording is already open on this thread");
        }
        SegmentedBackward segments = new SegmentedBackward();
        RECORDING.set(segments);
        NDArray result;
        try {
            result = forward.get();
        } finally {
            RECORDING.remove();
        }
        // made inside the blocks' scopes and unregistered there: freed with the caller's scope
        segments.pending.forEach(NDScope::register);
        segments.pending.clear();
        return new Recorded(result, segments);
    }

    /** A forward pass's result and its recording. */
    public record Recorded(NDArray result, SegmentedBackward segments) {}

    /** The recording open on this thread, or null: a block then runs as one graph. */
    public static SegmentedBackward recording() {
        return RECORDING.get();
    }

    /**
     * The embedding's output e, which the first block reads, and whether its table trains (a
     * frozen one, LoRA's, gets no backward pass). Call before the first block.
     */
    public void embedding(NDArray output, boolean trains) {
        embedded = trains ? output : null;
    }

    /**
     * Starts a block: {@code x} is the embedding's output (first block) or the previous block's
     * output; returns the leaf x_l* the block reads instead.
     */
    public NDArray input(NDArray x) {
        if (!blocks.isEmpty()) {
            blocks.get(blocks.size() - 1).output = x;
        }
        Block block = new Block();
        block.input = leaf(x);
        blocks.add(block);
        return block.input;
    }

    /** The residual stream between attention and MLP, y_l; returns the leaf y_l* the MLP half reads. */
    public NDArray residual(NDArray y) {
        Block block = current();
        block.residual = keep(y);
        block.residualLeaf = leaf(y);
        return block.residualLeaf;
    }

    /**
     * silu(G)·U without a graph, as a leaf P_l* for down_proj; G and U are kept for the hand-made
     * gradient.
     *
     * @param gate (..., I) G = gate(h), in the graph
     * @param up   (..., I) U = up(h), in the graph
     * @return (..., I) P*, a leaf that requires gradient
     */
    public NDArray product(NDArray gate, NDArray up) {
        Block block = current();
        block.gate = keep(gate);
        block.up = keep(up);
        NDArray g = gate.stopGradient();
        NDArray product = g.mul(Activation.sigmoid(g)).mul(up.stopGradient());
        product.setRequiresGradient(true);
        block.product = keep(product);
        return product;
    }

    /**
     * Back-propagates the blocks top-down (see the class comment). Call once, after the backward
     * pass that reached the top block's leaves, with the same collector open. Each block's arrays
     * are freed as soon as its segments are done.
     */
    public void backward(GradientCollector collector) {
        for (int l = blocks.size() - 1; l >= 0; l--) {
            Block block = blocks.get(l);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (block.output != null) {
                    Backpropagation.from(block.output, blocks.get(l + 1).input.getGradient(), false);
                }
                NDArray[] gateAndUp = swiGluGradients(block.gate, block.up, block.product.getGradient());
                // G and U share the norm before them: its graph is kept for the second pass
                Backpropagation.from(block.gate, gateAndUp[0], true);
                Backpropagation.from(block.up, gateAndUp[1], false);
                Backpropagation.from(block.residual, block.residualLeaf.getGradient(), false);
            }
            if (l + 1 < blocks.size()) {
                blocks.get(l + 1).input.close();
            }
            block.arrays().stream().filter(a -> a != block.input).forEach(NDArray::close);
        }
        if (!blocks.isEmpty() && embedded != null) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Backpropagation.from(embedded, blocks.get(0).input.getGradient(), false);
            }
        }
        if (!blocks.isEmpty()) {
            blocks.get(0).input.close();
        }
        blocks.clear();
    }

    /**
     * ∂L/∂G and ∂L/∂U of P = silu(G)·U = (G·σ(G))·U, formed as autograd's backward functions of
     * those ops form them (mul, then mul and sigmoid), without a graph.
     *
     * @return {∂G, ∂U}, each (..., I)
     */
    static NDArray[] swiGluGradients(NDArray gate, NDArray up, NDArray productGradient) {
        NDArray g = gate.stopGradient();
        NDArray sigmoid = Activation.sigmoid(g);
        NDArray upGradient = g.mul(sigmoid).muli(productGradient); // mul(S, U): ∂U = ∂P·S, S = G·σ
        NDArray siluGradient = productGradient.mul(up.stopGradient()); // ∂S = ∂P·U
        // sigmoid's backward: (∂σ·(1 − σ))·σ with ∂σ = ∂S·G (mul(G, σ)'s gradient for σ)
        NDArray throughSigmoid = siluGradient.mul(g).muli(sigmoid.neg().addi(1)).muli(sigmoid);
        NDArray gateGradient = siluGradient.muli(sigmoid).addi(throughSigmoid); // ∂S·σ + the above
        return new NDArray[] {gateGradient, upGradient};
    }

    private Block current() {
        if (blocks.isEmpty()) {
            throw new IllegalStateException("no block started: call input() first");
        }
        return blocks.get(blocks.size() - 1);
    }

    /** A leaf copy of {@code x} (the same storage) that requires gradient, kept past the block's scope. */
    private NDArray leaf(NDArray x) {
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        return keep(leaf);
    }

    /** Moves {@code array} out of the block's scope: freed with the recording's caller's scope. */
    private NDArray keep(NDArray array) {
        NDScope.unregister(array);
        pending.add(array);
        return array;
    }
}
