package org.dpo4j.cli.sweep;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Trains each run in a child JVM, so that no native memory or thread outlives its run: the same
 * {@code java} binary and class path as this process, main class {@code mainClass} (the program's {@code Main}), working directory
 * the sweep's (relative paths in configs resolve alike), and this JVM's {@code -X}/{@code -XX:}
 * options (heap size, GC). The run's CPU threads are given as {@code OMP_NUM_THREADS},
 * {@code -Dai.djl.pytorch.num_threads} and one inter-op thread, and waiting OpenMP threads sleep
 * ({@code OMP_WAIT_POLICY=PASSIVE} unless set). Its standard output and error go
 * to {@code RUN_DIR/train.log}.
 *
 * <p>Children share the sweep's process group, so Ctrl-C on a terminal reaches them directly
 * (each stops after its step with a checkpoint and exits 130); {@link #stopAll} sends SIGTERM,
 * which they handle the same way.
 */
public final class ChildProcessRunner implements SweepRunner {

    private final Path workDir;
    private final String mainClass;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    /** @param mainClass the class whose {@code main} runs {@code dpo4j} */
    public ChildProcessRunner(Path workDir, String mainClass) {
        this.workDir = workDir;
        this.mainClass = mainClass;
    }

    @Override
    public int run(Task task) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command(task))
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(task.threads()));
        // runs share the cores: OpenMP threads that spin while they wait slow each other down
        // (docs/performance.md, busy machines); a policy the user set is kept
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process process = builder.start();
        live.add(process);
        try (RunLog log = new RunLog(task.runDir());
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.append(line + System.lineSeparator());
            }
            return process.waitFor();
        } finally {
            live.remove(process);
            process.destroyForcibly(); // a no-op once it has ended; ends it if this thread failed
        }
    }

    List<String> command(Task task) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-Dai.djl.pytorch.num_threads=" + task.threads());
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-cp");
        cmd.add(absoluteClassPath(System.getProperty("java.class.path")));
        cmd.add(mainClass);
        cmd.addAll(List.of("train", "--config", task.config().toString(), "--output-dir", task.runDir().toString()));
        if (task.resume()) {
            cmd.add("--resume");
        }
        return cmd;
    }

    /** This JVM's heap, stack and {@code -XX:} options; not debugger agents. */
    static List<String> jvmOptions(List<String> inputArguments) {
        return inputArguments.stream()
                .filter(a -> a.startsWith("-X") && !a.startsWith("-Xrun") && !a.startsWith("-Xdebug")
                        && !a.startsWith("-Xlog"))
                .toList();
    }

    static String absoluteClassPath(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(s -> Path.of(s).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Override
    public void stopAll() {
        live.forEach(p -> p.toHandle().destroy());
    }

    @Override
    public void killAll() {
        live.forEach(Process::destroyForcibly);
    }
}
