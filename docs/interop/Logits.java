import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.model.CausalLm;

/** java -cp dpo4j.jar Logits.java FOLDER ID... : dpo4j's logits of one row, as JSON (T rows of V). */
public class Logits {
    public static void main(String[] args) {
        long[] ids = Arrays.stream(args).skip(1).mapToLong(Long::parseLong).toArray();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(Path.of(args[0]), ids.length, manager);
            CausalLm model = CausalLm.of(loaded.architecture(), loaded.weights());
            NDArray input = manager.create(ids, new Shape(1, ids.length));
            float[] logits = model.forward(input, manager.ones(input.getShape())).toFloatArray();
            int v = loaded.architecture().vocabSize();
            StringBuilder out = new StringBuilder("[");
            for (int t = 0; t < ids.length; t++) {
                out.append(t == 0 ? "[" : ",[");
                for (int k = 0; k < v; k++) {
                    out.append(k == 0 ? "" : ",").append(logits[t * v + k]);
                }
                out.append(']');
            }
            System.out.println(out.append(']'));
        }
    }
}
