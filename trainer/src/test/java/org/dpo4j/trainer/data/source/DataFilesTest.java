package org.dpo4j.trainer.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {

    @TempDir Path dir;

    private Path touch(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        return file;
    }

    private String error(List<String> paths, String format) {
        return assertThrows(UserInputException.class, () -> DataFiles.resolve(paths, format, "data.train")).getMessage();
    }

    @Test
    void filesTakeTheirFormatFromTheExtension() throws Exception {
        Path jsonl = touch("a.jsonl");
        Path json = touch("b.JSON");
        Path parquet = touch("c.parquet");
        assertEquals(List.of(new DataFile(jsonl, DataFormat.JSONL), new DataFile(json, DataFormat.JSON),
                        new DataFile(parquet, DataFormat.PARQUET)),
                DataFiles.resolve(List.of(jsonl.toString(), json.toString(), parquet.toString()), "auto", "data.train"));
    }

    @Test
    void pathsKeepTheirOrderAndADirectoryGivesItsDataFilesByName() throws Exception {
        Path first = touch("z-first.jsonl");
        Path data = dir.resolve("data");
        Path one = touch("data/1.parquet");
        Path ten = touch("data/10.jsonl");
        Path two = touch("data/2.json");
        touch("data/README.md");
        touch("data/._2.json");
        touch("data/sub/3.jsonl");
        Path last = touch("a-last.parquet");
        assertEquals(List.of(new DataFile(first, DataFormat.JSONL), new DataFile(one, DataFormat.PARQUET),
                        new DataFile(ten, DataFormat.JSONL), new DataFile(two, DataFormat.JSON),
                        new DataFile(last, DataFormat.PARQUET)),
                DataFiles.resolve(List.of(first.toString(), data.toString(), last.toString()), "auto", "data.train"));
    }

    @Test
    void anExplicitFormatReadsAnyNamedFileAndOnlyItsExtensionInADirectory() throws Exception {
        Path text = touch("pairs.txt");
        Path data = dir.resolve("data");
        Path b = touch("data/b.jsonl");
        Path a = touch("data/a.jsonl");
        touch("data/c.parquet");
        assertEquals(List.of(new DataFile(text, DataFormat.JSONL), new DataFile(a, DataFormat.JSONL),
                        new DataFile(b, DataFormat.JSONL)),
                DataFiles.resolve(List.of(text.toString(), data.toString()), "jsonl", "data.train"));
    }

    @Test
    void pathProblemsAreOneLineNamingTheKey() throws Exception {
        Path missing = dir.resolve("missing.jsonl");
        assertEquals("data.train: " + missing + " does not exist (give a file (.jsonl, .json, .parquet) or a directory"
                + " of such files)", error(List.of(missing.toString()), "auto"));

        Path ok = touch("ok.jsonl");
        assertEquals("data.train[1]: " + missing + " does not exist (give a file (.jsonl, .json, .parquet) or a"
                + " directory of such files)", error(List.of(ok.toString(), missing.toString()), "auto"));

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("data.train: directory " + empty + " has no .jsonl, .json, .parquet files; subdirectories are not"
                + " searched", error(List.of(empty.toString()), "auto"));

        Path other = dir.resolve("other");
        touch("other/notes.txt");
        touch("other/pairs.jsonl");
        assertEquals("data.train: directory " + other + " has no .parquet files (data.format: parquet); subdirectories"
                + " are not searched", error(List.of(other.toString()), "parquet"));

        Path csv = touch("pairs.csv");
        assertEquals("data.train: " + csv + ": cannot tell the format from the file name (allowed extensions: .jsonl,"
                + " .json, .parquet; or set data.format to one of jsonl, json, parquet)", error(List.of(csv.toString()), "auto"));

        assertEquals("data.train: no data path given (give a file (.jsonl, .json, .parquet) or a directory of such"
                + " files)", error(List.of(), "auto"));
        assertEquals("data.format: unknown format 'csv' (allowed: auto, jsonl, json, parquet)",
                error(List.of(ok.toString()), "csv"));
    }
}
