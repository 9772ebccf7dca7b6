package org.dpo4j.trainer.model;

import static org.dpo4j.trainer.model.gemma3.LayerType.FULL;
import static org.dpo4j.trainer.model.gemma3.LayerType.SLIDING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.gemma3.Gemma3Config;
import org.dpo4j.trainer.model.gpt2.Gpt2Config;
import org.dpo4j.trainer.model.llama.LlamaConfig;
import org.dpo4j.trainer.model.qwen3.Qwen3Config;
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
        "rope scaling | {\"model_type\": \"llama\", \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 2}} | rope_scaling type 'yarn'",
        "llama3 scaling without its keys | {\"model_type\": \"llama\", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}} | needs a positive number low_freq_factor",
        "linear scaling without a factor | {\"model_type\": \"qwen3\", \"rope_parameters\": {\"rope_type\": \"linear\"}} | rope_parameters (rope_type linear) needs a positive number factor",
        "qwen3 window on | {\"model_type\": \"qwen3\", \"use_sliding_window\": true, \"sliding_window\": 100} | use_sliding_window",
        "gemma layer type | {\"model_type\": \"gemma3_text\", \"num_hidden_layers\": 2, \"layer_types\": [\"full_attention\", \"chunked_attention\"]} | layer_types[1] is \"chunked_attention\"",
        "gemma layer count | {\"model_type\": \"gemma3_text\", \"num_hidden_layers\": 3, \"layer_types\": [\"full_attention\"]} | layer_types has 1 entries for 3 layers",
        "gemma bidirectional | {\"model_type\": \"gemma3_text\", \"use_bidirectional_attention\": true} | use_bidirectional_attention",
        "gemma local scaling | {\"model_type\": \"gemma3_text\", \"rope_parameters\": {\"sliding_attention\": {\"rope_type\": \"linear\", \"factor\": 2, \"rope_theta\": 10000}}} | not supported on sliding layers",
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

    /** Both spellings of the scaling type, and transformers 5's rope_parameters, give the same record. */
    @Test
    void rotaryScalingIsReadFromEitherSpellingAndFromRopeParameters() throws IOException {
        String base = "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_attention_heads\": 4, ";
        LlamaConfig legacy = (LlamaConfig) read(base + "\"rope_theta\": 5e5, \"rope_scaling\": {\"type\": \"llama3\", \"factor\": 32,"
                + " \"low_freq_factor\": 1, \"high_freq_factor\": 4, \"original_max_position_embeddings\": 8192}}", 128);
        LlamaConfig v5 = (LlamaConfig) read(base + "\"rope_parameters\": {\"rope_type\": \"llama3\", \"rope_theta\": 5e5, \"factor\": 32,"
                + " \"low_freq_factor\": 1, \"high_freq_factor\": 4, \"original_max_position_embeddings\": 8192}, \"dtype\": \"bfloat16\"}", 128);
        assertEquals(new RopeScaling.Llama3(32, 1, 4, 8192), legacy.ropeScaling());
        assertEquals(legacy, v5);
        assertEquals(500_000.0, v5.ropeTheta());
        LlamaConfig linear = (LlamaConfig) read(base + "\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 4}}", 128);
        assertEquals(new RopeScaling.Linear(4), linear.ropeScaling());
    }

    /**
     * Llama 3's bands with L = 8192, low 1, high 4: wavelengths below L/4 = 2048 keep their
     * frequency, above L = 8192 it is divided by the factor, and between them it is
     * interpolated: s = (L / wavelen − 1) / 3, (1 − s)·f/factor + s·f.
     */
    @Test
    void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndBlendsBetween() {
        double[] freq = {2 * Math.PI / 100, 2 * Math.PI / 4096, 2 * Math.PI / 10_000};
        new RopeScaling.Llama3(32, 1, 4, 8192).rescale(freq);
        assertEquals(2 * Math.PI / 100, freq[0], 0);
        double s = (8192.0 / 4096 - 1) / 3;
        assertEquals((1 - s) * (2 * Math.PI / 4096) / 32 + s * (2 * Math.PI / 4096), freq[1], 1e-18);
        assertEquals(2 * Math.PI / 10_000 / 32, freq[2], 1e-18);
    }

    @Test
    void qwen3DefaultsHeadDim128AndNoBiases() throws IOException {
        Qwen3Config c = (Qwen3Config) read("""
                {"model_type": "qwen3", "vocab_size": 100, "hidden_size": 64, "num_hidden_layers": 1,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96}""", 128);
        assertEquals(128, c.headDim(), "Qwen3Config.head_dim default, not hidden / heads");
        assertFalse(c.attentionBias() || c.tieWordEmbeddings());
        assertEquals(10_000.0, c.ropeTheta());
    }

    /**
     * Layer types from the pattern when there is no list (layer i full iff (i + 1) % p == 0), the
     * list winning over any pattern, and Gemma's defaults for missing keys.
     */
    @Test
    void gemmaLayerTypesComeFromTheListOrThePattern() throws IOException {
        Gemma3Config fromPattern = (Gemma3Config) read("""
                {"model_type": "gemma3_text", "num_hidden_layers": 7, "sliding_window_pattern": 3}""", 128);
        assertEquals(List.of(SLIDING, SLIDING, FULL, SLIDING, SLIDING, FULL, SLIDING), fromPattern.layerTypes());
        Gemma3Config listed = (Gemma3Config) read("""
                {"model_type": "gemma3_text", "num_hidden_layers": 3, "_sliding_window_pattern": 6,
                 "layer_types": ["full_attention", "sliding_attention", "full_attention"]}""", 128);
        assertEquals(List.of(FULL, SLIDING, FULL), listed.layerTypes());
        Gemma3Config defaults = (Gemma3Config) read("{\"model_type\": \"gemma3_text\", \"num_hidden_layers\": 6}", 128);
        assertEquals(List.of(SLIDING, SLIDING, SLIDING, SLIDING, SLIDING, FULL), defaults.layerTypes(), "pattern 6");
        assertEquals(256, defaults.headDim());
        assertEquals(256, defaults.queryPreAttnScalar());
        assertEquals(4, defaults.numKvHeads());
        assertEquals(4096, defaults.slidingWindow());
        assertEquals(1_000_000.0, defaults.ropeTheta());
        assertEquals(10_000.0, defaults.ropeLocalBaseFreq());
        assertTrue(defaults.tieWordEmbeddings());
        assertEquals(null, defaults.attnLogitSoftcapping());
        assertEquals(null, defaults.finalLogitSoftcapping());
    }

    /** transformers 5 keys its Gemma rope_parameters by layer type: full and sliding layers read their own. */
    @Test
    void gemmaRopeParametersKeyedByLayerType() throws IOException {
        Gemma3Config c = (Gemma3Config) read("""
                {"model_type": "gemma3_text", "num_hidden_layers": 2, "rope_parameters": {
                  "full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
                  "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}}}""", 128);
        assertEquals(new RopeScaling.Linear(8), c.ropeScaling());
        assertEquals(1_000_000.0, c.ropeTheta());
        assertEquals(10_000.0, c.ropeLocalBaseFreq());
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
