package org.dpo4j.trainer.data.source;

import java.nio.file.Path;

/**
 * A data file and the format it is read in.
 *
 * @param path   the file, as the user named it (or its directory joined with the file name)
 * @param format how to read it
 */
public record DataFile(Path path, DataFormat format) {}
