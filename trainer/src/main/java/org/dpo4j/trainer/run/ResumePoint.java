package org.dpo4j.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.StatefulLoss;
import org.dpo4j.trainer.checkpoint.CheckpointFiles;
import org.dpo4j.trainer.checkpoint.CheckpointManifest;
import org.dpo4j.trainer.checkpoint.SafetensorsFile;
import org.dpo4j.trainer.checkpoint.StepCheckpoints;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.optim.AdamW;

/**
 * A complete training checkpoint to continue from (see {@link CheckpointWriter} for its files):
 * checks that the run about to resume is the one that wrote it, then puts its weights, optimizer
 * moments, loss state and loop counters back.
 */
public final class ResumePoint {

    private final Path folder;
    private final TrainerState state;
    private final OptionalInt verifiedFiles;

    private ResumePoint(Path folder, TrainerState state, OptionalInt verifiedFiles) {
        this.folder = folder;
        this.state = state;
        this.verifiedFiles = verifiedFiles;
    }

    /**
     * Opens a checkpoint folder ({@code RUN/checkpoints/step-N}), checking its files against
     * their SHA-256 sums ({@link CheckpointManifest}) and its trainer state's counters against
     * each other and the folder's name.
     *
     * @throws UserInputException when it is not a complete dpo4j checkpoint, a file is damaged,
     *     or {@code trainer_state.json} contradicts itself
     */
    public static ResumePoint open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException(folder + ": no such checkpoint folder");
        }
        Path stateFile = folder.resolve(StepCheckpoints.STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
            throw new UserInputException(folder + ": not a complete checkpoint (no " + StepCheckpoints.STATE_FILE
                    + "); expected a folder RUN/" + StepCheckpoints.DIR + "/step-N");
        }
        for (String part : List.of(CheckpointWriter.MODEL, CheckpointWriter.OPTIMIZER)) {
            if (!Files.exists(folder.resolve(part))) {
                throw new UserInputException(folder + ": not a complete checkpoint (no " + part + ")");
            }
        }
        OptionalInt verified = CheckpointManifest.verify(folder);
        TrainerState state = TrainerState.read(stateFile);
        checkCounters(folder, stateFile, state);
        return new ResumePoint(folder, state, verified);
    }

    /**
     * What a hand-edited {@code trainer_state.json} can get wrong without breaking its format:
     * a step that is not the folder's, counters out of range. (The data position is checked
     * against the data in {@link #checkRun}.)
     */
    private static void checkCounters(Path folder, Path stateFile, TrainerState state) {
        int named = StepCheckpoints.stepOf(folder.toAbsolutePath().normalize());
        String problem = null;
        if (state.step() < 1) {
            problem = "global_step must be >= 1, got " + state.step();
        } else if (named >= 0 && named != state.step()) {
            problem = "global_step is " + state.step() + ", but the checkpoint folder is step-" + named
                    + " (the file was edited, or the folder renamed)";
        } else if (state.maxSteps() < state.step()) {
            problem = "max_steps (" + state.maxSteps() + ") is below global_step (" + state.step() + ")";
        } else if (state.skippedSteps() < 0 || state.skippedSteps() > state.step()) {
            problem = "skipped_steps must be from 0 to global_step (" + state.step() + "), got " + state.skippedSteps();
        } else if (state.trainPairs() < 1) {
            problem = "data.train_pairs must be >= 1, got " + state.trainPairs();
        } else if (state.tokensSeen() < 0 || state.metricsBytes() < 0) {
            problem = "num_tokens and metrics_bytes must be >= 0, got " + state.tokensSeen() + " and " + state.metricsBytes();
        }
        if (problem != null) {
            throw new UserInputException(stateFile + ": " + problem);
        }
    }

    /**
     * The newest complete checkpoint of a run directory.
     *
     * @throws UserInputException when it has none
     */
    public static ResumePoint latest(Path runDir) {
        return latest(runDir, -1);
    }

    /**
     * The newest complete checkpoint of a run directory whose run has {@code save.every} =
     * {@code saveEvery} (-1: unknown), which makes the message for none say why there is none.
     *
     * @throws UserInputException when it has none
     */
    public static ResumePoint latest(Path runDir, int saveEvery) {
        Path latest;
        try {
            latest = StepCheckpoints.latest(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir.resolve(StepCheckpoints.DIR), e);
        }
        if (latest == null) {
            throw new UserInputException(runDir + ": no complete checkpoint in " + runDir.resolve(StepCheckpoints.DIR)
                    + (saveEvery > 0
                            ? " (save.every is " + saveEvery + ": the run stopped before its first checkpoint was"
                                    + " complete; train it again without --resume, in a new or empty --output-dir)"
                            : saveEvery == 0
                            ? " (save.every is 0, so a checkpoint is written only when a run is stopped by Ctrl-C or"
                                    + " SIGTERM; set save.every to write them periodically)"
                            : " (set save.every to write checkpoints)"));
        }
        return open(latest);
    }

    /** The checkpoint folder. */
    public Path folder() {
        return folder;
    }

    /**
     * The files checked against the checkpoint's {@code SHA256SUMS}, or empty when it has none
     * (written by a dpo4j that did not write them: resumed with a warning, unchecked).
     */
    public OptionalInt verifiedFiles() {
        return verifiedFiles;
    }

    /**
     * The warning for a checkpoint without {@code SHA256SUMS}, or empty when its files were checked.
     *
     * @param shown the checkpoint folder as the user would name it
     */
    public Optional<String> unverifiedWarning(String shown) {
        return verifiedFiles.isPresent() ? Optional.empty() : Optional.of("warning: " + shown + " has no "
                + CheckpointManifest.FILE + " (written by an earlier dpo4j), so its files are not checked for damage");
    }

    /** Optimizer steps completed at the checkpoint. */
    public int step() {
        return state.step();
    }

    /**
     * The run directory that wrote this checkpoint ({@code RUN} of {@code RUN/checkpoints/step-N}),
     * or null when the folder is not in such a place.
     */
    public Path runDir() {
        Path parent = folder.toAbsolutePath().normalize().getParent();
        return parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals(StepCheckpoints.DIR) ? parent.getParent() : null;
    }

    /**
     * Fails unless {@code config} may resume this checkpoint: the same resolved config except
     * {@link ConfigFingerprint#MAY_CHANGE}.
     *
     * @throws UserInputException naming the first key that differs
     */
    public void checkConfig(RunConfig config) {
        Optional<String> difference = ConfigFingerprint.of(config).firstDifference(state.config());
        if (difference.isPresent()) {
            throw new UserInputException("cannot resume from " + folder + ": the config differs: " + difference.get()
                    + " (a resumed run may change only " + String.join(", ", ConfigFingerprint.MAY_CHANGE) + ")");
        }
    }

    /**
     * Fails unless the run about to resume has the checkpoint's training pairs and is longer
     * than the checkpoint's step and at least as long as the run that wrote it.
     */
    void checkRun(int trainPairs, int maxSteps, int batchSize, int accumulationSteps) {
        if (trainPairs != state.trainPairs()) {
            throw new UserInputException("cannot resume from " + folder + ": data.train gives " + trainPairs
                    + " training pairs, the checkpoint's run had " + state.trainPairs() + "; the data changed");
        }
        if (maxSteps < state.maxSteps()) {
            throw new UserInputException("cannot resume from " + folder + ": the run would be " + maxSteps
                    + " steps, shorter than the checkpoint's run (" + state.maxSteps()
                    + "); train.max_steps or train.epochs may only grow");
        }
        if (maxSteps <= state.step()) {
            throw new UserInputException("cannot resume from " + folder + ": it is at step " + state.step()
                    + " of " + maxSteps + ", nothing is left to train (raise --max-steps to train further)");
        }
        checkDataPosition(trainPairs, batchSize, accumulationSteps);
    }

    /**
     * Every step draws {@code accumulationSteps} micro-batches, skipped steps too, and every epoch
     * has ⌈pairs / batch size⌉ of them, so after S steps the next batch is number
     * (S × accumulation) mod per-epoch of epoch (S × accumulation) div per-epoch. A state saying
     * otherwise was edited (or belongs to another run), and seeking to it could fail or draw a
     * billion epochs.
     */
    private void checkDataPosition(int trainPairs, int batchSize, int accumulationSteps) {
        long perEpoch = (trainPairs + (long) batchSize - 1) / batchSize;
        long drawn = (long) state.step() * accumulationSteps;
        long epoch = drawn / perEpoch;
        long batch = drawn % perEpoch;
        if (state.data().epoch() != epoch || state.data().batch() != batch) {
            throw new UserInputException(folder.resolve(StepCheckpoints.STATE_FILE) + ": data is at epoch "
                    + state.data().epoch() + ", batch " + state.data().batch() + ", but global_step " + state.step()
                    + " with " + accumulationSteps + " micro-batch(es) per step and " + perEpoch
                    + " batches per epoch puts the next batch at epoch " + epoch + ", batch " + batch
                    + " (the file was edited, or belongs to another run)");
        }
    }

    /**
     * Fails when the run would continue in the checkpoint's own run directory, which holds a
     * later checkpoint: its metrics would be cut back and its checkpoints replaced one by one,
     * mixing two histories.
     */
    public void checkTarget(Path target) {
        Path own = runDir();
        try {
            if (own == null || !Files.isDirectory(target) || !Files.isSameFile(own, target)) {
                return;
            }
            Path latest = StepCheckpoints.latest(own);
            if (latest != null && StepCheckpoints.stepOf(latest) > step()) {
                throw new UserInputException("cannot resume from " + folder + " in its own run directory: it has the later "
                        + own.relativize(latest) + "; resume from the latest, or continue into a new output directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + own.resolve(StepCheckpoints.DIR), e);
        }
    }

    TrainerState state() {
        return state;
    }

    /**
     * Copies the checkpoint's policy weights and AdamW moments into the live ones (bit for bit)
     * and restores the optimizer's step count and the loss's state.
     *
     * @param syncedReference TR-DPO's reference, to be set to the checkpoint's; null when the run
     *                        does not update its reference
     * @param manager parent of the temporary arrays read from disk
     * @throws UserInputException when a file is missing, broken or does not fit the model
     */
    void restore(ModelWeights policy, ModelWeights syncedReference, AdamW optimizer, PreferenceLoss loss,
            NDManager manager) {
        try (CheckpointFiles model = CheckpointFiles.open(folder.resolve(CheckpointWriter.MODEL))) {
            copyInto(policy, model, manager);
        }
        if (syncedReference != null) {
            Path saved = folder.resolve(CheckpointWriter.REFERENCE);
            if (!Files.isDirectory(saved)) {
                throw new UserInputException(saved + ": missing; a run with reference.sync_every > 0 resumes only from"
                        + " a checkpoint that holds its synced reference");
            }
            try (CheckpointFiles reference = CheckpointFiles.open(saved)) {
                copyInto(syncedReference, reference, manager);
            }
        }
        Path file = folder.resolve(CheckpointWriter.OPTIMIZER);
        try (SafetensorsFile moments = SafetensorsFile.open(file)) {
            List<String> names = policy.trainable().names();
            for (int i = 0; i < names.size(); i++) {
                try (NDManager temp = manager.newSubManager()) {
                    NDArray first = moment(moments, names.get(i) + CheckpointWriter.FIRST_MOMENT, policy.get(names.get(i)), temp);
                    NDArray second = moment(moments, names.get(i) + CheckpointWriter.SECOND_MOMENT, policy.get(names.get(i)), temp);
                    optimizer.restoreMoments(i, first, second);
                }
            }
            optimizer.restoreSteps(optimizerSteps(file, moments.metadata()));
        }
        StatefulLoss stateful = loss.statefulPart().orElse(null);
        if (stateful != null) {
            try {
                stateful.restoreState(state.lossState());
            } catch (IllegalArgumentException e) {
                throw new UserInputException(folder.resolve(StepCheckpoints.STATE_FILE) + ": loss_state: " + e.getMessage(), e);
            }
        }
    }

    /** Every tensor of {@code weights}, bit for bit from {@code files}. */
    private static void copyInto(ModelWeights weights, CheckpointFiles files, NDManager manager) {
        for (Map.Entry<String, NDArray> e : weights.saved().byName().entrySet()) {
            try (NDManager temp = manager.newSubManager()) {
                ModelWeights.copyInto(e.getValue(), files.load(e.getKey(), e.getValue().getShape(), temp));
            }
        }
    }

    private static NDArray moment(SafetensorsFile file, String name, NDArray parameter, NDManager manager) {
        if (!file.contains(name)) {
            throw new UserInputException(CheckpointFiles.missingTensor(file.path(), name, parameter.getShape()));
        }
        if (!file.entry(name).shape().equals(parameter.getShape())) {
            throw new UserInputException(CheckpointFiles.wrongShape(file.path(), name, file.entry(name).shape(), parameter.getShape()));
        }
        return file.toNDArray(name, manager);
    }

    private int optimizerSteps(Path file, Map<String, String> metadata) {
        String value = metadata.get(CheckpointWriter.STEP_METADATA);
        try {
            int steps = Integer.parseInt(String.valueOf(value));
            if (steps < 0 || steps > state.step()) {
                throw new NumberFormatException();
            }
            return steps;
        } catch (NumberFormatException e) {
            throw new UserInputException(file + ": __metadata__ \"" + CheckpointWriter.STEP_METADATA
                    + "\" must be AdamW's step count, from 0 to " + state.step() + ", got " + value);
        }
    }
}
