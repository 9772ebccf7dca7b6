package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    /** Values that stress encoders: NaN with a payload, -0, ±inf, subnormals, rounding ties. */
    private static final float[] SPECIAL = {
        Float.intBitsToFloat(0x7FC00123), -0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, 1e-40f, 65520f, -65504f, 1 + 0x1p-8f, 1 + 0x1p-11f, 0x1p-25f, 3.14159265f,
    };

    private static Map<String, NDArray> sample(NDManager manager) {
        SplittableRandom random = new SplittableRandom(3);
        float[] gaussian = new float[200];
        for (int i = 0; i < gaussian.length; i++) {
            gaussian[i] = (float) (random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-9, 6)));
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("special", manager.create(SPECIAL, new Shape(3, 4)));
        tensors.put("scalar", manager.create(new float[] {2.5f}, new Shape()));
        tensors.put("empty", manager.create(new float[0], new Shape(0, 3)));
        tensors.put("random", manager.create(gaussian, new Shape(8, 25)));
        return tensors;
    }

    @Test
    void f32RoundTripKeepsEveryBit() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = sample(manager);
            Path file = dir.resolve("f32.safetensors");
            SafetensorsWriter.write(file, tensors, SaveDtype.F32);
            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                assertEquals(Map.of("format", "pt"), read.metadata(), "transformers needs format=pt");
                for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                    assertEquals("F32", read.entry(e.getKey()).dtype());
                    assertEquals(e.getValue().getShape(), read.entry(e.getKey()).shape());
                    float[] expected = e.getValue().toFloatArray();
                    float[] actual = read.readFloats(e.getKey());
                    assertEquals(expected.length, actual.length);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                                e.getKey() + "[" + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void halfRoundTripsGiveTheRoundedValues() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = sample(manager);
            for (SaveDtype dtype : new SaveDtype[] {SaveDtype.BF16, SaveDtype.F16}) {
                Path file = dir.resolve(dtype.configName() + ".safetensors");
                SafetensorsWriter.write(file, tensors, dtype);
                try (SafetensorsFile read = SafetensorsFile.open(file)) {
                    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                        assertEquals(dtype.safetensorsName(), read.entry(e.getKey()).dtype());
                        // 2 bytes per element
                        assertEquals(2 * e.getValue().size(), read.entry(e.getKey()).byteCount());
                        float[] original = e.getValue().toFloatArray();
                        float[] actual = read.readFloats(e.getKey());
                        for (int i = 0; i < original.length; i++) {
                            float expected = dtype.rounded(original[i]);
                            String where = dtype + " " + e.getKey() + "[" + i + "] = " + original[i];
                            if (Float.isNaN(original[i])) {
                                assertTrue(Float.isNaN(actual[i]), where);
                            } else {
                                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual[i]), where);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void exactBytesOfASmallFile() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = dir.resolve("w.safetensors");
            SafetensorsWriter.write(file, Map.of("w", manager.create(new float[] {1, -2})), SaveDtype.F16);
            String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                    + "\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
            // 85 bytes of JSON, padded with 3 spaces to 88, the next multiple of 8
            assertEquals(85, json.length());
            ByteBuffer expected = ByteBuffer.allocate(8 + 88 + 4).order(ByteOrder.LITTLE_ENDIAN);
            expected.putLong(88).put((json + "   ").getBytes(StandardCharsets.US_ASCII));
            expected.putShort((short) 0x3C00).putShort((short) 0xC000); // 1.0 and -2.0 as halves
            assertArrayEquals(expected.array(), Files.readAllBytes(file));
        }
    }

    @Test
    void writingTwiceGivesIdenticalBytes() throws IOException {
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(first, sample(manager), SaveDtype.BF16);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(second, sample(manager), SaveDtype.BF16);
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void headerLengthIsAMultipleOfEight() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int nameLength = 1; nameLength <= 8; nameLength++) {
                Path file = dir.resolve("pad" + nameLength + ".safetensors");
                SafetensorsWriter.write(file, Map.of("x".repeat(nameLength), manager.create(1f)), SaveDtype.F32);
                long headerLength = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                assertEquals(0, headerLength % 8, "name length " + nameLength);
                try (SafetensorsFile read = SafetensorsFile.open(file)) {
                    assertArrayEquals(new float[] {1f}, read.readFloats("x".repeat(nameLength)));
                }
            }
        }
    }

    @Test
    void refusesWhatItCannotWrite() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path file = dir.resolve("bad.safetensors");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    SafetensorsWriter.write(file, Map.of("ids", manager.create(new long[] {1, 2})), SaveDtype.F32));
            assertTrue(e.getMessage().contains("tensor ids is int64, expected float32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () ->
                    SafetensorsWriter.write(file, Map.of("__metadata__", manager.create(1f)), SaveDtype.F32));
            assertTrue(Files.notExists(file));
        }
    }
}
