package org.dpo4j.trainer.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.ByteSize;
import org.dpo4j.trainer.checkpoint.HfModelWriter;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.TokenizerFiles;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.lora.LoraAdapters;
import org.dpo4j.trainer.lora.LoraMerge;
import org.dpo4j.trainer.lora.PeftAdapterFolder;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * Saves the policy as a Hugging Face folder, as {@code output.save_dtype} and
 * {@code output.max_shard_size} say, with the tokenizer and (for a loaded model) the source
 * folder's {@code config.json} and {@code generation_config.json}.
 */
public final class PolicySaver {

    /** The run directory's folder for the model after the last step. */
    public static final String FINAL = "final";
    /** With LoRA and {@code output.merge_lora}: the full model with the adapters merged in. */
    public static final String FINAL_MERGED = "final-merged";

    private final HfModelWriter writer;
    private final HfModelWriter checkpointWriter;
    private final HfModelWriter.Companions companions;
    private final boolean mergeLora;

    private PolicySaver(HfModelWriter writer, HfModelWriter checkpointWriter, HfModelWriter.Companions companions,
            boolean mergeLora) {
        this.writer = writer;
        this.checkpointWriter = checkpointWriter;
        this.companions = companions;
        this.mergeLora = mergeLora;
    }

    /**
     * @param output       the run's output settings (validated here, before any training)
     * @param architecture the policy's architecture
     * @param tokenizer    the policy's tokenizer
     * @param policyFolder the folder the policy was loaded from, or null for a preset
     */
    static PolicySaver create(OutputConfig output, ModelArchitecture architecture, TextTokenizer tokenizer, Path policyFolder) {
        SaveDtype dtype = SaveDtype.parse(output.saveDtype(), "output.save_dtype");
        long maxShardBytes = ByteSize.parse(output.maxShardSize(), "output.max_shard_size");
        Map<String, byte[]> tokenizerFiles = policyFolder == null
                ? TokenizerFiles.byteTokenizer(architecture.maxPositions())
                : TokenizerFiles.of(policyFolder);
        Map<String, Integer> ids = new LinkedHashMap<>();
        if (tokenizer.bosId() >= 0) {
            ids.put("bos_token_id", tokenizer.bosId());
        }
        ids.put("eos_token_id", tokenizer.eosId());
        ids.put("pad_token_id", tokenizer.padId());
        return new PolicySaver(
                new HfModelWriter(dtype, maxShardBytes),
                new HfModelWriter(SaveDtype.F32, maxShardBytes),
                new HfModelWriter.Companions(architecture, tokenizerFiles, ids, policyFolder), output.mergeLora());
    }

    /**
     * Writes {@code weights} into the new folder {@code target}, complete or not at all: a Hugging
     * Face model folder; with LoRA a PEFT adapter folder (adapter_config.json,
     * adapter_model.safetensors and the tokenizer files), and with {@code output.merge_lora} also
     * {@value #FINAL_MERGED}/ beside it, the full model with W + s·B·A.
     */
    void save(Path target, ModelWeights weights) {
        if (LoraAdapters.of(weights) == null) {
            writer.write(target, weights, companions);
            return;
        }
        Path base = companions.sourceFolder();
        PeftAdapterFolder.write(target, companions.architecture(), weights,
                base == null ? null : base.toAbsolutePath().normalize().toString(), companions.tokenizerFiles());
        if (mergeLora) {
            try (ModelWeights merged = LoraMerge.merged(weights)) {
                writer.write(target.resolveSibling(FINAL_MERGED), merged, companions);
            }
        }
    }

    /**
     * Writes {@code weights} as a Hugging Face folder in float32 whatever
     * {@code output.save_dtype} says (a checkpoint's {@code model/}: resuming must be exact),
     * into {@code folder}, created here inside a checkpoint that is being assembled.
     */
    void saveForCheckpoint(Path folder, ModelWeights weights) throws IOException {
        Files.createDirectories(folder);
        checkpointWriter.writeInto(folder, weights, companions);
    }
}
