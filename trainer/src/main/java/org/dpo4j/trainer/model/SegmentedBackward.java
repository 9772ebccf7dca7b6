package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;

/**
 * The body's backward pass block by block, so that a training forward pass keeps three fewer
 * (positions, I) arrays per gated MLP than autograd would.
 *
 * <p>Why: in a Llama-style block's MLP, down(silu(G)·U) with G = gate(x) and U = up(x),
 * autograd keeps five (positions, I) arrays until the backward pass: G, sigmoid(G), silu(G), U,
 * and their product P (the last for down's weight gradient). DJL has no fused SiLU and no custom
 * autograd functions, so the only way to keep fewer is to compute P, and down_proj on it,
 * outside the graph, and to hand their gradients on here. That needs the gradient at down's
 * output before the rest of the block is back-propagated, so the forward pass cuts the graph
 * into segments (leaves marked *) and {@link #backward} runs them one at a time:
 *
 * <pre>
 *   forward, block l:
 *     x_l*                 the block's input, a leaf copy of block l−1's output (of the embedding e for l = 1)
 *     y_l  = x_l* + attn(rms(x_l*))                          segment A_l
 *     y_l*                 a leaf copy of y_l
 *     G_l, U_l = gate(rms(y_l*)), up(rms(y_l*))             segment M_l (kept here: 2·I per position)
 *     P_l = silu(G_l)·U_l, D_l = down(P_l), without a graph (P_l freed with the block)
 *     o_l  = y_l* + D_l                                      segment O_l
 *   after block L: x_{L+1}*, a leaf copy of o_L that the final norm reads
 *   backward, after the caller's backward through the head and the final norm into x_{L+1}*:
 *     for l = L..1, with ∂o = ∂L/∂x_{l+1}*:
 *       backward of o_l with ∂o                               → ∂o's share of ∂L/∂y_l*
 *       by hand:  P = S·U with S = silu(G) (recomputed), ∂P = ∂o·W_down, W_down.grad += ∂oᵀ·P
 *                 (DetachedLinear, LoRA's A and B included), ∂U = ∂P·S, ∂S = ∂P·U,
 *                 ∂G = ∂S·σ(G) + (∂S·G)·(1 − σ(G))·σ(G)
 *       backward of G_l with ∂G, then of U_l with ∂U          → gate's, up's and the norm's weights, the rest of ∂L/∂y_l*
 *       backward of y_l with ∂L/∂y_l*                         → attention's and its norm's weights, ∂L/∂x_l*
 *     backward of e with ∂L/∂x_1*                             → the embedding
 * </pre>
 *
 * Under float16 autocast, or with an adapter that needs autograd (LoRA dropout), down_proj stays
 * in the graph: P_l is then a leaf P_l* that down keeps, o_l = y_l* + down(P_l*), and the
 * backward of o_l yields ∂P and down's gradients (four arrays kept instead of five).
 *
 * Each segment is traversed once. ∂P, ∂G and ∂U are the products autograd's backward functions
 * form, so every gradient is the plain path's up to the order of float32 additions
 * ({@code RecomputedHeadTest} compares them). The loss and metrics are unchanged bit for bit: P
 * and D are the same ops on the same values.
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
     * recomputed: {@code scoring.PreferenceScorer}). Why a size: the segments keep three fewer
     * (positions, I) arrays per block (1.3 GB at Qwen2.5-0.5B's shape, 2 × 256) at no cost to its
     * step, but their hand-made SwiGLU gradient (about five more passes over (positions, I) than
     * autograd's fused sigmoid backward) and extra backward calls made the 34M {@code small}
     * preset's backward pass 13-28% slower, where memory is not what limits (docs/performance.md).
     */
    public static final long MIN_PARAMETERS = 100_000_000L;

    /** Whether a policy of {@code parameters} scalars is back-propagated in segments ({@link #MIN_PARAMETERS}). */
    public static boolean pays(long parameters) {
        return parameters >= MIN_PARAMETERS;
    }

    /**
     * (positions, I) arrays a SwiGLU keeps for backward in a float32 model of {@code parameters}
     * scalars: 2 or 5 (down_proj outside the graph; 3 when it must stay in it).
     */
    public static long savedSwiGluArrays(long parameters) {
        return pays(parameters) ? 2L : 5L;
    }

    /** One block's segments: leaves, the graph outputs that reach them, and G and U. */
    private static final class Block {
        NDArray input; // x_l*
        NDArray residual; // y_l
        NDArray residualLeaf; // y_l*
        NDArray gate; // G_l
        NDArray up; // U_l
        NDArray product; // P_l*, when down_proj stays in the graph (else null)
        Linear down; // down_proj, when it runs outside the graph (else null)
        NDArray output; // o_l, known when block l+1 starts (or output() is called)
        NDArray outputLeaf; // x_{l+1}*: block l+1's input, or the leaf the final norm reads

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
        Block block = new Block();
        block.input = blocks.isEmpty() ? leaf(x) : output(x);
        blocks.add(block);
        return block.input;
    }

    /**
     * Ends the current block with its output o_l: returns the leaf x_{l+1}* that what follows
     * (the next block, or after the last one the final norm) reads instead.
     */
    public NDArray output(NDArray o) {
        Block block = current();
        if (block.output != null) {
            throw new IllegalStateException("the block's output is already recorded");
        }
        block.output = o;
        block.outputLeaf = leaf(o);
        return block.outputLeaf;
    }

    /** The residual stream between attention and MLP, y_l; returns the leaf y_l* the MLP half reads. */
    public NDArray residual(NDArray y) {
        Block block = current();
        block.residual = keep(y);
        block.residualLeaf = leaf(y);
        return block.residualLeaf;
    }

    /**
     * down(silu(G)·U): without a graph when {@link DetachedLinear#supports} the layer (G and U
     * are kept for the backward, P is freed with the block), else as down(P*) on a leaf P*.
     *
     * @param gate (..., I) G = gate(h), in the graph
     * @param up   (..., I) U = up(h), in the graph
     * @param down down_proj
     * @return (..., d) D, without a graph, or down(P*) in it
     */
    public NDArray down(NDArray gate, NDArray up, Linear down) {
        Block block = current();
        block.gate = keep(gate);
        block.up = keep(up);
        NDArray product = Silu.of(gate).times(up);
        if (DetachedLinear.supports(down)) {
            block.down = down;
            return DetachedLinear.apply(down, product);
        }
        product.setRequiresGradient(true);
        block.product = keep(product);
        return down.apply(product);
    }

    /**
     * Back-propagates the blocks top-down (see the class comment). Call once, after the backward
     * pass that reached the top block's leaves, with the same collector open. Each block's arrays
     * are freed as soon as its segments are done.
     */
    public void backward(GradientCollector collector) {
        for (int l = blocks.size() - 1; l >= 0; l--) {
            Block block = blocks.get(l);
            if (block.outputLeaf == null) {
                throw new IllegalStateException("block " + l + " has no recorded output: call output() after the last block");
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray outputGradient = block.outputLeaf.getGradient();
                Backpropagation.from(block.output, outputGradient, false);
                Silu silu = Silu.of(block.gate);
                NDArray productGradient = block.down == null ? block.product.getGradient()
                        : DetachedLinear.backward(block.down, silu.times(block.up), outputGradient);
                NDArray[] gateAndUp = silu.gradients(block.up, productGradient);
                // G and U share the norm before them: its graph is kept for the second pass
                Backpropagation.from(block.gate, gateAndUp[0], true);
                Backpropagation.from(block.up, gateAndUp[1], false);
                Backpropagation.from(block.residual, block.residualLeaf.getGradient(), false);
            }
            block.outputLeaf.close();
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
     * silu(G) = G·σ(G) of one block's G, without a graph: the product P = silu(G)·U and the
     * gradients ∂G, ∂U, formed as autograd's backward functions of those ops form them (mul,
     * then mul and sigmoid). P here is the same ops as the plain path's, so the same bits.
     *
     * @param g       (..., I) G, detached
     * @param sigmoid (..., I) σ(G)
     * @param silu    (..., I) G·σ(G)
     */
    record Silu(NDArray g, NDArray sigmoid, NDArray silu) {

        static Silu of(NDArray gate) {
            NDArray g = gate.stopGradient();
            NDArray sigmoid = Activation.sigmoid(g);
            return new Silu(g, sigmoid, g.mul(sigmoid));
        }

        /** @return (..., I) P = silu(G)·U, without a graph */
        NDArray times(NDArray up) {
            return silu.mul(up.stopGradient());
        }

        /**
         * ∂L/∂G and ∂L/∂U of P = silu(G)·U given ∂L/∂P (consumes {@code silu}: call last).
         *
         * @return {∂G, ∂U}, each (..., I)
         */
        NDArray[] gradients(NDArray up, NDArray productGradient) {
            NDArray upGradient = silu.muli(productGradient); // mul(S, U): ∂U = ∂P·S
            NDArray siluGradient = productGradient.mul(up.stopGradient()); // ∂S = ∂P·U
            // sigmoid's backward: (∂σ·(1 − σ))·σ with ∂σ = ∂S·G (mul(G, σ)'s gradient for σ)
            NDArray throughSigmoid = siluGradient.mul(g).muli(sigmoid.neg().addi(1)).muli(sigmoid);
            NDArray gateGradient = siluGradient.muli(sigmoid).addi(throughSigmoid); // ∂S·σ + the above
            return new NDArray[] {gateGradient, upGradient};
        }
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
