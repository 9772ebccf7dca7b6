package org.dpo4j.trainer.checkpoint;

import static org.dpo4j.trainer.checkpoint.TestFiles.f32;
import static org.dpo4j.trainer.checkpoint.TestFiles.safetensors;
import static org.dpo4j.trainer.checkpoint.TestFiles.u16;
import static org.dpo4j.trainer.checkpoint.TestFiles.userError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading hand-built files: layouts the format allows, and each way a file can be broken. */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void readsByOffsetsNotHeaderOrderAndIgnoresPaddingAndMetadata() throws IOException {
        // "b" is listed first but stored second; the header ends in spaces, as writers pad it
        Path file = safetensors(dir.resolve("a.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                        + "\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}    ",
                f32(1, 2, 3, 4));
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("b", "a"), List.copyOf(f.entries().keySet()), "header order, no __metadata__");
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertArrayEquals(new float[] {1, 2}, f.readFloats("a"));
            assertArrayEquals(new float[] {3, 4}, f.readFloats("b"));
        }
    }

    @Test
    void scalarsEmptyTensorsF64AndOtherDtypes() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 + 8 + 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(2.5f).putDouble(0.1).put(u16(0x3C00)).putLong(42);
        Path file = safetensors(dir.resolve("a.safetensors"),
                "{\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"empty\":{\"dtype\":\"BF16\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                        + "\"wide\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]},"
                        + "\"half\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[12,14]},"
                        + "\"count\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[14,22]}}",
                data.array());
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(), f.entry("scalar").shape());
            assertEquals(1, f.entry("scalar").elementCount(), "the empty product");
            assertArrayEquals(new float[] {2.5f}, f.readFloats("scalar"));
            assertArrayEquals(new float[0], f.readFloats("empty"));
            assertArrayEquals(new float[] {(float) 0.1}, f.readFloats("wide"), "F64 rounded to float32");
            assertArrayEquals(new float[] {1f}, f.readFloats("half"));
            try (NDArray scalar = f.toNDArray("scalar", manager); NDArray empty = f.toNDArray("empty", manager)) {
                assertEquals(new Shape(), scalar.getShape());
                assertEquals(2.5f, scalar.getFloat());
                assertEquals(new Shape(0, 3), empty.getShape());
            }
            // listed (a loader may ignore it), but not readable as floats
            assertEquals("I64", f.entry("count").dtype());
            userError(() -> f.readFloats("count"), file.toString(), "tensor count", "I64", "F32, F16, BF16, F64");
            userError(() -> f.readFloats("nothing"), file.toString(), "no tensor named nothing");
        }
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[5]);
        userError(() -> SafetensorsFile.open(file), file.toString(), "truncated", "5 bytes");
    }

    @Test
    void headerLongerThanTheFile() throws IOException {
        // the prefix says 100 header bytes; 20 follow
        ByteBuffer bytes = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putLong(100);
        Path file = Files.write(dir.resolve("cut.safetensors"), bytes.array());
        userError(() -> SafetensorsFile.open(file), file.toString(), "truncated",
                "the header is 100 bytes long, but only 20 bytes follow");
    }

    @Test
    void absurdHeaderLengthIsNotSafetensors() throws IOException {
        // a zip (.bin) starts "PK\3\4...": read as a length that is far beyond the limit
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 1, 2, 3};
        Path file = Files.write(dir.resolve("pickle.safetensors"), zip);
        userError(() -> SafetensorsFile.open(file), file.toString(), "not a safetensors file");
        ByteBuffer unsigned = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        Path huge = Files.write(dir.resolve("huge.safetensors"), unsigned.array());
        userError(() -> SafetensorsFile.open(huge), "18446744073709551615", "not a safetensors file");
    }

    @Test
    void headerNotJson() throws IOException {
        Path file = safetensors(dir.resolve("bad.safetensors"), "{\"w\": {\"dtype\": ", new byte[0]);
        userError(() -> SafetensorsFile.open(file), file.toString(), "not valid JSON");
        Path twice = safetensors(dir.resolve("twice.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", f32(1));
        userError(() -> SafetensorsFile.open(twice), "not valid JSON", "w");
        Path trailing = safetensors(dir.resolve("trailing.safetensors"), "{} x", new byte[0]);
        userError(() -> SafetensorsFile.open(trailing), "not valid JSON");
        Path latin1 = safetensors(dir.resolve("latin1.safetensors"), "{}", new byte[0]);
        byte[] bytes = Files.readAllBytes(latin1);
        bytes[8] = (byte) 0xE9; // 'é' in Latin-1 is not UTF-8
        Files.write(latin1, bytes);
        userError(() -> SafetensorsFile.open(latin1), "not valid UTF-8");
    }

    @Test
    void headerNotAnObject() throws IOException {
        Path file = safetensors(dir.resolve("list.safetensors"), "[1, 2]", new byte[0]);
        userError(() -> SafetensorsFile.open(file), file.toString(), "not a JSON object (found array)");
        Path blank = safetensors(dir.resolve("blank.safetensors"), "        ", new byte[0]);
        userError(() -> SafetensorsFile.open(blank), "header is empty");
        Path entry = safetensors(dir.resolve("entry.safetensors"), "{\"w\": 3}", new byte[0]);
        userError(() -> SafetensorsFile.open(entry), "tensor w", "expected an object with dtype, shape and data_offsets");
    }

    @Test
    void entryWithoutDtypeShapeOrOffsets() throws IOException {
        String[][] cases = {
            {"{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "tensor w has no dtype"},
            {"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "tensor w has no shape"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", "tensor w has no data_offsets"},
            {"{\"w\":{\"dtype\":1,\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype must be a string"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "shape must be a list of integers >= 0, found [-1]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "shape must be a list"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape must be a list"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "data_offsets must be [begin, end]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "found [4,0]"},
            {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", "too many elements"},
        };
        for (String[] c : cases) {
            Path file = safetensors(dir.resolve("entry.safetensors"), c[0], f32(0));
            userError(() -> SafetensorsFile.open(file), file.toString(), c[1]);
        }
    }

    @Test
    void offsetsThatDoNotSpanShapeTimesDtypeSize() throws IOException {
        // [2, 3] F32: 6 elements x 4 bytes = 24 bytes, but the offsets span 20
        Path file = safetensors(dir.resolve("size.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[24]);
        String message = userError(() -> SafetensorsFile.open(file), file.toString(), "tensor w");
        assertEquals(file + ": tensor w (F32, shape [2, 3]) has data_offsets [0, 20] = 20 bytes,"
                + " expected 24 (6 elements x 4 bytes)", message);
        // sizes are checked for the types one does not read too: BOOL is one byte each
        Path mask = safetensors(dir.resolve("mask.safetensors"),
                "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[4],\"data_offsets\":[0,8]}}", new byte[8]);
        userError(() -> SafetensorsFile.open(mask), "tensor m", "expected 4 (4 elements x 1 bytes)");
    }

    /**
     * The safetensors library's layout rule: in offset order the tensors tile the data section
     * from byte 0 to its end. Each file below breaks it once; the library refuses each too
     * ({@code InvalidOffset} or {@code MetadataIncompleteBuffer}).
     */
    @Test
    void tensorsMustTileTheDataSectionExactly() throws IOException {
        // a and b both claim bytes 0..8: writing one would change the other
        Path alias = safetensors(dir.resolve("alias.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2));
        assertEquals(alias + ": tensor b (data_offsets [0, 8]) overlaps tensor a (data_offsets [0, 8]);"
                + " each tensor must have bytes of its own", userError(() -> SafetensorsFile.open(alias)));
        // partial overlap, listed out of order
        Path partial = safetensors(dir.resolve("partial.safetensors"),
                "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1, 2, 3));
        userError(() -> SafetensorsFile.open(partial), "tensor b (data_offsets [4, 12]) overlaps tensor a");
        // a gap between two tensors
        Path gap = safetensors(dir.resolve("gap.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", f32(1, 2, 3));
        assertEquals(gap + ": bytes 4 to 8 of the data section belong to no tensor (tensor b starts at 8);"
                + " tensors must be contiguous", userError(() -> SafetensorsFile.open(gap)));
        // the first tensor does not start at 0
        Path late = safetensors(dir.resolve("late.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32(1, 2));
        userError(() -> SafetensorsFile.open(late), "bytes 0 to 4 of the data section belong to no tensor");
        // bytes after the last tensor
        Path trailing = safetensors(dir.resolve("trailing.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1, 2));
        assertEquals(trailing + ": the data section has 8 bytes, but the tensors cover 4; 4 trailing bytes"
                + " belong to no tensor", userError(() -> SafetensorsFile.open(trailing)));
        // no tensors but data
        Path none = safetensors(dir.resolve("none.safetensors"), "{}", f32(1));
        userError(() -> SafetensorsFile.open(none), "the data section has 4 bytes, but the tensors cover 0");
    }

    /** An unknown dtype fails when the header is read (validate and train alike), not at the first read. */
    @Test
    void unknownDtypeIsRefusedWhenOpening() throws IOException {
        Path file = safetensors(dir.resolve("future.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"future\":{\"dtype\":\"F4_X\",\"shape\":[99],\"data_offsets\":[4,4]}}", f32(1));
        userError(() -> SafetensorsFile.open(file), file.toString(), "tensor future has dtype \"F4_X\"",
                "not a safetensors dtype", "known: F64, F32, F16, BF16");
    }

    @Test
    void offsetsPastTheEndOfTheFile() throws IOException {
        // [2] F32 needs bytes 0..8 of the data section; only 4 are there
        Path file = safetensors(dir.resolve("past.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(1));
        String message = userError(() -> SafetensorsFile.open(file));
        assertEquals(file + ": header points past the end of the file: tensor w ends at byte 8,"
                + " data section has 4 bytes", message);
    }

    @Test
    void dataTruncatedAfterOpening() throws IOException {
        // 3 floats: 12 data bytes; the file loses the last 6 after the header was checked
        Path file = safetensors(dir.resolve("shrunk.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", f32(1, 2, 3));
        long size = Files.size(file);
        try (SafetensorsFile f = SafetensorsFile.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(size - 6);
            }
            userError(() -> f.readFloats("w"), file.toString(), "truncated", "tensor w",
                    "ends at byte " + size, "now has " + (size - 6) + " bytes");
            userError(() -> f.toNDArray("w", manager), "truncated", "tensor w");
        }
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nothing.safetensors");
        assertEquals(file + ": no such file", userError(() -> SafetensorsFile.open(file)));
    }
}
