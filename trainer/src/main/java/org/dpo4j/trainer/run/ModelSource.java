package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDManager;

/**
 * Where a run's policy and reference come from, the part of the assembly each caller decides:
 * training loads {@code model} and {@code reference} ({@link RunModels#load}), the benchmark
 * initialises a preset for its synthetic vocabulary, evaluation loads a model folder and the
 * reference it was trained against.
 */
@FunctionalInterface
public interface ModelSource {

    /**
     * @param manager owns the weights
     * @throws org.dpo4j.trainer.common.UserInputException when a folder is unusable
     */
    RunModels load(NDManager manager);
}
