package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./dpo4j launcher's decisions, on a scratch copy of the project layout with stand-ins for
 * mvn and java on the PATH: it builds when the jar is missing or older than a source, says so,
 * shows the log when the build fails, and runs the jar from the caller's directory.
 */
public class LauncherTest {

    private static final FileTime OLD = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final FileTime NEW = FileTime.from(Instant.parse("2026-01-02T00:00:00Z"));

    @TempDir
    Path tmp;

    private Path root;
    private Path jar;
    private Path source;
    private Path mvnLog;
    private Path user;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void layout() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        root = Files.createDirectories(tmp.resolve("project"));
        Path launcher = Files.copy(TestSupport.projectRoot().resolve("dpo4j"), root.resolve("dpo4j"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        source = TestSupport.write(root, "trainer/src/main/java/A.java", "class A {}");
        for (String pom : List.of("pom.xml", "cli/pom.xml", "trainer/pom.xml")) {
            setTime(TestSupport.write(root, pom, "<project/>"), OLD);
        }
        setTime(source, OLD);
        Files.createDirectories(root.resolve("cli/target/lib"));
        jar = TestSupport.write(root, "cli/target/dpo4j.jar", "jar");
        setTime(jar, NEW);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        mvnLog = tmp.resolve("mvn.log");
        script(bin.resolve("mvn"), "echo \"mvn $* in $PWD\" >> '" + mvnLog + "'\n"
                + "if [ -n \"${FAIL_BUILD:-}\" ]; then echo '[ERROR] COMPILATION ERROR in A.java'; exit 1; fi\n");
        script(bin.resolve("java"), "echo \"java $* cwd=$PWD\"\n");
        user = Files.createDirectories(tmp.resolve("user"));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void setTime(Path file, FileTime time) throws IOException {
        Files.setLastModifiedTime(file, time);
    }

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", root.resolve("dpo4j").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(user.toFile());
        pb.environment().put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().remove("DPO4J_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher timed out");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String mvnCalls() throws IOException {
        return Files.exists(mvnLog) ? Files.readString(mvnLog) : "";
    }

    @Test
    void anUpToDateJarRunsWithoutBuildingFromTheCallersDirectory() throws Exception {
        Run r = launch(Map.of(), "train", "--set", "loss.beta=0.2");
        assertEquals(0, r.code(), r.err());
        assertEquals("java -Xmn64m -jar " + jar.toRealPath() + " train --set loss.beta=0.2 cwd=" + user.toRealPath(),
                r.out().strip());
        assertEquals("", r.err());
        assertEquals("", mvnCalls());
    }

    @Test
    void aChangedSourceRebuildsQuietlyOnce() throws Exception {
        setTime(source, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
        Run r = launch(Map.of(), "--version");
        assertEquals(0, r.code(), r.err());
        assertEquals("dpo4j: building (first run or sources changed)...", r.err().strip());
        assertEquals("mvn -B -q -DskipTests install in " + root.toRealPath(), mvnCalls().strip());
        assertTrue(r.out().startsWith("java -Xmn64m -jar " + jar.toRealPath() + " --version"), r.out());

        Files.delete(mvnLog);
        r = launch(Map.of(), "--version");
        assertEquals("", r.err(), "the jar is now newer than the sources");
        assertEquals("", mvnCalls());
    }

    @Test
    void aChangedPomOrAMissingJarRebuilds() throws Exception {
        setTime(root.resolve("pom.xml"), FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
        assertTrue(launch(Map.of()).err().contains("building"));
        Files.delete(jar);
        Files.delete(mvnLog);
        Run r = launch(Map.of());
        assertTrue(r.err().contains("building"), r.err());
        assertFalse(mvnCalls().isEmpty());
    }

    @Test
    void aFailedBuildShowsTheLogAndExits1() throws Exception {
        setTime(source, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
        Run r = launch(Map.of("FAIL_BUILD", "1"), "train");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("[ERROR] COMPILATION ERROR in A.java"), r.err());
        assertTrue(r.err().contains("dpo4j: build failed"), r.err());
        assertEquals("", r.out(), "java is not started");
    }

    @Test
    void javaOptionsPassThrough() throws Exception {
        Run r = launch(Map.of("DPO4J_JAVA_OPTS", "-Xmx3g -Dx=1"), "train");
        assertTrue(r.out().startsWith("java -Xmn64m -Xmx3g -Dx=1 -jar " + jar.toRealPath() + " train"), r.out());
    }

    @Test
    void openMpThreadsWaitPassivelyUnlessTheUserChose() throws Exception {
        script(tmp.resolve("bin/java"), "echo \"wait=${OMP_WAIT_POLICY:-unset}\"\n");
        Run r = launchWithout("OMP_WAIT_POLICY", "train");
        assertEquals("wait=PASSIVE", r.out().strip());
        r = launch(Map.of("OMP_WAIT_POLICY", "ACTIVE"), "train");
        assertEquals("wait=ACTIVE", r.out().strip());
    }

    private Run launchWithout(String variable, String... args) throws Exception {
        String saved = System.getenv(variable);
        // the test JVM may itself run with the variable set: the launcher must see it unset
        return saved == null ? launch(Map.of(), args) : launch(Map.of(variable, ""), args);
    }

    @Test
    void theGpuBuildLeavesTheCpuNativesOutAndSwitchingRebuilds() throws Exception {
        Run r = launch(Map.of(), "--gpu", "train", "--set", "train.device=gpu");
        assertEquals(0, r.code(), r.err());
        assertEquals("mvn -B -q -DskipTests -Dgpu install in " + root.toRealPath(), mvnCalls().strip(),
                "a CPU jar is rebuilt as the GPU build");
        assertEquals("java -Xmn64m -jar " + jar.toRealPath() + " train --set train.device=gpu cwd=" + user.toRealPath(),
                r.out().strip(), "--gpu is the launcher's, not passed on");
        assertEquals("gpu", Files.readString(root.resolve("cli/target/dpo4j.torch")).strip());

        Files.delete(mvnLog);
        launch(Map.of("DPO4J_TORCH", "gpu"), "train");
        assertEquals("", mvnCalls(), "DPO4J_TORCH=gpu: the GPU jar is up to date");

        launch(Map.of(), "train");
        assertEquals("mvn -B -q -DskipTests install in " + root.toRealPath(), mvnCalls().strip(),
                "back to the CPU build");
        assertEquals("cpu", Files.readString(root.resolve("cli/target/dpo4j.torch")).strip());

        r = launch(Map.of("DPO4J_TORCH", "cuda"), "train");
        assertEquals(2, r.code());
        assertEquals("dpo4j: DPO4J_TORCH must be cpu or gpu, got 'cuda'", r.err().strip());
    }
}
