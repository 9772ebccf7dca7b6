package org.dpo4j.trainer.data.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's codecs, with GZIP done by the JDK. parquet-java finds its GZIP codec in Hadoop
 * ({@code org.apache.hadoop.io.compress.GzipCodec}), which is not on the class path; snappy, zstd
 * and lz4_raw come with parquet-java and are delegated to it. A GZIP page is a gzip stream
 * (RFC 1952), possibly several concatenated members, which {@link GZIPInputStream} reads.
 */
final class GzipCodecFactory implements CompressionCodecFactory {

    /** Only sizes the delegate's first compression buffer; reading never uses it. */
    private static final int PAGE_SIZE = 1 << 20;

    private final CompressionCodecFactory parquetCodecs = new CodecFactory(new PlainParquetConfiguration(), PAGE_SIZE);

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return codec == CompressionCodecName.GZIP ? new GzipCompressor() : parquetCodecs.getCompressor(codec);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return codec == CompressionCodecName.GZIP ? new GzipDecompressor() : parquetCodecs.getDecompressor(codec);
    }

    @Override
    public void release() {
        parquetCodecs.release();
    }

    private static final class GzipDecompressor implements BytesInputDecompressor {

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            return BytesInput.from(gunzip(bytes.toInputStream(), decompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                throws IOException {
            byte[] compressed = new byte[compressedSize];
            input.get(compressed);
            output.put(gunzip(new ByteArrayInputStream(compressed), decompressedSize));
        }

        private static byte[] gunzip(InputStream compressed, int decompressedSize) throws IOException {
            // An empty page is stored as zero bytes, which is not a gzip stream.
            if (decompressedSize == 0) {
                return new byte[0];
            }
            try (InputStream in = new GZIPInputStream(compressed)) {
                byte[] out = in.readNBytes(decompressedSize);
                if (out.length != decompressedSize) {
                    throw new IOException("a GZIP page holds " + out.length + " bytes, its header says " + decompressedSize);
                }
                return out;
            }
        }

        @Override
        public void release() {}
    }

    private static final class GzipCompressor implements BytesInputCompressor {

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                bytes.writeAllTo(gzip);
            }
            return BytesInput.from(out.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {}
    }
}
