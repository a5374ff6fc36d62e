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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
     * Writes a file so that readers never see a partial one, and a crash never leaves none: to a hidden temporary
     * name first, then renamed over the old file ({@code FileContext} rename with {@code OVERWRITE}).
     */
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        Path target = new Path(path);
        FileSystem fs = fileSystem(path);
        Path tmp = new Path(target.getParent(), "._tmp_" + target.getName());
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        try {
            // Renamed over the old file in one step (atomic on HDFS and local files): never a moment without it.
            org.apache.hadoop.fs.FileContext.getFileContext(fs.getUri(), fs.getConf())
                    .rename(tmp, target, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
            return;
        } catch (UnsupportedOperationException e) {
            // A file system without an overwriting rename (some object stores): delete, then rename.
        }
        if (fs.exists(target) && !fs.delete(target, false)) {
            throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
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
