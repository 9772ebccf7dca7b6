package org.dpo4j.trainer.data.source;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The formats a data file can have, each with the file extension that names it.
 *
 * <ul>
 *   <li>{@link #JSONL}: {@code .jsonl}, one JSON value per line;</li>
 *   <li>{@link #JSON}: {@code .json}, one top-level JSON array of records;</li>
 *   <li>{@link #PARQUET}: {@code .parquet}, one record per row.</li>
 * </ul>
 */
public enum DataFormat {
    JSONL("jsonl"),
    JSON("json"),
    PARQUET("parquet");

    /** The config key that chooses the format; {@link #AUTO} there means "by extension". */
    public static final String FORMAT_KEY = "data.format";
    public static final String AUTO = "auto";

    private final String name;

    DataFormat(String name) {
        this.name = name;
    }

    /** The name used in {@code data.format}: {@code jsonl}, {@code json} or {@code parquet}. */
    public String formatName() {
        return name;
    }

    /** The file extension, with its dot. */
    public String extension() {
        return "." + name;
    }

    /** The format a file name's extension stands for (ignoring case), if any. */
    public static Optional<DataFormat> ofFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> lower.endsWith(f.extension())).findFirst();
    }

    /**
     * Reads a {@code data.format} value.
     *
     * @param value {@code auto}, {@code jsonl}, {@code json} or {@code parquet}
     * @return the format, or empty for {@code auto}
     * @throws UserInputException for any other value
     */
    public static Optional<DataFormat> parse(String value) {
        if (value == null || value.equals(AUTO)) {
            return Optional.empty();
        }
        for (DataFormat format : values()) {
            if (format.name.equals(value)) {
                return Optional.of(format);
            }
        }
        throw new UserInputException(FORMAT_KEY + ": unknown format '" + SourceFiles.oneLine(value)
                + "' (allowed: " + AUTO + ", " + names(", ") + ")");
    }

    /** All extensions, for messages: {@code .jsonl, .json, .parquet}. */
    static String extensions(String separator) {
        return Arrays.stream(values()).map(DataFormat::extension).collect(Collectors.joining(separator));
    }

    static String names(String separator) {
        return Arrays.stream(values()).map(DataFormat::formatName).collect(Collectors.joining(separator));
    }
}
