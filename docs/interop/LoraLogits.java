import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * java -cp dpo4j.jar LoraLogits.java BASE ADAPTER ID... : dpo4j's logits of one row with a PEFT LoRA
 * adapter applied to BASE (unmerged, as training runs it), as JSON (T rows of V).
 */
public class LoraLogits {
    public static void main(String[] args) {
        long[] ids = Arrays.stream(args).skip(2).mapToLong(Long::parseLong).toArray();
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(Path.of(args[0]), ids.length, manager);
            ModelWeights adapted = LoraWeights.load(loaded.architecture(), loaded.weights(), Path.of(args[1]), null, 0);
            CausalLm model = CausalLm.of(loaded.architecture(), adapted);
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
