package org.dpo4j.trainer.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.common.Devices;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.chat.ChatMessage;
import org.dpo4j.trainer.data.chat.ChatTemplate;
import org.dpo4j.trainer.data.chat.ChatTemplates;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.lora.LoraWeights;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.tokenizer.HfTokenizer;

/**
 * {@code dpo4j generate}: samples continuations of prompts from a model folder, with their
 * log-probabilities and, given a reference folder, each sample's sequence KL to it; then the
 * diversity statistics of all samples ({@link SampleStatistics}).
 *
 * <p>Prompts become token ids as training's prompts do: the chat template (see
 * {@link #CHAT_TEMPLATES}), then BOS when the tokenizer has one and the text does not start with
 * it. Generation stops at the tokenizer's EOS and at any {@code eos_token_id} of the folder's
 * {@code generation_config.json}. Prompt i's samples are drawn from a generator seeded by
 * (seed, i), so they do not depend on the other prompts.
 *
 * <p>The reference's log-probs come from one teacher-forced forward pass over prompt + sample
 * (the policy's from the sampling steps themselves). Closing frees all native memory.
 */
public final class ModelGeneration implements AutoCloseable {

    /**
     * {@code --chat-template} values: {@code auto} (the model's own template when its folder has
     * one; else plain-text prompts are used as they are and conversations get {@code chatml}),
     * {@code none} (text as it is; conversations are refused), {@code model}, and the built-ins.
     */
    public static final List<String> CHAT_TEMPLATES = List.of("auto", "none", "model", "chatml", "llama3", "plain");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NDManager manager;
    private final HfTokenizer tokenizer;
    private final CausalLm policy;
    private final CausalLm reference;
    private final Path modelFolder;
    private final String chatTemplate;
    private final Generator generator;

    /**
     * @param model     the policy's folder
     * @param reference the reference's folder, or null for no KL
     * @param options   the sampling options
     * @param count     samples per prompt
     * @param adapter   a PEFT LoRA adapter folder applied to {@code model} (its base), or null; the
     *                  reference then defaults to the base with the adapters off
     */
    public record Request(String model, String reference, String chatTemplate, SamplingOptions options, int count,
            String adapter) {

        /** No adapter. */
        public Request(String model, String reference, String chatTemplate, SamplingOptions options, int count) {
            this(model, reference, chatTemplate, options, count, null);
        }

        public Request {
            if (!CHAT_TEMPLATES.contains(chatTemplate)) {
                throw new UserInputException("--chat-template: '" + chatTemplate + "' is not one of " + CHAT_TEMPLATES);
            }
            if (count < 1) {
                throw new UserInputException("--num-samples: must be >= 1, got " + count);
            }
        }
    }

    /**
     * One sample as text.
     *
     * @param text             the completion, special tokens dropped
     * @param sample           its tokens and per-token values
     * @param referenceLogProb log π_ref(y | x), or null without a reference
     */
    public record Completion(String text, Sample sample, Double referenceLogProb) {

        /** Σ_t log π(y_t|·) − log π_ref(y_t|·), or null without a reference. */
        public Double kl() {
            return referenceLogProb == null ? null : sample.logProb() - referenceLogProb;
        }
    }

    /**
     * The samples of one prompt.
     *
     * @param index        0-based index of the prompt
     * @param prompt       the prompt as given
     * @param promptTokens tokens of the rendered prompt, BOS included
     * @param completions  its samples
     */
    public record PromptSamples(int index, Prompt prompt, int promptTokens, List<Completion> completions) {}

    private final Request request;

    private ModelGeneration(Request request, NDManager manager, HfTokenizer tokenizer, CausalLm policy,
            CausalLm reference, Path modelFolder) {
        this.request = request;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.policy = policy;
        this.reference = reference;
        this.modelFolder = modelFolder;
        this.chatTemplate = request.chatTemplate();
        this.generator = new Generator(policy, stopIds(modelFolder, tokenizer), manager);
    }

    /**
     * Loads the model (and reference) and their tokenizer.
     *
     * @param warnings receives one line per thing the user should know (unused tensors)
     * @throws UserInputException when a folder is unusable or the two models do not share a tokenizer
     */
    public static ModelGeneration open(Request request, Consumer<String> warnings) {
        return open(request, "auto", warnings);
    }

