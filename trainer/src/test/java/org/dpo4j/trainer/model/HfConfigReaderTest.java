package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.registry.HfConfigReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** config.json to architecture: Hugging Face's defaults, and one line for what is not supported. */
class HfConfigReaderTest {

    @TempDir Path dir;

    private ModelArchitecture read(String json, int maxLength) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return HfConfigReader.read(dir, maxLength);
    }

    private String error(String json, int maxLength) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        String message = assertThrows(UserInputException.class, () -> HfConfigReader.read(dir, maxLength)).getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith(dir.resolve("config.json") + ":"), message);
        return message;
    }

    @Test
    void llamaDefaultsAreTransformersDefaults() throws IOException {
        // an old file: no head_dim, mlp_bias, attention_bias, rope_scaling, num_key_value_heads, tie
        LlamaConfig c = (LlamaConfig) read("""
                {"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 96}""", 128);
        assertEquals(16, c.headDim(), "head_dim = hidden_size / num_attention_heads");
        assertEquals(4, c.numKvHeads(), "num_key_value_heads defaults to num_attention_heads");
        assertEquals(1e-6, c.rmsNormEps(), "LlamaConfig.rms_norm_eps default");
        assertEquals(10_000.0, c.ropeTheta());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.qkvBias() || c.outputBias() || c.mlpBias());
    }

    @Test
    void qwen2AlwaysHasQkvBiasAndNeverAnOutputBias() throws IOException {
        LlamaConfig c = (LlamaConfig) read("""
                {"model_type": "qwen2", "vocab_size": 100, "hidden_size": 48, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96,
                 "sliding_window": 32768, "use_sliding_window": false}""", 128);
        assertTrue(c.qkvBias());
        assertFalse(c.outputBias());
        assertTrue(c.tensorShapes().containsKey("model.layers.0.self_attn.k_proj.bias"));
        assertFalse(c.tensorShapes().containsKey("model.layers.0.self_attn.o_proj.bias"));
    }

    @Test
    void llamaAttentionBiasCoversAllFourProjections() throws IOException {
        LlamaConfig c = (LlamaConfig) read("""
                {"model_type": "llama", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "intermediate_size": 96, "attention_bias": true, "mlp_bias": true}""", 128);
        assertTrue(c.qkvBias() && c.outputBias() && c.mlpBias());
    }

    @Test
    void gpt2DefaultsTieTheHeadAndWidenTheMlp() throws IOException {
        Gpt2Config c = (Gpt2Config) read("""
                {"model_type": "gpt2", "vocab_size": 97, "n_embd": 48, "n_layer": 2, "n_head": 4, "n_inner": null}""", 128);
        assertTrue(c.tieWordEmbeddings(), "GPT-2's tie_word_embeddings defaults to true");
        assertEquals(4 * 48, c.innerSize(), "n_inner null means 4 * n_embd");
        assertEquals(1024, c.maxPositions());
        assertEquals("gelu_new", c.activation());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown model_type | {\"model_type\": \"phi3\"} | model_type 'phi3' is not supported",
        "no model_type | {\"hidden_size\": 8} | has no model_type",
        "rope scaling | {\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2}} | rope_scaling type 'linear'",
        "mixture of experts | {\"model_type\": \"mistral\", \"num_local_experts\": 8} | mixture-of-experts",
        "mistral window | {\"model_type\": \"mistral\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_key_value_heads\": 4, \"sliding_window\": 64} | sliding_window 64 is shorter than data.max_length 128",
        "qwen2 window on | {\"model_type\": \"qwen2\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_key_value_heads\": 4, \"use_sliding_window\": true, \"sliding_window\": 100} | sliding_window 100",
        "gpt2 positions | {\"model_type\": \"gpt2\", \"n_embd\": 48, \"n_head\": 4, \"n_positions\": 32} | n_positions 32 is shorter than data.max_length 128",
        "llama activation | {\"model_type\": \"llama\", \"hidden_act\": \"gelu\"} | hidden_act 'gelu'",
        "gpt2 activation | {\"model_type\": \"gpt2\", \"activation_function\": \"swish\"} | activation_function 'swish'",
        "layer-scaled attention | {\"model_type\": \"gpt2\", \"scale_attn_by_inverse_layer_idx\": true} | scale_attn_by_inverse_layer_idx",
        "wrong type | {\"model_type\": \"llama\", \"hidden_size\": \"64\"} | hidden_size must be a positive integer",
        "quantized | {\"model_type\": \"llama\", \"quantization_config\": {\"bits\": 4}} | quantization_config",
        "bad heads | {\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, \"num_key_value_heads\": 3} | not divisible",
        "not json | {\"model_type\": | malformed JSON",
    })
    void unsupportedOrBrokenConfigsFailWithOneLine(String what, String json, String expected) throws IOException {
        String message = error(json, 128);
        assertTrue(message.contains(expected), what + ": " + message);
    }

    @Test
    void aFolderWithoutConfigJsonSaysSo() {
        String message = assertThrows(UserInputException.class, () -> HfConfigReader.read(dir, 8)).getMessage();
        assertTrue(message.contains("no config.json"), message);
    }

    @Test
    void anInactiveQwen2WindowAndARopeScalingOfDefaultAreAccepted() throws IOException {
        read("""
                {"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 4,
                 "use_sliding_window": false, "sliding_window": 16, "rope_scaling": {"rope_type": "default"}}""", 128);
    }
}
