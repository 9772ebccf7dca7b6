package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.cli.command.Trainer;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;
import org.dpo4j.trainer.run.TrainingListener;
import org.dpo4j.trainer.run.TrainingSummary;

/** Shared helpers: an in-process command line and a trainer that only records its calls. */
public final class TestSupport {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private TestSupport() {}

    public record Result(int code, String out, String err) {}

    public static Result run(CliEnvironment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    public static Path write(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    /** The project root: the nearest ancestor of the working directory holding configs/ and pom.xml. */
    public static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no project root above " + Path.of("").toAbsolutePath());
    }

    public static void assertOneLine(String text) {
        String t = text.strip();
        assertTrue(!t.isEmpty() && !t.contains("\n"), "expected one line, got:\n" + text);
    }

    /** A trainer that records its calls and replays a few progress events. */
    public static final class FakeTrainer implements Trainer {
        public final List<RunConfig> configs = new ArrayList<>();
        final List<Path> runDirs = new ArrayList<>();
        RuntimeException failure;

        @Override
        public TrainingSummary train(RunConfig config, Path runDir, TrainingListener listener) {
            configs.add(config);
            runDirs.add(runDir);
            if (failure != null) {
                throw failure;
            }
            int max = config.train().maxSteps();
            listener.onStart(new RunPlan(max, 90, 10, 1234, "cpu()", "llama preset tiny", null));
            for (int s = 1; s <= max; s++) {
                listener.onStep(s, 100);
                if (s % config.train().logEvery() == 0) {
                    listener.onLog(new MetricsRecord(s, Map.of(
                            "loss", 0.5, "rewards/accuracies", 0.75, "rewards/margins", 0.25)));
                }
            }
            Map<String, Double> eval = new LinkedHashMap<>();
            eval.put("eval/loss", 0.4);
            eval.put("eval/rewards/accuracies", 0.9);
            eval.put("eval/rewards/margins", 0.6);
            MetricsRecord finalEval = new MetricsRecord(max, eval);
            listener.onEval(finalEval);
            return new TrainingSummary(runDir, max, 1.5, finalEval, null);
        }
    }

    public static CliEnvironment env(Trainer trainer, Path workDir) {
        return new CliEnvironment(trainer, workDir, CLOCK, false);
    }
}
