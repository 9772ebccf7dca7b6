package org.dpo4j.cli.progress;

import org.dpo4j.trainer.run.TrainingListener;

/** One way of showing a run's progress: a live bar ({@link LiveProgressBar}) or plain lines ({@link PlainProgress}). */
public interface ProgressOutput extends TrainingListener, AutoCloseable {

    /** Prints one whole line (above the bar, when one is shown). */
    void println(String line);

    /** Ends the output: the bar line, if one is shown, is finished with a newline. */
    @Override
    void close();
}
