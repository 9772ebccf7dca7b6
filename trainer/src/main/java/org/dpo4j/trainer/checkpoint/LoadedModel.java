package org.dpo4j.trainer.checkpoint;

import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * A model read from a Hugging Face folder.
 *
 * @param folder        where it came from
 * @param architecture  its hyper-parameters, from {@code config.json}
 * @param weights       every parameter as float32, under canonical names
 * @param unusedTensors checkpoint tensors that are neither parameters nor known buffers (for a
 *                      warning, as transformers gives one)
 */
public record LoadedModel(Path folder, ModelArchitecture architecture, ModelWeights weights, List<String> unusedTensors) {}
