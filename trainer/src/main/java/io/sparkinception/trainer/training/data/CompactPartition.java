package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.PixelStorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compact copy of one partition in a local file, read through {@link MappedWindows}. Little-endian layout:
 * <pre>
 *   header  32 bytes: magic "SICP", version 1, storage (PixelStorage ordinal), channels, size, count (int32 each), index offset (int64)
 *   records count x bytesPerExample: the stored pixels, in the order the partition's iterator gave them
 *   index   count x (seq int64, label int32, record int32), ascending seq
 * </pre>
 * The file is written once to a temporary name and renamed, so a file under its final name is complete. Only
 * the index (16 bytes per example) is held on the heap.
 */
public final class CompactPartition implements PartitionExamples, AutoCloseable {
    static final int MAGIC = 0x50434953; // "SICP" read little-endian
    static final int VERSION = 1;
    static final int HEADER = 32;
    static final int INDEX_ENTRY = 16;
    /** Largest window mapped at once (a quarter of the cap when that is smaller). */
    static final long MAX_WINDOW = 64L << 20;
    private static final AtomicLong IDS = new AtomicLong();

    private final Path file;
    private final PixelLayout layout;
    private final MappedWindows windows;
    private final FileChannel channel;
    private final long id = IDS.incrementAndGet();
    private final long[] seqs;
    private final int[] labels;
    private final int[] records;
    private final int windowRecords;

    private CompactPartition(Path file, PixelLayout layout, MappedWindows windows, FileChannel channel, long[] seqs,
                             int[] labels, int[] records) {
        this.file = file;
        this.layout = layout;
        this.windows = windows;
        this.channel = channel;
        this.seqs = seqs;
        this.labels = labels;
        this.records = records;
        long bpe = layout.bytesPerExample();
        this.windowRecords = (int) Math.max(1, Math.min(MAX_WINDOW, windows.cap() / 4) / bpe);
    }

    /**
     * Writes the examples of {@code source} to {@code target} (via a temporary file in the same directory).
     *
     * @return the number of examples written
     */
    public static int write(Path target, PixelLayout layout, Iterator<StoredExample> source) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        int bpe = layout.bytesPerExample();
        long[] seqs = new long[1024];
        int[] labels = new int[1024];
        int n = 0;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.position(HEADER);
            while (source.hasNext()) {
                StoredExample e = source.next();
                if (e.pixels().length != bpe) {
                    throw new IllegalStateException("example " + e.seq() + " has " + e.pixels().length + " stored bytes,"
                            + " expected " + bpe + " (" + layout.storage() + " " + layout.channels() + "x" + layout.size()
                            + "x" + layout.size() + ")");
                }
                if (n == seqs.length) {
                    seqs = Arrays.copyOf(seqs, 2 * n);
                    labels = Arrays.copyOf(labels, 2 * n);
                }
                seqs[n] = e.seq();
                labels[n] = e.label();
                n++;
                writeFully(ch, ByteBuffer.wrap(e.pixels()));
            }
            long indexOffset = HEADER + (long) n * bpe;
            writeFully(ch, index(seqs, labels, n));
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(MAGIC).putInt(VERSION).putInt(layout.storage().ordinal()).putInt(layout.channels())
                    .putInt(layout.size()).putInt(n).putLong(indexOffset).flip();
            ch.position(0);
            writeFully(ch, h);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write the partition copy " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot rename " + tmp + " to " + target + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Opens a complete copy written by {@link #write}; its header must match {@code layout}. */
    public static CompactPartition open(Path file, PixelLayout layout, MappedWindows windows) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer h = readFully(ch, 0, HEADER);
            int magic = h.getInt();
            int version = h.getInt();
            int encoding = h.getInt();
            int channels = h.getInt();
            int size = h.getInt();
            int n = h.getInt();
            long indexOffset = h.getLong();
            if (magic != MAGIC || version != VERSION) {
                throw new IllegalStateException(file + " is not a partition copy of version " + VERSION);
            }
            if (encoding != layout.storage().ordinal() || channels != layout.channels() || size != layout.size()) {
                throw new IllegalStateException(file + " holds " + PixelStorage.values()[encoding] + " " + channels + "x"
                        + size + "x" + size + ", expected " + layout.storage() + " " + layout.channels() + "x"
                        + layout.size() + "x" + layout.size());
            }
            if (indexOffset != HEADER + (long) n * layout.bytesPerExample()
                    || ch.size() != indexOffset + (long) n * INDEX_ENTRY) {
                throw new IllegalStateException(file + " is truncated: " + ch.size() + " bytes for " + n + " examples");
            }
            ByteBuffer idx = readFully(ch, indexOffset, n * INDEX_ENTRY);
            long[] seqs = new long[n];
            int[] labels = new int[n];
            int[] records = new int[n];
            for (int i = 0; i < n; i++) {
                seqs[i] = idx.getLong();
                labels[i] = idx.getInt();
                records[i] = idx.getInt();
            }
            return new CompactPartition(file, layout, windows, ch, seqs, labels, records);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot open the partition copy " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public int size() {
        return seqs.length;
    }

    @Override
    public long seq(int i) {
        return seqs[i];
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    /** The stored bytes of the i-th example (in seq order). */
    public byte[] storedBytes(int i) {
        int r = records[i];
        int bpe = layout.bytesPerExample();
        int window = r / windowRecords;
        int first = window * windowRecords;
        int inWindow = Math.min(windowRecords, seqs.length - first);
        byte[] dst = new byte[bpe];
        windows.read(id, channel, HEADER + (long) first * bpe, inWindow * bpe, HEADER + (long) r * bpe, dst);
        return dst;
    }

    @Override
    public float[] pixels(int i) {
        return layout.decode(storedBytes(i), 0);
    }

    /** Unmaps its windows and closes the file (which stays on disk). */
    @Override
    public void close() {
        windows.release(id);
        closeQuietly(channel);
    }

    /** The index in ascending seq order (records numbered in file order). */
    private static ByteBuffer index(long[] seqs, int[] labels, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(seqs[a], seqs[b]));
        ByteBuffer b = ByteBuffer.allocate(n * INDEX_ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        for (int r : order) {
            b.putLong(seqs[r]).putInt(labels[r]).putInt(r);
        }
        return b.flip();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + b.position()));
            }
        }
        return b.flip();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file in a local dir Spark deletes with the application
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }
}
