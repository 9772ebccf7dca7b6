package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gpu-check.sh} says in one line what it lacks, in the order it checks, on a
 * scratch copy of the layout with stand-ins for nvidia-smi, java and curl on a PATH that holds
 * only them and the shell tools the script uses (so this machine's own java is not seen).
 */
public class GpuCheckScriptTest {

    private static final List<String> TOOLS = List.of("bash", "sed", "grep", "tr", "head", "tail", "unzip", "date",
            "bc", "dirname", "cat", "rm", "mkdir");

    @TempDir
    Path tmp;

    private Path root;
    private Path bin;
    private Path home;

    @BeforeEach
    void layout() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        root = Files.createDirectories(tmp.resolve("project"));
        Path script = Files.createDirectories(root.resolve("scripts")).resolve("gpu-check.sh");
        Files.copy(TestSupport.projectRoot().resolve("scripts/gpu-check.sh"), script);
        bin = Files.createDirectories(tmp.resolve("bin"));
        home = Files.createDirectories(tmp.resolve("home"));
        for (String tool : TOOLS) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(dir, tool);
                if (Files.isExecutable(real) && !Files.exists(bin.resolve(tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), real);
                }
            }
        }
    }

    private void stub(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void jar(String classPath) throws IOException {
        Files.createDirectories(root.resolve("cli/target/lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        try (OutputStream out = Files.newOutputStream(root.resolve("cli/target/dpo4j.jar"));
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    private String run(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(),
                root.resolve("scripts/gpu-check.sh").toString(), tmp.resolve("out").toString());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(1, p.exitValue(), output);
        return output.strip();
    }

    @Test
    void eachMissingNeedIsOneLine() throws Exception {
        assumeTrue(Files.exists(bin.resolve("unzip")) && Files.exists(bin.resolve("sed")), "needs unzip and sed");
        assertEquals("gpu-check: no NVIDIA GPU here (nvidia-smi not found)", run(Map.of()));

        stub("nvidia-smi", "echo 'GPU 0: NVIDIA H100 (UUID: x)'\n");
        assertEquals("gpu-check: needs Java 17+ (no java on PATH and JAVA_HOME unset); this script builds nothing",
                run(Map.of()));

        stub("java", "echo '    java.specification.version = 11' >&2\n");
        assertEquals("gpu-check: needs Java 17+, " + bin.resolve("java") + " is 11", run(Map.of()));

        stub("java", "echo '    java.specification.version = 17' >&2\n");
        String noJar = run(Map.of());
        assertEquals("gpu-check: needs the GPU build: " + root.resolve("cli/target/dpo4j.jar")
                + " and cli/target/lib/ (make them with 'mvn -B -DskipTests -Dgpu package' where Maven and the"
                + " network are, and copy them here)", noJar);

        jar("lib/pytorch-engine-0.35.1.jar lib/pytorch-jni-2.7.1-0.35.1.jar lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar");
        assertEquals("gpu-check: " + root.resolve("cli/target/dpo4j.jar") + " is the CPU build (it bundles libtorch's"
                + " CPU natives, so DJL never loads CUDA); rebuild with -Dgpu", run(Map.of()));

        jar("lib/pytorch-engine-0.35.1.jar lib/pytorch-jni-2.7.1-0.35.1.jar");
        stub("curl", "exit 6\n");
        assertEquals("gpu-check: needs libtorch's CUDA natives: no network to publish.djl.ai, nothing in"
                + " ~/.djl.ai/pytorch, no PYTORCH_LIBRARY_PATH, no Python torch 2.7.1+cu*", run(Map.of()));
    }
}
