package io.sparkinception.trainer.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory-mapped windows of this JVM's partition copies, least recently used first, at most {@code cap} bytes
 * mapped at a time (at least one window): mapping one more window unmaps the least recently used ones first, so
 * the pages of the data the JVM can hold resident stay under the cap; the rest stays in the OS page cache and on
 * local disk. Reads copy bytes out under this object's lock, so no buffer is unmapped while read.
 */
public final class MappedWindows {
    /** One window: bytes {@code [offset, offset + length)} of a file. */
    record Key(long fileId, long offset) {
    }

    private static final MappedWindows SHARED = new MappedWindows(256L << 20);
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object u = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Without it, dropped windows are unmapped when the garbage collector finds them (the cap then bounds
            // what is referenced, not what is mapped).
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
    }

    private final LinkedHashMap<Key, MappedByteBuffer> windows = new LinkedHashMap<>(16, 0.75f, true);
    private long cap;
    private long mapped;
    private long peak;

    public MappedWindows(long capBytes) {
        setCap(capBytes);
    }

    /** The windows of this JVM's partition copies. */
    public static MappedWindows shared() {
        return SHARED;
    }

    /** Sets the cap; windows beyond it are unmapped at the next mapping. */
    public synchronized void setCap(long capBytes) {
        if (capBytes < 1) {
            throw new IllegalArgumentException("data memory cap must be >= 1 byte, got " + capBytes);
        }
        cap = capBytes;
    }

    public synchronized long cap() {
        return cap;
    }

    /** Bytes mapped now. */
    public synchronized long mappedBytes() {
        return mapped;
    }

    /** The most bytes mapped at once since this pool was created. */
    public synchronized long peakMappedBytes() {
        return peak;
    }

    /**
     * Copies {@code dst.length} bytes at {@code position} of a file into {@code dst}, mapping the window
     * {@code [windowOffset, windowOffset + windowLength)} that contains them if it is not mapped.
     */
    public synchronized void read(long fileId, FileChannel channel, long windowOffset, int windowLength, long position,
                                  byte[] dst) {
        Key key = new Key(fileId, windowOffset);
        MappedByteBuffer w = windows.get(key);
        if (w == null) {
            evictUntilFree(windowLength);
            try {
                w = channel.map(FileChannel.MapMode.READ_ONLY, windowOffset, windowLength);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map " + windowLength + " bytes of a partition copy: " + e.getMessage(), e);
            }
            windows.put(key, w);
            mapped += windowLength;
            peak = Math.max(peak, mapped);
        }
        w.get((int) (position - windowOffset), dst, 0, dst.length);
    }

    /** Unmaps every window of a file (it is closed or rebuilt). */
    public synchronized void release(long fileId) {
        Iterator<Map.Entry<Key, MappedByteBuffer>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, MappedByteBuffer> e = it.next();
            if (e.getKey().fileId() == fileId) {
                it.remove();
                unmap(e.getValue());
            }
        }
    }

    private void evictUntilFree(long need) {
        Iterator<Map.Entry<Key, MappedByteBuffer>> it = windows.entrySet().iterator();
        while (mapped + need > cap && it.hasNext()) {
            MappedByteBuffer b = it.next().getValue();
            it.remove();
            unmap(b);
        }
    }

    private void unmap(MappedByteBuffer b) {
        mapped -= b.capacity();
        if (INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException e) {
                // left to the garbage collector
            }
        }
    }
}
