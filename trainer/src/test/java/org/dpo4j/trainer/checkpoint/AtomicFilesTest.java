package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailingWriteLeavesNoFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("model.safetensors");
        IOException failure = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than the buffer, so some bytes reach the temporary file
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals(List.of(), listing());

        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(), listing());
    }

    @Test
    void aFailingRewriteKeepsTheOldContent() throws IOException {
        Path target = dir.resolve("index.json");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new, half".getBytes());
            throw new IOException("crash");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("index.json"), listing());
    }

    @Test
    void writesReplaceAndCopy() throws IOException {
        Path target = dir.resolve("a.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeBytes(target, new byte[] {'s', 'e', 'c'});
        assertEquals("sec", Files.readString(target));
        AtomicFiles.write(target, out -> {
            out.write('x');
            out.close(); // allowed: only flushes
        });
        assertEquals("x", Files.readString(target));
        AtomicFiles.copy(target, dir.resolve("b.txt"));
        assertEquals("x", Files.readString(dir.resolve("b.txt")));
        assertEquals(List.of("a.txt", "b.txt"), listing());
    }
}
