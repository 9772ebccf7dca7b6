package org.dpo4j.trainer.run;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.StatefulLoss;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.metrics.MetricsWindow;
import org.dpo4j.trainer.optim.LossScaler;

/**
 * Everything besides tensors that a resumed run needs to go on exactly as the uninterrupted one:
 * the content of a checkpoint's {@code trainer_state.json}.
 *
 * <pre>
 * {
 *   "format": "dpo4j.trainer_state", "version": 1,
 *   "global_step": 8,            optimizer steps completed (skipped ones included)
 *   "max_steps": 12,             the run's length when the checkpoint was written
 *   "skipped_steps": 0,          steps discarded by train.nan_policy skip_step
 *   "data": {"epoch": 0, "batch": 16, "train_pairs": 1800},   the next micro-batch
 *   "num_tokens": 20480,         tokens of the batches consumed so far
 *   "log_window": {"pairs": 8.0, "sums": {"loss": 5.5, ...}}, an open logging interval
 *   "loss_state": {"running_mean": 0.1, "calls": 9.0},        a stateful loss, else {}
 *   "metrics_bytes": 4096,       length of metrics.jsonl when the checkpoint was written
 *   "loss_scaler": {"scale": 65536.0, "growth_tracker": 7},   fp16 runs only (GradScaler's state)
 *   "config_sha256": "...", "config": {...}                    the resolved config
 * }
 * </pre>
 *
 * Doubles are written in Java's shortest round-trip form and read back bit for bit.
 *
 * @param step         optimizer steps completed, skipped ones included
 * @param maxSteps     the run's resolved {@code max_steps}
 * @param skippedSteps steps whose update {@code skip_step} discarded
 * @param data         where the training data stream stands
 * @param trainPairs   training pairs of the run (a resumed run must have the same)
 * @param tokensSeen   non-padding tokens of every micro-batch consumed
 * @param logWindow    the partial sums of the logging interval that is open (empty at a log step)
 * @param lossState    a stateful loss's state, or empty
 * @param metricsBytes bytes of {@code metrics.jsonl} that belong to steps up to {@code step}
 * @param config       the resolved config and its fingerprint
 * @param lossScaler   the fp16 loss scaler's state, or null when the run does not scale its loss
 */
record TrainerState(
        int step,
        int maxSteps,
        int skippedSteps,
        PairSampler.Position data,
        int trainPairs,
        long tokensSeen,
        MetricsWindow.Sums logWindow,
        Map<String, Double> lossState,
        long metricsBytes,
        ConfigFingerprint config,
        LossScaler.State lossScaler) {

    static final String FORMAT = "dpo4j.trainer_state";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    TrainerState {
        lossState = Collections.unmodifiableMap(new LinkedHashMap<>(lossState));
    }

    /**
     * What stays the same for a whole run, from which the loop's counters make a state.
     *
     * @param maxSteps   the resolved {@code max_steps}
     * @param trainPairs training pairs
     * @param config     the resolved config
     * @param loss       the loss, whose state is saved when it has one
     */
    record Run(int maxSteps, int trainPairs, ConfigFingerprint config, PreferenceLoss loss) {

        /** The state after {@code step}, given the loop's counters. */
        TrainerState stateAt(int step, int skippedSteps, PairSampler.Position data, long tokensSeen,
                MetricsWindow.Sums logWindow, long metricsBytes, LossScaler.State lossScaler) {
            StatefulLoss stateful = loss.statefulPart().orElse(null);
            Map<String, Double> lossState = stateful == null ? Map.of() : stateful.state();
            return new TrainerState(step, maxSteps, skippedSteps, data, trainPairs, tokensSeen, logWindow, lossState,
                    metricsBytes, config, lossScaler);
        }
    }

    /** The JSON text of {@code trainer_state.json}. */
    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("global_step", step);
        root.put("max_steps", maxSteps);
        root.put("skipped_steps", skippedSteps);
        root.putObject("data")
                .put("epoch", data.epoch())
                .put("batch", data.batch())
                .put("train_pairs", trainPairs);
        root.put("num_tokens", tokensSeen);
        ObjectNode window = root.putObject("log_window");
        window.put("pairs", logWindow.weight());
        ObjectNode sums = window.putObject("sums");
        logWindow.weightedSums().forEach(sums::put);
        ObjectNode loss = root.putObject("loss_state");
        lossState.forEach(loss::put);
        root.put("metrics_bytes", metricsBytes);
        if (lossScaler != null) {
            root.putObject("loss_scaler")
                    .put("scale", lossScaler.scale())
                    .put("growth_tracker", lossScaler.growthTracker());
        }
        root.put("config_sha256", config.sha256());
        root.set("config", config.tree());
        try {
            return JSON.writer(new DefaultPrettyPrinter()).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the trainer state as JSON", e);
        }
    }

    /**
     * Reads {@code trainer_state.json}.
     *
     * @throws UserInputException (one line, naming the file) when it is missing, not JSON, of
     *     another format or version, or lacks a field
     */
    static TrainerState read(Path file) {
        JsonNode root = JsonFiles.read(file);
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new UserInputException(file + ": not a dpo4j trainer state (expected \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new UserInputException(file + ": trainer state version " + root.path("version")
                    + " is not supported (this dpo4j reads version " + VERSION + ")");
        }
        try {
            JsonNode data = required(root, "data");
            JsonNode window = required(root, "log_window");
            Map<String, Double> sums = new LinkedHashMap<>();
            required(window, "sums").properties().forEach(e -> sums.put(e.getKey(), e.getValue().asDouble()));
            Map<String, Double> loss = new LinkedHashMap<>();
            required(root, "loss_state").properties().forEach(e -> loss.put(e.getKey(), e.getValue().asDouble()));
            JsonNode config = required(root, "config");
            if (!config.isObject()) {
                throw new IllegalArgumentException("config is not an object");
            }
            ConfigFingerprint fingerprint = new ConfigFingerprint((ObjectNode) config, required(root, "config_sha256").asText());
            return new TrainerState(
                    required(root, "global_step").asInt(),
                    required(root, "max_steps").asInt(),
                    required(root, "skipped_steps").asInt(),
                    new PairSampler.Position(required(data, "epoch").asInt(), required(data, "batch").asInt()),
                    required(data, "train_pairs").asInt(),
                    required(root, "num_tokens").asLong(),
                    new MetricsWindow.Sums(sums, required(window, "pairs").asDouble()),
                    loss,
                    required(root, "metrics_bytes").asLong(),
                    fingerprint,
                    lossScaler(root.get("loss_scaler")));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(file + ": " + e.getMessage(), e);
        }
    }

    /** The scaler's state, or null for a run that does not scale its loss (no {@code loss_scaler}). */
    private static LossScaler.State lossScaler(JsonNode node) {
        if (node == null) {
            return null;
        }
        return new LossScaler.State(required(node, "scale").asDouble(), required(node, "growth_tracker").asInt());
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return value;
    }
}
