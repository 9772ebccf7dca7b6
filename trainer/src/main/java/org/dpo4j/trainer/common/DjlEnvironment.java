package org.dpo4j.trainer.common;

/**
 * Engine settings dpo4j always runs with, whoever starts it: offline (DJL otherwise contacts a
 * metadata address at start-up) and the PyTorch engine (the tokenizers jar registers a second
 * one). Must run before the first DJL engine call.
 */
public final class DjlEnvironment {

    private DjlEnvironment() {}

    public static void configure() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty(
                    "ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
