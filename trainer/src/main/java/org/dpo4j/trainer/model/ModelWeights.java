package org.dpo4j.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The named tensors of a model, under their Hugging Face names (e.g.
 * {@code model.layers.0.self_attn.q_proj.weight}), owned by one manager that outlives training
 * steps, in three groups by what a caller does with them:
 * <pre>
 *   trainable()  get gradients, the optimizer's state, the gradient-norm clip = all − frozen
 *   frozen()     read by the forward pass only
 *   saved()      written to a model folder or a checkpoint              = all
 * </pre>
 * A full fine-tune freezes nothing; LoRA freezes the base model's tensors and adds its
 * adapter tensors, which {@link #adapters()} applies in {@link Linear#named}.
 */
public final class ModelWeights implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final Set<String> frozen;
    private final LinearAdapters adapters;
    /** False for a {@link #withoutAdapters()} view, which shares another's tensors. */
    private final boolean owner;

    /**
     * All trainable.
     *
     * @param manager owns every tensor; closed with these weights
     * @param tensors name to tensor, in a stable order
     */
    public ModelWeights(NDManager manager, Map<String, NDArray> tensors) {
        this(manager, tensors, Set.of());
    }

    /**
     * @param manager owns every tensor; closed with these weights
     * @param tensors name to tensor, in a stable order
     * @param frozen  the names of the tensors that are not trained
     * @throws IllegalArgumentException when {@code frozen} names a tensor that is not there
     */
    public ModelWeights(NDManager manager, Map<String, NDArray> tensors, Set<String> frozen) {
        this(manager, tensors, frozen, LinearAdapters.NONE, true);
    }

    /**
     * Weights with adapters (LoRA): {@code tensors} holds the base's tensors and the adapters'.
     *
     * @param adapters applied by {@link Linear#named} to the layers they name
     */
    public ModelWeights(NDManager manager, Map<String, NDArray> tensors, Set<String> frozen, LinearAdapters adapters) {
        this(manager, tensors, frozen, adapters, true);
    }

    private ModelWeights(NDManager manager, Map<String, NDArray> tensors, Set<String> frozen, LinearAdapters adapters,
            boolean owner) {
        for (String name : frozen) {
            if (!tensors.containsKey(name)) {
                throw new IllegalArgumentException("cannot freeze " + name + ": model has no tensor of that name");
            }
        }
        this.manager = manager;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.frozen = Set.copyOf(frozen);
        this.adapters = adapters;
        this.owner = owner;
    }

    /** The adapters {@link Linear#named} applies; {@link LinearAdapters#NONE} for a plain model. */
    public LinearAdapters adapters() {
        return adapters;
    }

    /**
     * The same tensors (shared storage, no copy) with the adapters switched off and everything
     * frozen: LoRA's reference model, the base without a second copy of its weights. Closing the
     * view frees nothing; the weights it was made from own the tensors.
     */
    public ModelWeights withoutAdapters() {
        return new ModelWeights(manager, tensors, tensors.keySet(), LinearAdapters.NONE, false);
    }

    /**
     * A float32 array holding {@code values} in libtorch-owned storage. DJL's
     * {@code manager.create(float[])} leaves the tensor pointing into a Java direct buffer, which
     * counts against the JVM's direct-memory limit for as long as the weights live.
     *
     * @param manager owns the result
     * @param values  row-major values
     * @param shape   their shape
     */
    public static NDArray owned(NDManager manager, float[] values, Shape shape) {
        try (NDArray javaBacked = manager.create(values, shape)) {
            return javaBacked.duplicate();
        }
    }

    /**
     * Collects the garbage that building weights leaves: the Java arrays they were drawn or read
     * into, and the direct buffers {@link #owned} copies them through (native memory that is
     * freed only when its buffer is collected). Call once after the models are built. Why: with
     * nothing else allocating on the Java heap during training, no collection would run for a
     * long time, and these pages (about twice the weights' size) would stay resident for the
     * whole run, on top of the step's peak; a full collection also lets G1 shrink the heap.
     */
    public static void releaseStagingMemory() {
        System.gc();
    }

    /**
     * Copies {@code source}'s values into {@code target}'s storage, bit for bit, keeping
     * {@code target} itself (its handle, gradient flag and manager) as it is: how a checkpoint's
     * values go back into live parameters and optimizer state. Temporaries are freed here.
     *
     * @throws IllegalArgumentException when shapes or dtypes differ
     */
    public static void copyInto(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape()) || target.getDataType() != source.getDataType()) {
            throw new IllegalArgumentException("cannot copy " + source.getDataType() + source.getShape() + " into "
                    + target.getDataType() + target.getShape());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // an index put (libtorch copy_ into the existing storage); NDArray.set(Buffer) would
            // also keep a Java direct buffer of the values alive for as long as target lives
            target.set(new NDIndex("..."), source);
        }
    }

    /** The tensor called {@code name}; fails naming it when absent. */
    public NDArray get(String name) {
        NDArray tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalStateException("model has no tensor named " + name);
        }
        return tensor;
    }

    /** All tensors in their stable order. */
    public Map<String, NDArray> all() {
        return tensors;
    }

    /** The tensors training updates: every tensor not {@link #frozen()}. */
    public ParameterSet trainable() {
        return select(name -> !frozen.contains(name));
    }

    /** The tensors the forward pass reads but training leaves as they are. */
    public ParameterSet frozen() {
        return select(frozen::contains);
    }

    /**
     * The tensors a saved model or checkpoint holds: all of them, frozen ones too; with adapters,
     * the trainable ones only (the base comes back from the folder it was loaded from).
     */
    public ParameterSet saved() {
        return adapters == LinearAdapters.NONE ? select(name -> true) : trainable();
    }

    private ParameterSet select(Predicate<String> included) {
        Map<String, NDArray> selected = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (included.test(name)) {
                selected.put(name, t);
            }
        });
        return new ParameterSet(selected);
    }

    /** The tensors as a list, in the same order as {@link #all()}. */
    public List<NDArray> list() {
        return List.copyOf(tensors.values());
    }

    /** Total number of scalars. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(t -> t.getShape().size()).sum();
    }

    /**
     * Marks the {@link #trainable()} tensors, so backward passes fill their gradients, and gives
     * each a dense zero gradient now. Why now: a table read through {@link Lookup#rows} hands
     * autograd a sparse row gradient, and a gradient that does not exist yet would become that
     * sparse tensor, which the optimizer cannot slice; added into an existing dense gradient it
     * stays dense. (The gradients would be allocated by the first backward pass anyway.)
     */
    public void requireGradients() {
        List<NDArray> trainable = List.copyOf(trainable().tensors());
        if (trainable.isEmpty()) {
            return;
        }
        trainable.forEach(t -> t.setRequiresGradient(true));
        try (NDScope scope = new NDScope();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            // d(Σ_t Σ t)/dt = 1 everywhere: one dense gradient per tensor, zeroed below
            collector.backward(trainable.stream().map(NDArray::sum).reduce(NDArray::add).orElseThrow());
        }
        trainable.forEach(t -> JniUtils.zeroGrad((PtNDArray) t));
    }

    /**
     * An independent copy (new storage, no gradients) in a new manager, e.g. a frozen
     * reference model; the same tensors are {@link #frozen()}.
     *
     * @param parent the manager whose child owns the copy
     * @return the copy
     */
    public ModelWeights copy(NDManager parent) {
        NDManager copyManager = parent.newSubManager();
        Map<String, NDArray> copies = new LinkedHashMap<>();
        tensors.forEach(
                (name, t) -> {
                    NDArray copy = copyManager.create(t.getShape(), t.getDataType(), t.getDevice());
                    t.copyTo(copy);
                    copies.put(name, copy);
                });
        return new ModelWeights(copyManager, copies, frozen);
    }

    @Override
    public void close() {
        if (owner) {
            manager.close();
        }
    }
}
