package org.dpo4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Properties;
import org.dpo4j.cli.command.CliEnvironment;
import org.dpo4j.trainer.common.DjlEnvironment;

/**
 * Entry point of the {@code dpo4j} command. It configures DJL through system properties before
 * any DJL class loads (offline, PyTorch engine, thread counts), then runs the picocli command
 * line and exits with its code: 0 ok, 1 run failure, 2 usage, config or input error, 130 training
 * interrupted by Ctrl-C or SIGTERM after a checkpoint.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        configureDjl(System.getProperties(), System.getenv(), Runtime.getRuntime().availableProcessors(),
                DjlEnvironment.bundledNatives());
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Cli.commandLine(CliEnvironment.system(), out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Sets the DJL properties the program relies on. {@code ai.djl.default_engine} is always set
     * (the tokenizers engine is never picked), and {@code ai.djl.offline} whenever libtorch's
     * natives are bundled (the CPU build: nothing is downloaded at run time); the GPU build has
     * none and lets DJL download its CUDA natives once ({@link DjlEnvironment}). The thread counts
     * are set only when the user has not chosen them (as a property, or for intra-op threads
     * through {@code OMP_NUM_THREADS}).
     *
     * @param props          the system properties to change
     * @param env            the process environment
     * @param processors     available processors
     * @param bundledNatives whether a {@code pytorch-native-*} jar is on the class path
     */
    static void configureDjl(Properties props, Map<String, String> env, int processors, boolean bundledNatives) {
        DjlEnvironment.configure(props, bundledNatives);
        if (props.getProperty("ai.djl.pytorch.num_threads") == null
                && env.get("OMP_NUM_THREADS") == null) {
            props.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, processors)));
        }
        if (props.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            props.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
