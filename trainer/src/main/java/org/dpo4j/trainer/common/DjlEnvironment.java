package org.dpo4j.trainer.common;

import java.util.Properties;

/**
 * Engine settings dpo4j always runs with, whoever starts it: the PyTorch engine (the tokenizers
 * jar registers a second one), and offline when libtorch's natives are bundled (the CPU build;
 * DJL otherwise contacts a metadata address at start-up). Must run before the first DJL engine call.
 *
 * <p>The GPU build ({@code mvn -Dgpu}, README "Training on a GPU") bundles no natives: DJL then
 * downloads the ones matching the machine's CUDA (or {@code PYTORCH_FLAVOR}) at first start and
 * caches them, so it is not made offline, unless the user asked for it ({@code ai.djl.offline}
 * or {@code DJL_OFFLINE}, with the natives already in the cache).
 */
public final class DjlEnvironment {

    /** A resource of the {@code pytorch-native-*} jars, which DJL reads to find bundled natives. */
    static final String BUNDLED_NATIVES = "native/lib/pytorch.properties";

    private DjlEnvironment() {}

    public static void configure() {
        configure(System.getProperties(), bundledNatives());
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty(
                    "ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /**
     * The engine and network settings: PyTorch always; offline when natives are bundled (the
     * CPU build), else left as the user set it (the GPU build downloads its natives once).
     *
     * @param props          the system properties to change
     * @param bundledNatives whether libtorch's natives are on the class path ({@link #bundledNatives()})
     */
    public static void configure(Properties props, boolean bundledNatives) {
        if (bundledNatives) {
            props.setProperty("ai.djl.offline", "true");
        }
        props.setProperty("ai.djl.default_engine", "PyTorch");
    }

    /** Whether a {@code pytorch-native-*} jar is on the class path (the CPU build). */
    public static boolean bundledNatives() {
        return DjlEnvironment.class.getClassLoader().getResource(BUNDLED_NATIVES) != null;
    }
}
