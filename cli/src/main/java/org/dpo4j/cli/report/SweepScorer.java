package org.dpo4j.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.generate.ModelGeneration;
import org.dpo4j.trainer.reward.RewardEvaluation;
import org.dpo4j.trainer.reward.RewardEvaluation.Result;

/**
 * Scores every model a sweep left: each run's step checkpoints ({@code checkpoints/step-N/model},
 * the run's KL over training) or, without checkpoints, its {@code final/}, and once per
 * reference the reference itself (step 0 of every curve). The reference of a run is its
 * {@code reference.path}, else its {@code model.path} (the model training started from), as
 * its {@code resolved-config.yaml} says; a run from a preset has no reference folder and gets no
 * KL and no step 0.
 *
 * <p>Each score is cached as {@code RUN/reward/KEY/step-N.json} (KEY: {@link RewardSettings#key()}),
 * so a second report, or one after more runs finished, samples only what is new.
 */
final class SweepScorer {

    static final String RESOLVED_CONFIG = "resolved-config.yaml";
    static final String SCORES_DIR = "reward";

    private static final Pattern STEP = Pattern.compile("step-(\\d+)");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** One scored model of a run: its optimizer step (0 = the reference) and its scores. */
    record Point(int step, Result result) {}

    /**
     * A run and its scored models.
     *
     * @param name   the run's directory name
     * @param config its resolved config
     * @param points by step, ascending
     */
    record ScoredRun(String name, JsonNode config, List<Point> points) {}

    private final Path workDir;
    private final RewardSettings settings;
    private final Consumer<String> progress;
    private final Map<Path, Result> references = new java.util.concurrent.ConcurrentHashMap<>();

    SweepScorer(Path workDir, RewardSettings settings, Consumer<String> progress) {
        this.workDir = workDir;
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * The finished runs of {@code sweepDir}, by name, each scored; {@code parallel} runs at a time
     * (each run's references first, one at a time, so that no reference is sampled twice).
     */
    List<ScoredRun> scoreAll(Path sweepDir, int parallel) {
        List<Path> runs = runDirs(sweepDir);
        if (runs.isEmpty()) {
            throw new UserInputException(sweepDir + ": no finished runs (folders with " + RESOLVED_CONFIG
                    + " and final/); run the sweep first");
        }
        for (Path run : runs) {
            Path reference = referenceOf(readYaml(run.resolve(RESOLVED_CONFIG)));
            if (reference != null) {
                referenceScore(sweepDir, reference);
            }
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<ScoredRun>> futures = new ArrayList<>();
            for (Path run : runs) {
                futures.add(pool.submit(() -> score(sweepDir, run)));
            }
            List<ScoredRun> out = new ArrayList<>();
            for (java.util.concurrent.Future<ScoredRun> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Run folders: those with a resolved config and a final model, by name. */
    static List<Path> runDirs(Path sweepDir) {
        try (Stream<Path> children = Files.list(sweepDir)) {
            return children.filter(p -> Files.isRegularFile(p.resolve(RESOLVED_CONFIG)))
                    .filter(p -> Files.isDirectory(p.resolve("final")))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UserInputException(sweepDir + ": cannot list the sweep folder (" + e.getMessage() + ")");
        }
    }

    private ScoredRun score(Path sweepDir, Path run) {
        JsonNode config = readYaml(run.resolve(RESOLVED_CONFIG));
        Path reference = referenceOf(config);
        List<Point> points = new ArrayList<>();
        if (reference != null) {
            points.add(new Point(0, referenceScore(sweepDir, reference)));
        }
        for (Map.Entry<Integer, Path> model : models(run, config).entrySet()) {
            Path cache = run.resolve(SCORES_DIR).resolve(settings.key()).resolve("step-" + model.getKey() + ".json");
            points.add(new Point(model.getKey(), cached(cache, model.getValue(), reference,
                    run.getFileName() + " step " + model.getKey())));
        }
        points.sort(Comparator.comparingInt(Point::step));
        return new ScoredRun(run.getFileName().toString(), config, List.copyOf(points));
    }

    /** Checkpointed models by step; without checkpoints, final/ at the run's last step. */
    static java.util.SortedMap<Integer, Path> models(Path run, JsonNode config) {
        java.util.SortedMap<Integer, Path> models = new java.util.TreeMap<>();
        Path checkpoints = run.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> steps = Files.list(checkpoints)) {
                steps.forEach(p -> {
                    Matcher m = STEP.matcher(p.getFileName().toString());
                    if (m.matches() && Files.isDirectory(p.resolve("model"))) {
                        models.put(Integer.parseInt(m.group(1)), p.resolve("model"));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + checkpoints, e);
            }
        }
        if (models.isEmpty()) {
            models.put(config.path("train").path("max_steps").asInt(0), run.resolve("final"));
        }
        return models;
    }

    private Path referenceOf(JsonNode config) {
        JsonNode ref = config.path("reference").path("path");
        JsonNode model = config.path("model").path("path");
        String folder = ref.isTextual() ? ref.asText() : model.isTextual() ? model.asText() : null;
        return folder == null || folder.startsWith("hf://") ? null : workDir.resolve(folder).normalize();
    }

    private Result referenceScore(Path sweepDir, Path reference) {
        return references.computeIfAbsent(reference, r -> {
            String id = Integer.toHexString(r.toAbsolutePath().toString().hashCode());
            Path cache = sweepDir.resolve(SCORES_DIR).resolve(settings.key()).resolve("reference-" + id + ".json");
            return cached(cache, r, r, "reference " + r);
        });
    }

    private Result cached(Path cache, Path model, Path reference, String what) {
        if (Files.isRegularFile(cache)) {
            return RewardEvaluation.readJson(cache);
        }
        synchronized (progress) {
            progress.accept("scoring " + what);
        }
        ModelGeneration.Request request = new ModelGeneration.Request(model.toString(),
                reference == null ? null : reference.toString(), "auto", settings.sampling(), settings.samples());
        Result result;
        try (ModelGeneration generation = ModelGeneration.open(request, line -> {})) {
            result = RewardEvaluation.evaluate(generation, settings.prompts(), settings.reward());
        }
        RewardEvaluation.writeJson(cache, result);
        return result;
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
