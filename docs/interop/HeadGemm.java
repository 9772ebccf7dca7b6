import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * java -cp "cli/target/lib/*" docs/interop/HeadGemm.java : the LM head's products at Qwen's shape
 * (W (151,936, 896)) for chunks of 64-768 rows, best of 4, in GFLOP/s: h·Wᵀ (the logits as
 * dpo4j takes them), W·hᵀ (the transposed product) and g·W (the hidden states' gradient).
 */
public class HeadGemm {
    public static void main(String[] args) {
        Engine.getInstance();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.randomNormal(new Shape(151_936, 896));
            for (int rows : new int[] {64, 128, 256, 512, 768}) {
                NDArray h = manager.randomNormal(new Shape(rows, 896));
                double logits = Double.MAX_VALUE;
                double transposed = Double.MAX_VALUE;
                double gradient = Double.MAX_VALUE;
                for (int k = 0; k < 4; k++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = h.duplicate();
                        x.attach(step);
                        long t0 = System.nanoTime();
                        NDArray a = x.matMul(w.transpose());
                        long t1 = System.nanoTime();
                        NDArray b = w.matMul(x.transpose());
                        long t2 = System.nanoTime();
                        NDArray c = a.matMul(w);
                        long t3 = System.nanoTime();
                        logits = Math.min(logits, (t1 - t0) / 1e9);
                        transposed = Math.min(transposed, (t2 - t1) / 1e9);
                        gradient = Math.min(gradient, (t3 - t2) / 1e9);
                        a.close();
                        b.close();
                        c.close();
                    }
                }
                double gflop = 2.0 * rows * 896 * 151_936 / 1e9;
                System.out.printf("rows %4d: h·Wᵀ %.1f GFLOP/s, W·hᵀ %.1f, g·W %.1f%n",
                        rows, gflop / logits, gflop / transposed, gflop / gradient);
            }
        }
    }
}
