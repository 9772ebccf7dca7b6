package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.checkpoint.CheckpointFiles;
import org.dpo4j.trainer.checkpoint.SafetensorsWriter;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.optim.AdamW;

/**
 * Writes a training checkpoint, {@code RUN/checkpoints/step-N/}:
 *
 * <pre>
 * model/                  the policy as a Hugging Face folder, float32 (PolicySaver)
 * optimizer.safetensors   AdamW: NAME.exp_avg and NAME.exp_avg_sq (m and v) per parameter NAME,
 *                         float32; __metadata__ "step" = updates applied
 * reference/model.safetensors   only with TR-DPO (reference.sync_every &gt; 0): the synced
 *                         reference's weights under their Hugging Face names, float32
 * trainer_state.json      {@link TrainerState}; written last
 * </pre>
 *
 * through {@link StepCheckpoints#write} (a hidden staging folder renamed when complete, then the
 * oldest checkpoints beyond {@code save.keep_last} deleted).
 */
public final class CheckpointWriter {

    static final String MODEL = "model";
    public static final String OPTIMIZER = "optimizer.safetensors";
    static final String REFERENCE = "reference";
    static final String FIRST_MOMENT = ".exp_avg";
    static final String SECOND_MOMENT = ".exp_avg_sq";
    /** The {@code __metadata__} entry of {@value #OPTIMIZER} holding AdamW's step count. */
    public static final String STEP_METADATA = "step";

    private final Path runDir;
    private final int keepLast;
    private final PolicySaver saver;
    private final ModelWeights policy;
    private final AdamW optimizer;
    private final ModelWeights syncedReference;

    /**
     * @param syncedReference the reference TR-DPO updates during the run, saved with every
     *                        checkpoint; null when the reference never changes (it is then
     *                        rebuilt from the config on resume)
     */
    CheckpointWriter(Path runDir, int keepLast, PolicySaver saver, ModelWeights policy, AdamW optimizer,
            ModelWeights syncedReference) {
        this.runDir = runDir;
        this.keepLast = keepLast;
        this.saver = saver;
        this.policy = policy;
        this.optimizer = optimizer;
        this.syncedReference = syncedReference;
    }

    /**
     * Writes the checkpoint of {@code state.step()}.
     *
     * @return the complete checkpoint folder
     * @throws UncheckedIOException when the disk fails; older checkpoints are then intact
     */
    Path write(TrainerState state) {
        try {
            return StepCheckpoints.write(runDir, state.step(), keepLast, folder -> {
                saver.saveForCheckpoint(folder.resolve(MODEL), policy);
                SafetensorsWriter.write(folder.resolve(OPTIMIZER), moments(), SaveDtype.F32,
                        Map.of(STEP_METADATA, Integer.toString(optimizer.steps())));
                if (syncedReference != null) {
                    Path reference = Files.createDirectories(folder.resolve(REFERENCE));
                    SafetensorsWriter.write(reference.resolve(CheckpointFiles.SINGLE_FILE), syncedReference.saved().byName(), SaveDtype.F32);
                }
                AtomicFiles.writeString(folder.resolve(StepCheckpoints.STATE_FILE), state.toJson());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(failure(runDir, state.step(), e), e);
        }
    }

    /**
     * One line naming the checkpoint, the file (when the file system says which) and the cause,
     * e.g. "cannot write checkpoint RUN/checkpoints/step-8: No space left on device; nothing of
     * it was kept, the earlier checkpoints are intact".
     */
    static String failure(Path runDir, int step, IOException e) {
        return "cannot write checkpoint " + StepCheckpoints.folder(runDir, step) + ": " + IoErrors.describe(e)
                + "; nothing of it was kept, the earlier checkpoints are intact";
    }

    /** NAME.exp_avg, NAME.exp_avg_sq for each parameter, in parameter order. */
    private Map<String, NDArray> moments() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> names = policy.trainable().names();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i) + FIRST_MOMENT, optimizer.firstMoment(i));
            out.put(names.get(i) + SECOND_MOMENT, optimizer.secondMoment(i));
        }
        return out;
    }
}
