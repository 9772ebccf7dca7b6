package org.dpo4j.trainer.data.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.schema.MessageType;
import org.dpo4j.trainer.common.UserInputException;

/**
 * Reads a Parquet file, one record per row (converted by {@link ParquetJson}), as
 * {@code file:row N} counted from 1 across all row groups. Pages may be uncompressed or
 * compressed with snappy, gzip, zstd or lz4_raw (what pandas and pyarrow write). A string that is
 * not UTF-8 makes its row a {@link BadRecord}; a file that is not Parquet, truncated, corrupt or
 * compressed otherwise is a one-line {@link UserInputException}.
 */
final class ParquetRecordReader implements RecordReader {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);
    /** The magic at both ends and the footer length. */
    private static final int MIN_SIZE = 2 * MAGIC.length + Integer.BYTES;
    private static final Set<CompressionCodecName> CODECS = EnumSet.of(CompressionCodecName.UNCOMPRESSED,
            CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.ZSTD,
            CompressionCodecName.LZ4_RAW);

    @Override
    public ReadResult read(Path file) {
        long size = SourceFiles.requireReadable(file);
        if (size == 0) {
            throw SourceFiles.empty(file);
        }
        checkMagic(file, size);
        try (ParquetFileReader reader = open(file)) {
            // A plaintext footer can hide encrypted columns; the magic check only sees encrypted footers.
            if (reader.getFooter().getFileMetaData().getEncryptionType() != FileMetaData.EncryptionType.UNENCRYPTED) {
                throw encrypted(file);
            }
            requireKnownCodecs(file, reader.getFooter().getBlocks());
            if (reader.getRecordCount() == 0) {
                throw new UserInputException(file + ": no records (the Parquet file has 0 rows)");
            }
            return rows(file, reader);
        } catch (IOException e) {
            throw SourceFiles.cannotRead(file, e);
        }
    }

    private static ReadResult rows(Path file, ParquetFileReader reader) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        MessageColumnIO columns = new ColumnIOFactory().getColumnIO(schema);
        List<SourceRecord> records = new ArrayList<>();
        List<BadRecord> bad = new ArrayList<>();
        long row = 0;
        for (int rowGroup = 1; ; rowGroup++) {
            PageReadStore pages = readRowGroup(file, reader, rowGroup);
            if (pages == null) {
                break;
            }
            var rowReader = columns.getRecordReader(pages, new GroupRecordConverter(schema));
            for (long i = 0; i < pages.getRowCount(); i++) {
                String where = file + ":row " + ++row;
                Group group;
                try {
                    group = rowReader.read();
                } catch (RuntimeException e) {
                    // parquet-java reports corrupt pages with assorted unchecked exceptions.
                    throw corrupt(where, e);
                }
                try {
                    records.add(new SourceRecord(where, ParquetJson.row(group)));
                } catch (ParquetJson.InvalidStringException e) {
                    bad.add(new BadRecord(where, BadRecord.Reason.INVALID_UTF8, e.getMessage()));
                }
            }
        }
        return new ReadResult(List.copyOf(records), List.copyOf(bad));
    }

    private static PageReadStore readRowGroup(Path file, ParquetFileReader reader, int rowGroup) {
        try {
            return reader.readNextRowGroup();
        } catch (IOException | RuntimeException e) {
            throw corrupt(file + " (row group " + rowGroup + ")", e);
        }
    }

    private static ParquetFileReader open(Path file) {
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new GzipCodecFactory())
                .build();
        try {
            return ParquetFileReader.open(new LocalInputFile(file), options);
        } catch (IOException | RuntimeException e) {
            throw new UserInputException(SourceFiles.oneLine(file + ": not a readable Parquet file (the footer is corrupt: "
                    + e.getMessage() + ")"), e);
        }
    }

    /**
     * Checks the "PAR1" at both ends before parquet-java sees the file: its own errors for a
     * text file or a cut-off download are less clear.
     */
    private static void checkMagic(Path file, long size) {
        byte[] head = new byte[MAGIC.length];
        byte[] tail = new byte[MAGIC.length];
        try (FileChannel channel = FileChannel.open(file)) {
            channel.read(ByteBuffer.wrap(head), 0);
            channel.read(ByteBuffer.wrap(tail), Math.max(size - MAGIC.length, 0));
        } catch (IOException e) {
            throw SourceFiles.cannotRead(file, e);
        }
        if (Arrays.equals(head, ENCRYPTED_MAGIC) || Arrays.equals(tail, ENCRYPTED_MAGIC)) {
            throw encrypted(file);
        }
        if (!Arrays.equals(head, MAGIC)) {
            throw new UserInputException(file + ": not a Parquet file (it does not start with the Parquet magic bytes PAR1)");
        }
        if (size < MIN_SIZE || !Arrays.equals(tail, MAGIC)) {
            throw new UserInputException(file + ": truncated Parquet file (it starts with PAR1 but does not end with it;"
                    + " was it copied completely?)");
        }
    }

    private static void requireKnownCodecs(Path file, List<BlockMetaData> rowGroups) {
        for (BlockMetaData rowGroup : rowGroups) {
            for (ColumnChunkMetaData column : rowGroup.getColumns()) {
                if (!CODECS.contains(column.getCodec())) {
                    throw new UserInputException(file + ": column '" + column.getPath().toDotString()
                            + "' is compressed with " + column.getCodec().name().toLowerCase(Locale.ROOT)
                            + ", which is not supported (supported: " + CODECS.stream()
                                    .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                            + ")");
                }
            }
        }
    }

    private static UserInputException encrypted(Path file) {
        return new UserInputException(file + ": encrypted Parquet files are not supported");
    }

    private static UserInputException corrupt(String where, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UserInputException(SourceFiles.oneLine(where + ": corrupt Parquet data (" + why + ")"), e);
    }
}
