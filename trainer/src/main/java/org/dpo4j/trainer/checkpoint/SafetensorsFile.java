package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;

/**
 * One safetensors file, opened for reading tensor by tensor.
 *
 * <p>Format: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON (see
 * {@link SafetensorsHeader}), then the data section: each tensor's elements, little-endian and
 * row-major, at the header's {@code data_offsets} relative to the first byte after the header.
 *
 * <p>{@link #open} reads and validates only the header. Each read then fetches one tensor with
 * positional reads in chunks of at most {@value #CHUNK_ELEMENTS} elements, so memory stays at
 * one tensor plus one chunk, and concurrent reads of different tensors are safe. F32, F16, BF16
 * and F64 (narrowed) decode to float32 in Java; other types can be listed but not read.
 */
public final class SafetensorsFile implements AutoCloseable {

    /**
     * Largest header accepted, as in the reference implementation: a file that is not
     * safetensors would otherwise announce a header of gigabytes.
     */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Elements decoded per read: 4 MiB of float32, large enough that per-call costs vanish. */
    static final int CHUNK_ELEMENTS = 1 << 20;

    /** Length prefix size. */
    private static final int PREFIX_BYTES = 8;

    /** The longest Java array the JVM reliably allocates. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    /**
     * Opens {@code path} and validates its header (see {@link SafetensorsHeader#parse}).
     *
     * @throws UserInputException (one line, naming the file) when the file is missing or
     *     unreadable, shorter than 8 bytes or than 8 + its header length ("truncated"), or its
     *     header is invalid
     */
    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new UserInputException(path + ": no such file");
        } catch (IOException e) {
            throw new UserInputException(path + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            long size = channel.size();
            if (size < PREFIX_BYTES) {
                throw new UserInputException(path + ": truncated safetensors file: " + size
                        + " bytes, less than the 8-byte header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (!readFully(channel, prefix, 0)) {
                throw truncatedWhileOpening(path);
            }
            long headerBytes = prefix.getLong(0);
            if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) { // negative: above 2^63 unsigned
                throw new UserInputException(path + ": not a safetensors file: its first 8 bytes give a header length of "
                        + Long.toUnsignedString(headerBytes) + " bytes (at most " + MAX_HEADER_BYTES + " allowed)");
            }
            if (headerBytes > size - PREFIX_BYTES) {
                throw new UserInputException(path + ": truncated safetensors file: the header is " + headerBytes
                        + " bytes long, but only " + (size - PREFIX_BYTES) + " bytes follow the 8-byte header length");
            }
            ByteBuffer json = ByteBuffer.allocate((int) headerBytes);
            if (!readFully(channel, json, PREFIX_BYTES)) {
                throw truncatedWhileOpening(path);
            }
            long dataStart = PREFIX_BYTES + headerBytes;
            SafetensorsHeader header = SafetensorsHeader.parse(path, json.array(), size - dataStart);
            return new SafetensorsFile(path, channel, dataStart, header);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UserInputException(path + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The file this reads. */
    public Path path() {
        return path;
    }

    /** Every tensor of the header (not {@code __metadata__}), by name, in header order. */
    public Map<String, TensorEntry> entries() {
        return header.entries();
    }

    /** The header's {@code __metadata__} strings, e.g. {@code format=pt}; empty when absent. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Whether the header has a tensor called {@code name}. */
    public boolean contains(String name) {
        return header.entries().containsKey(name);
    }

    /**
     * The entry of {@code name}.
     *
     * @throws UserInputException when the file has no such tensor
     */
    public TensorEntry entry(String name) {
        TensorEntry entry = header.entries().get(name);
        if (entry == null) {
            throw new UserInputException(path + ": no tensor named " + name);
        }
        return entry;
    }

    /**
     * The elements of {@code name} as float32, row-major.
     *
     * @throws UserInputException when the tensor is missing, is not F32/F16/BF16/F64, has more
     *     elements than a Java array holds, or the file has been truncated since it was opened
     */
    public float[] readFloats(String name) {
        TensorEntry entry = entry(name);
        StoredDtype dtype = decodable(entry);
        if (entry.elementCount() > MAX_ARRAY_LENGTH) {
            throw new UserInputException(path + ": tensor " + name + " has " + entry.elementCount()
                    + " elements, more than a Java array holds; read it with toNDArray");
        }
        float[] values = new float[(int) entry.elementCount()];
        FloatBuffer sink = FloatBuffer.wrap(values);
        readChunks(entry, dtype, CHUNK_ELEMENTS, (first, count, raw) -> dtype.decode(raw, sink, count));
        return values;
    }

    /**
     * The tensor {@code name} as a float32 array of its shape on {@code manager}'s device, in
     * libtorch-owned memory.
     *
     * <p>Why not {@code manager.create(float[], shape)}: that tensor stays backed by a Java
     * direct buffer, which counts against the JVM's direct-memory limit and is freed only by a
     * GC. Here the result is allocated by libtorch ({@code torch::empty}), and each decoded chunk
     * passes through one reused direct buffer, so a tensor costs its own size plus one chunk:
     * no heap copy, and no size limit from Java arrays.
     *
     * @throws UserInputException as {@link #readFloats}, except for the size limit
     */
    public NDArray toNDArray(String name, NDManager manager) {
        return toNDArray(name, manager, CHUNK_ELEMENTS);
    }

    /** {@link #toNDArray(String, NDManager)} with a given chunk size (tests use small ones). */
    NDArray toNDArray(String name, NDManager manager, int chunkElements) {
        TensorEntry entry = entry(name);
        StoredDtype dtype = decodable(entry);
        long count = entry.elementCount();
        NDArray flat = manager.create(new Shape(count), DataType.FLOAT32);
        NDArray shaped = null;
        try {
            int staged = (int) Math.min(count, chunkElements);
            ByteBuffer staging = ByteBuffer.allocateDirect(staged * Float.BYTES).order(ByteOrder.nativeOrder());
            readChunks(entry, dtype, chunkElements, (first, n, raw) -> {
                staging.clear();
                dtype.decode(raw, staging.asFloatBuffer(), n);
                staging.limit(n * Float.BYTES);
                // a view of the staging memory (no copy), copied into flat, then released
                try (NDArray part = manager.create(staging, new Shape(n), DataType.FLOAT32)) {
                    flat.set(new NDIndex().addSliceDim(first, first + n), part);
                }
            });
            shaped = flat.reshape(entry.shape());
            return shaped;
        } finally {
            if (shaped != flat) {
                flat.close(); // the reshaped view, if any, keeps the storage alive
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private StoredDtype decodable(TensorEntry entry) {
        return StoredDtype.named(entry.dtype()).filter(StoredDtype::decodable).orElseThrow(() ->
                new UserInputException(path + ": tensor " + entry.name() + " has dtype " + entry.dtype()
                        + ", which cannot be read as floats (readable: " + StoredDtype.DECODABLE + ")"));
    }

    /** Receives one chunk: elements {@code first .. first + count - 1}, raw and little-endian. */
    @FunctionalInterface
    private interface ChunkSink {
        void accept(long first, int count, ByteBuffer raw);
    }

    private void readChunks(TensorEntry entry, StoredDtype dtype, int chunkElements, ChunkSink sink) {
        long count = entry.elementCount();
        int perChunk = (int) Math.min(count, chunkElements);
        ByteBuffer raw = ByteBuffer.allocate(perChunk * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + entry.begin();
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(perChunk, count - done);
            raw.clear().limit(n * dtype.bytes());
            try {
                if (!readFully(channel, raw, position)) {
                    throw new UserInputException(path + ": truncated: tensor " + entry.name() + " ends at byte "
                            + (dataStart + entry.end()) + ", but the file now has " + channel.size() + " bytes");
                }
            } catch (IOException e) {
                throw new UserInputException(path + ": cannot read tensor " + entry.name()
                        + " (" + e.getMessage() + ")", e);
            }
            raw.flip();
            sink.accept(done, n, raw);
            position += (long) n * dtype.bytes();
            done += n;
        }
    }

    /** Fills {@code dst} from {@code position}; false when the file ends first. */
    private static boolean readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int read = channel.read(dst, position);
            if (read < 0) {
                return false;
            }
            position += read;
        }
        return true;
    }

    private static UserInputException truncatedWhileOpening(Path path) {
        return new UserInputException(path + ": truncated safetensors file: it shrank while being opened");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written, so nothing can be lost
        }
    }
}
