package org.dpo4j.trainer.run;

import ai.djl.Device;
import org.dpo4j.trainer.lora.LoraSpec;
import org.dpo4j.trainer.lora.LoraWeights;
import java.nio.file.Path;
import org.dpo4j.losses.LossRequirements;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.common.Devices;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.DataReport;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.registry.HfConfigReader;
import org.dpo4j.trainer.model.registry.ModelPresets;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Everything {@link DpoTrainer} checks before its first step, without loading weights or
 * training: for {@code dpo4j validate} and {@code train --smoke}. The model folders' {@code config.json}, tokenizer and
 * safetensors headers (every parameter present, with its shape); the reference against the
 * policy; every data record read, rendered and tokenized as training does; the loss built;
 * {@code train.device} against the GPUs the engine sees.
 *
 * @param policy         the policy's architecture
 * @param policySource   where it comes from, e.g. {@code llama preset tiny} or a folder
 * @param reference      the reference's architecture (the policy's for a frozen copy)
 * @param referenceSource where it comes from
 * @param referenceMode  how training holds the reference
 * @param vocabSize      the tokenizer's vocabulary size
 * @param data           what the data pipeline did
 * @param memory         the estimated peak memory at the configured batch
 * @param lora           the LoRA adapters training would build, or null for full fine-tuning
 * @param trainable      the scalars training updates (all the policy's, or the adapters')
 * @param device         the device {@code train.device} resolves to
 */
public record RunCheck(
        ModelArchitecture policy,
        String policySource,
        ModelArchitecture reference,
        String referenceSource,
        MemoryEstimate.ReferenceMode referenceMode,
        int vocabSize,
        DataReport data,
        MemoryEstimate memory,
        LoraSpec lora,
        long trainable,
        Device device) {

    /**
     * @throws UserInputException (one line) at the first problem, as training would report it
     * @throws IllegalArgumentException for a loss the factory refuses
     */
    public static RunCheck of(RunConfig config) {
        DjlEnvironment.configure();
        Device device = Devices.resolve(config.train().device());
        StepPrecision.of(config.train().precision(), device);
        int maxLength = config.data().maxLength();
        Path policyFolder = ModelFolders.resolve(config.model().path(), "model.path");
        try (TextTokenizer tokenizer = RunModels.tokenizer(policyFolder)) {
            ModelArchitecture policy;
            String policySource;
            if (policyFolder == null) {
                policy = ModelPresets.of(config.model().arch(), config.model().preset(), tokenizer.vocabSize());
                policySource = config.model().arch() + " preset " + config.model().preset();
            } else {
                RunModels.checkVocabulary(tokenizer, HfConfigReader.read(policyFolder, maxLength), "model.path");
                policy = HfModelLoader.check(policyFolder, maxLength);
                policySource = policyFolder.toString();
            }
            Path adapter = config.model().adapter() == null ? null : Path.of(config.model().adapter());
            LoraSpec lora = LoraWeights.plan(policy, config.lora(), adapter);
            Path referenceFolder = ModelFolders.resolve(config.reference().path(), "reference.path");
            ModelArchitecture reference = policy;
            String referenceSource = lora == null ? "a frozen copy of the initial policy"
                    : "the policy's base weights with the LoRA adapters off (no copy)";
            if (referenceFolder != null) {
                RunModels.checkReferenceTokenizer(config.reference().path(), referenceFolder, policyFolder, tokenizer);
                reference = HfModelLoader.check(referenceFolder, maxLength);
                RunModels.checkReferenceArchitecture(config, referenceFolder, policyFolder, reference, policy);
                referenceSource = referenceFolder.toString();
            }
            PreparedData data = PreparedData.prepare(config.data(),
                    config.loss().create().requirements().completions(), tokenizer, policyFolder, config.train().seed());
            PreferenceLoss loss = config.loss().create();
            MemoryEstimate.ReferenceMode mode = referenceMode(loss.requirements(),
                    ReferenceSetup.requireCacheable(loss, config.reference().precompute()));
            MemoryEstimate memory = MemoryEstimate.of(policy, reference, mode, loss.requirements(),
                    config.train().batchSize(), data.train().get(0).rows(), maxLength,
                    data.train().size() + (long) data.eval().size());
            long trainable = policy.parameterCount();
            if (lora != null) {
                trainable = LoraWeights.trainableParameters(policy, lora);
                memory = memory.withAdapters(trainable, referenceFolder == null);
            }
            return new RunCheck(policy, policySource, reference, referenceSource, mode, tokenizer.vocabSize(),
                    data.report(), memory, lora, trainable, device);
        }
    }

    /** As {@link ReferenceSetup#create} decides it. */
    static MemoryEstimate.ReferenceMode referenceMode(LossRequirements needs, boolean precompute) {
        if (!needs.usesReference()) {
            return MemoryEstimate.ReferenceMode.UNUSED;
        }
        return precompute && !needs.referenceTokens() ? MemoryEstimate.ReferenceMode.PRECOMPUTED : MemoryEstimate.ReferenceMode.LIVE;
    }
}