    /**
     * As {@link #open(Request, Consumer)}, on {@code device} ({@code auto}, {@code cpu},
     * {@code gpu}, {@code gpu:N}): models, cache and every array of the draws live there.
     *
     * @throws UserInputException also when the device is not available
     */
    public static ModelGeneration open(Request request, String device, Consumer<String> warnings) {
        DjlEnvironment.configure();
        Device on = Devices.resolve("--device", device);
        Path folder = ModelFolders.resolve(request.model(), "--model");
        Path referenceFolder = ModelFolders.resolve(request.reference(), "--reference");
        HfTokenizer tokenizer = HfTokenizer.load(folder);
        NDManager manager = NDManager.newBaseManager(on);
        try {
            CausalLm policy = load(folder, "--model", manager, warnings);
            CausalLm reference = null;
            if (request.adapter() != null) {
                ModelWeights adapted = LoraWeights.load(policy.architecture(), policy.weights(), Path.of(request.adapter()),
                        null, 0);
                policy = CausalLm.of(policy.architecture(), adapted);
                reference = referenceFolder == null ? CausalLm.of(policy.architecture(), adapted.withoutAdapters()) : null;
            }
            if (referenceFolder != null) {
                try (HfTokenizer referenceTokenizer = HfTokenizer.load(referenceFolder)) {
                    if (!tokenizer.vocabulary().equals(referenceTokenizer.vocabulary())) {
                        throw new UserInputException("--reference: the tokenizer of " + referenceFolder
                                + " has a different vocabulary from the model's (" + folder + "); the KL needs one tokenizer");
                    }
                }
                reference = load(referenceFolder, "--reference", manager, warnings);
                if (reference.architecture().vocabSize() != policy.architecture().vocabSize()) {
                    throw new UserInputException("--reference: vocab_size " + reference.architecture().vocabSize()
                            + " differs from the model's " + policy.architecture().vocabSize());
                }
            }
            return new ModelGeneration(request, manager, tokenizer, policy, reference, folder);
        } catch (RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    private static CausalLm load(Path folder, String option, NDManager manager, Consumer<String> warnings) {
        // 1: no length to check yet; each prompt is checked against the model's reach below
        LoadedModel loaded = HfModelLoader.load(folder, 1, manager);
        if (!loaded.unusedTensors().isEmpty()) {
            warnings.accept("warning: " + option + ": " + loaded.unusedTensors().size() + " tensor(s) of " + folder
                    + " are not parameters of a " + loaded.architecture().modelType() + " model and were ignored, e.g. "
                    + loaded.unusedTensors().get(0));
        }
        return CausalLm.of(loaded.architecture(), loaded.weights());
    }

    /** The tokenizer's EOS and every {@code eos_token_id} in {@code generation_config.json}. */
    private static Set<Integer> stopIds(Path folder, HfTokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>();
        ids.add(tokenizer.eosId());
        Path file = folder.resolve("generation_config.json");
        if (Files.isRegularFile(file)) {
            JsonNode eos = JsonFiles.read(file).get("eos_token_id");
            if (eos != null && eos.canConvertToInt()) {
                ids.add(eos.intValue());
            } else if (eos != null && eos.isArray()) {
                eos.forEach(id -> {
                    if (id.canConvertToInt()) {
                        ids.add(id.intValue());
                    }
                });
            }
        }
        return ids;
    }

    /**
     * Samples {@link Request#count()} continuations of {@code prompt}.
     *
     * @param index the prompt's 0-based index: with the seed, it fixes the draws
     * @throws UserInputException when the prompt cannot be rendered or is too long for the model
     */
    public PromptSamples generate(int index, Prompt prompt) {
        int[] ids = promptIds(prompt);
        SamplingOptions options = request.options();
        long reach = (long) ids.length + options.maxNewTokens();
        long limit = Math.min(policy.architecture().maxSequenceLength(),
                reference == null ? Integer.MAX_VALUE : reference.architecture().maxSequenceLength());
        if (reach > limit) {
            throw new UserInputException(prompt.origin() + ": the prompt has " + ids.length + " tokens; with --max-new-tokens "
                    + options.maxNewTokens() + " that is " + reach + ", more than the model's " + limit + " positions");
        }
        SplittableRandom random = new SplittableRandom(options.seed() ^ (0x9E3779B97F4A7C15L * (index + 1L)));
        List<Sample> samples = generator.sample(ids, request.count(), options, random);
        double[] referenceLogProbs = reference == null ? null : teacherForced(reference, ids, samples);
        List<Completion> completions = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            completions.add(new Completion(tokenizer.decode(s.textTokens()), s,
                    referenceLogProbs == null ? null : referenceLogProbs[i]));
        }
        return new PromptSamples(index, prompt, ids.length, completions);
    }

    /** The statistics over every sample of {@code results}, with the KL when there is a reference. */
    public SampleStatistics statistics(List<PromptSamples> results) {
        List<Sample> samples = new ArrayList<>();
        List<Double> kls = new ArrayList<>();
        for (PromptSamples r : results) {
            for (Completion c : r.completions()) {
                samples.add(c.sample());
                kls.add(c.kl());
            }
        }
        return SampleStatistics.of(samples, reference == null ? null : kls.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Whether a reference was given. */
    public boolean hasReference() {
        return reference != null;
    }

    /** The prompt's token ids, as training builds a prompt. */
    int[] promptIds(Prompt prompt) {
        String text = render(prompt);
        int[] encoded = tokenizer.encode(text);
        int bos = tokenizer.bosId();
        int[] ids = encoded;
        if (bos >= 0 && (encoded.length == 0 || encoded[0] != bos)) {
            ids = new int[encoded.length + 1];
            ids[0] = bos;
            System.arraycopy(encoded, 0, ids, 1, encoded.length);
        }
        if (ids.length == 0) {
            throw new UserInputException(prompt.origin() + ": the prompt is empty");
        }
        return ids;
    }

    private String render(Prompt prompt) {
        Optional<ChatTemplate> template = template(prompt);
        if (template.isEmpty()) {
            return prompt.text();
        }
        List<ChatMessage> messages = prompt.messages() != null
                ? prompt.messages()
                : List.of(new ChatMessage("user", prompt.text()));
        return template.get().render(messages, true);
    }

    private Optional<ChatTemplate> template(Prompt prompt) {
        boolean conversation = prompt.messages() != null;
        switch (chatTemplate) {
            case "none":
                if (conversation) {
                    throw new UserInputException(prompt.origin() + ": a conversation needs a chat template;"
                            + " --chat-template none only takes text prompts");
                }
                return Optional.empty();
            case "auto":
                Optional<ChatTemplate> own = ChatTemplates.ofModel(modelFolder);
                if (own.isPresent() || !conversation) {
                    return own;
                }
                return Optional.of(ChatTemplates.resolve("chatml", modelFolder, "--chat-template"));
            default:
                return Optional.of(ChatTemplates.resolve(chatTemplate, modelFolder, "--chat-template"));
        }
    }

    /**
     * log π(y | x) of every sample under {@code model}, from one forward pass over the
     * right-padded rows prompt + sample, scoring the sample's tokens only.
     */
    private double[] teacherForced(CausalLm model, int[] prompt, List<Sample> samples) {
        int longest = 0;
        for (Sample s : samples) {
            longest = Math.max(longest, s.tokens().length);
        }
        int width = prompt.length + longest;
        int n = samples.size();
        long[] ids = new long[n * width];
        long[] attention = new long[n * width];
        long[] scored = new long[n * width];
        for (int r = 0; r < n; r++) {
            int[] tokens = samples.get(r).tokens();
            for (int t = 0; t < prompt.length + tokens.length; t++) {
                ids[r * width + t] = t < prompt.length ? prompt[t] : tokens[t - prompt.length];
                attention[r * width + t] = 1;
                scored[r * width + t] = t < prompt.length ? 0 : 1;
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Shape shape = new Shape(n, width);
            NDArray inputIds = manager.create(ids, shape);
            NDArray logits = model.forward(inputIds, manager.create(attention, shape));
            NDArray sums = SequenceStats.logProbs(logits, inputIds, manager.create(scored, shape)).sum();
            return sums.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /**
     * Writes one JSON object per sample: {@code prompt_index}, {@code sample_index}, {@code prompt}
     * (the text, or the messages), {@code completion}, {@code tokens} (generated, stop token
     * included), {@code finish_reason} ({@code stop} or {@code length}), {@code logp}
     * (log π(y|x)), and with a reference {@code ref_logp} and {@code kl} (their difference).
     * Written through a temporary file and a rename.
     */
    public static void writeJsonl(Path file, List<PromptSamples> results) {
        StringBuilder text = new StringBuilder();
        try {
            for (PromptSamples r : results) {
                for (int i = 0; i < r.completions().size(); i++) {
                    Completion c = r.completions().get(i);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("prompt_index", r.index());
                    row.put("sample_index", i);
                    row.put("prompt", r.prompt().text() != null ? r.prompt().text() : r.prompt().messages());
                    row.put("completion", c.text());
                    row.put("tokens", c.sample().tokens().length);
                    row.put("finish_reason", c.sample().stopped() ? "stop" : "length");
                    row.put("logp", c.sample().logProb());
                    if (c.referenceLogProb() != null) {
                        row.put("ref_logp", c.referenceLogProb());
                        row.put("kl", c.kl());
                    }
                    text.append(JSON.writeValueAsString(row)).append('\n');
                }
            }
            AtomicFiles.writeText(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        manager.close();
        tokenizer.close();
    }
}
