package org.dpo4j.trainer.run;

import java.nio.file.Path;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.data.PreparedData;
import org.dpo4j.trainer.hub.ModelFolders;
import org.dpo4j.trainer.tokenizer.TextTokenizer;

/**
 * The data of a run exactly as training would see it, without loading any weights: for
 * {@code dpo4j data inspect}. Close it to free the tokenizer.
 *
 * @param data      the prepared pairs and the pipeline's report
 * @param tokenizer the policy's tokenizer, to show tokens as text
 */
public record DataPreview(PreparedData data, TextTokenizer tokenizer) implements AutoCloseable {

    /**
     * Reads, renders, splits and tokenizes the data of {@code config}.
     *
     * @throws UserInputException as {@link DpoTrainer#create} would for the data and the model folder
     */
    public static DataPreview of(RunConfig config) {
        DjlEnvironment.configure();
        Path policyFolder = ModelFolders.resolve(config.model().path(), "model.path");
        TextTokenizer tokenizer = RunModels.tokenizer(policyFolder);
        try {
            return new DataPreview(
                    PreparedData.prepare(config.data(),
                            config.loss().create().requirements().completions(), tokenizer, policyFolder,
                            config.train().seed()), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
