package io.sparkinception.common;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * File access through Hadoop's FileSystem, so every path may be {@code file://}, {@code hdfs://},
 * {@code s3a://} or a plain local path. Serializable: it carries the Hadoop configuration as a map of
 * strings and rebuilds it on executors.
 */
public final class HadoopFiles implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> settings;
    private transient Configuration conf;

    private HadoopFiles(Map<String, String> settings) {
        this.settings = settings;
    }

    /** Captures the given configuration (e.g. {@code sparkContext.hadoopConfiguration()}). */
    public static HadoopFiles of(Configuration conf) {
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            map.put(e.getKey(), e.getValue());
        }
        HadoopFiles files = new HadoopFiles(map);
        files.conf = conf;
        return files;
    }

    /** A default local configuration, for use without Spark. */
    public static HadoopFiles local() {
        return of(new Configuration());
    }

    public synchronized Configuration configuration() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            settings.forEach(c::set);
            conf = c;
        }
        return conf;
    }

    public FileSystem fileSystem(String path) {
        try {
            return new Path(path).getFileSystem(configuration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /** Resolves {@code relative} against {@code root}; absolute paths and URIs are returned unchanged. */
    public static String resolve(String root, String relative) {
        if (relative.startsWith("/") || relative.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return relative;
        }
        return root.endsWith("/") ? root + relative : root + "/" + relative;
    }

    /** The fully qualified form of a path ({@code file:/abs/path} for local paths). */
    public String qualify(String path) {
        FileSystem fs = fileSystem(path);
        return fs.makeQualified(new Path(path)).toString();
    }

    /** The fully qualified form of a directory path, without a trailing slash (so {@code dir + "/name"} works). */
    public String qualifyDir(String path) {
        String q = qualify(path);
        return q.endsWith("/") && q.length() > 1 ? q.substring(0, q.length() - 1) : q;
    }

    public boolean exists(String path) {
        try {
            return fileSystem(path).exists(new Path(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + path + ": " + e.getMessage(), e);
        }
    }

    public boolean isDirectory(String path) {
        try {
            return fileSystem(path).getFileStatus(new Path(path)).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads a whole file; throws {@link FileNotFoundException} when it does not exist. */
    public byte[] readBytes(String path) throws IOException {
        try (InputStream in = fileSystem(path).open(new Path(path))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /**
     * Reads at most {@code maxBytes} bytes of a file; more is a {@link TooLongException} (the size a file system
     * reports can be wrong: {@code /proc} files report 0).
     */
    public byte[] readBytes(String path, long maxBytes) throws IOException {
        try (InputStream in = fileSystem(path).open(new Path(path))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new TooLongException(path + " holds more than " + maxBytes + " bytes");
            }
            return bytes;
        }
    }

    /** A file is longer than a read allowed. */
    public static final class TooLongException extends IOException {
        public TooLongException(String message) {
            super(message);
        }
    }

    public String readText(String path) throws IOException {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    /** The names (not paths) of the files directly inside a directory whose names end with suffix, sorted. */
    public List<String> list(String dir, String suffix) throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus st : fileSystem(dir).listStatus(new Path(dir))) {
            String name = st.getPath().getName();
            if (st.isFile() && name.endsWith(suffix)) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Writes a file so that readers never see a partial one and there is never a moment without the file: the bytes
     * go to the hidden temporary {@code ._tmp_NAME} beside it, which {@link #replace} then renames over the old file.
     * On the local file system the temporary file is written without Hadoop's {@code .crc} (see {@link #replace}).
     */
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        Path target = new Path(path);
        Path tmp = new Path(target.getParent(), "._tmp_" + target.getName());
        FileSystem fs = fileSystem(path);
        try (OutputStream out = (localRaw(fs) != null ? localRaw(fs) : fs).create(tmp, true)) {
            out.write(bytes);
        }
        replace(tmp.toString(), path);
    }

    /**
     * Renames the file {@code source} over the file {@code target} in one step, so that a reader finds the old or the
     * new file at every moment, never none. On the local file system that is one POSIX {@code rename(2)}
     * ({@link StandardCopyOption#ATOMIC_MOVE}): Hadoop's own overwriting rename is not atomic there (its
     * {@code AbstractFileSystem#renameInternal} deletes the target, then renames). A stale {@code .crc} of the target is
     * deleted before the rename (the old file is then read unchecked, never against a checksum of other bytes) and
     * the source's after it. Other file systems: {@code FileContext} rename with {@code OVERWRITE} (atomic on HDFS);
     * where that is unsupported, delete then rename (object stores, which have no atomic rename anyway).
     */
    public void replace(String source, String target) throws IOException {
        Path src = new Path(source);
        Path dst = new Path(target);
        FileSystem fs = fileSystem(target);
        RawLocalFileSystem local = localRaw(fs);
        if (local != null) {
            local.delete(checksumFile(dst), false);
            Files.move(local.pathToFile(src).toPath(), local.pathToFile(dst).toPath(), StandardCopyOption.ATOMIC_MOVE);
            local.delete(checksumFile(src), false);
            return;
        }
        try {
            FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(src, dst, Options.Rename.OVERWRITE);
            return;
        } catch (UnsupportedOperationException e) {
            // A file system without an overwriting rename: delete, then rename.
        }
        if (fs.exists(dst) && !fs.delete(dst, false)) {
            throw new IOException("cannot replace " + dst);
        }
        if (!fs.rename(src, dst)) {
            throw new IOException("cannot rename " + src + " to " + dst);
        }
    }

    /** Hadoop's checksum file of a local file ({@code ChecksumFileSystem#getChecksumFile}'s name). */
    private static Path checksumFile(Path file) {
        return new Path(file.getParent(), "." + file.getName() + ".crc");
    }

    /** The raw local file system under {@code fs}, or null when {@code fs} is not the local one. */
    private static RawLocalFileSystem localRaw(FileSystem fs) {
        if (fs instanceof LocalFileSystem checksummed && checksummed.getRaw() instanceof RawLocalFileSystem raw) {
            return raw;
        }
        return fs instanceof RawLocalFileSystem raw ? raw : null;
    }

    public void writeAtomically(String path, String text) throws IOException {
        writeAtomically(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes a path recursively when it exists. */
    public void deleteRecursively(String path) throws IOException {
        FileSystem fs = fileSystem(path);
        Path p = new Path(path);
        if (fs.exists(p) && !fs.delete(p, true)) {
            throw new IOException("cannot delete " + path);
        }
    }

    public void mkdirs(String path) throws IOException {
        fileSystem(path).mkdirs(new Path(path));
    }
}
