package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.ImageDecoder;
import io.sparkinception.common.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way images are read, by {@code preprocess} and {@code predict}: confined to a root, bounded in bytes
 * and pixels. Before a byte is read, the path is normalized and must lie under the root on the root's file
 * system ({@code ..}, absolute paths elsewhere and other schemes are refused without touching them, so an
 * {@code http://} path never becomes a request); a local file's real path (symbolic links resolved) must lie
 * under the root's real path; the file must be a regular file (not a directory, device or FIFO) of at most
 * {@code maxFileBytes}; then the decoder checks {@code maxPixels} from the image header.
 *
 * <p>{@code allowOutsideRoot} lifts the root confinement (absolute paths, {@code ..}, links out), but never the
 * file-system one: a path on another file system (another scheme or host) is always refused. The other checks
 * always apply.
 *
 * @param root             the directory image paths must stay under (any Hadoop FS path)
 * @param allowOutsideRoot the user opted in to paths outside the root (same file system only)
 * @param maxFileBytes     files larger than this are refused before reading
 * @param maxPixels        images whose header declares more pixels are refused before decoding
 */
public record ImageSource(String root, boolean allowOutsideRoot, long maxFileBytes, long maxPixels)
        implements Serializable {
    /** Default limit on an image file's size: 256 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;

    public ImageSource {
        Objects.requireNonNull(root, "root");
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("max-file-bytes must be positive, got " + maxFileBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("max-pixels must be positive, got " + maxPixels);
        }
    }

    /** Confined to {@code root} with the default limits. */
    public static ImageSource under(String root) {
        return new ImageSource(root, false, DEFAULT_MAX_FILE_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** Why an image was not loaded: a skip reason and a one-line detail. */
    public static final class Refused extends Exception {
        private final SkipReason reason;

        public Refused(SkipReason reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        public SkipReason reason() {
            return reason;
        }
    }

    /** Reads and decodes one image, or says why not. */
    public FloatImage load(HadoopFiles files, String path) throws Refused {
        byte[] bytes = read(files, path);
        return decode(bytes, path);
    }

    /** Decodes bytes with the pixel limit. */
    public FloatImage decode(byte[] bytes, String path) throws Refused {
        try {
            return ImageDecoder.decodeRgb(bytes, maxPixels);
        } catch (ImageDecoder.TooLargeException e) {
            throw new Refused(SkipReason.IMAGE_TOO_LARGE, path + ": " + e.getMessage());
        } catch (ImageDecoder.DecodeException e) {
            throw new Refused(SkipReason.CORRUPT_IMAGE, path + ": " + e.getMessage());
        }
    }

    /** The bytes of one image file, after every check of the class comment. */
    public byte[] read(HadoopFiles files, String path) throws Refused {
        Path rootPath = qualified(files, new Path(root));
        Path file = resolve(files, rootPath, path);
        try {
            if ("file".equalsIgnoreCase(file.toUri().getScheme())) {
                LocalFile local = checkLocal(rootPath, file, path);
                checkLength(local.size(), path);
                return readLocal(local, path);
            }
            FileSystem fs = file.getFileSystem(files.configuration());
            checkLength(checkRemote(fs, rootPath, file, path), path);
            return files.readBytes(file.toString(), maxFileBytes);
        } catch (HadoopFiles.TooLongException e) {
            throw new Refused(SkipReason.FILE_TOO_LARGE, tooLarge(path, -1));
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new Refused(SkipReason.MISSING_FILE, "no such file: " + path);
        } catch (IOException | RuntimeException e) {
            throw new Refused(SkipReason.READ_ERROR, "cannot read " + path + ": " + ImageDecoder.describe(e));
        }
    }

    private void checkLength(long length, String path) throws Refused {
        if (length > maxFileBytes) {
            throw new Refused(SkipReason.FILE_TOO_LARGE, tooLarge(path, length));
        }
    }

    /**
     * A checked local file's bytes through the JDK: no Hadoop stream stack (and no {@code .crc} checksum file,
     * which image folders do not have). At most {@code maxFileBytes} are read, whatever size the file reported
     * ({@code /proc} files report 0).
     */
    private byte[] readLocal(LocalFile local, String path) throws IOException, Refused {
        LinkOption[] options = local.real() ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
        try (InputStream in = Files.newInputStream(local.path(), options)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFileBytes + 1));
            if (bytes.length > maxFileBytes) {
                throw new Refused(SkipReason.FILE_TOO_LARGE, tooLarge(path, -1));
            }
            return bytes;
        }
    }

    /**
     * A local file that passed the checks: the path to open, its size, and whether the path is its real path (when
     * confined: opened without following links; with allow-paths-outside-root links are followed as before).
     */
    private record LocalFile(java.nio.file.Path path, long size, boolean real) {
    }

    private String tooLarge(String path, long length) {
        return path + (length >= 0 ? " has " + length + " bytes" : " holds more bytes than it reported")
                + ", more than max-file-bytes " + maxFileBytes;
    }

    private static Path qualified(HadoopFiles files, Path p) {
        return p.toUri().getScheme() != null ? p : files.fileSystem(p.toString()).makeQualified(p);
    }

    /**
     * The path as the root's file system sees it, normalized, refused when it leaves the root (unless allowed)
     * or names another file system (always). Pure: no file system is contacted.
     */
    Path resolve(HadoopFiles files, Path rootPath, String path) throws Refused {
        Path p;
        try {
            p = new Path(path);
        } catch (IllegalArgumentException e) {
            throw new Refused(SkipReason.MALFORMED_RECORD, "not a valid path: '" + path + "' (" + e.getMessage() + ")");
        }
        URI u = p.toUri();
        URI r = rootPath.toUri();
        if (u.getScheme() == null) {
            // Relative paths were joined to the images root by the readers; a bare absolute path is on the root's file system.
            p = u.getPath().startsWith("/") ? new Path(r.getScheme(), r.getAuthority(), u.getPath()) : qualified(files, p);
            u = p.toUri();
        }
        if (!u.getScheme().equalsIgnoreCase(r.getScheme()) || !Objects.equals(lower(u.getAuthority()), lower(r.getAuthority()))) {
            throw new Refused(SkipReason.PATH_OUTSIDE_ROOT, path + " is on another file system than the images root "
                    + rootPath + "; image paths are never read from other file systems");
        }
        if (!allowOutsideRoot && !under(u.getPath(), r.getPath())) {
            throw new Refused(SkipReason.PATH_OUTSIDE_ROOT, path + " leaves the images root " + rootPath
                    + " (set allow-paths-outside-root to read it)");
        }
        return p;
    }

    private static String lower(String s) {
        return s == null || s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
    }

    /** Lexical containment of normalized absolute paths, by whole segments. */
    static boolean under(String path, String root) {
        String r = root.endsWith("/") ? root : root + "/";
        return !path.contains("/../") && !path.endsWith("/..") && (path.equals(root) || path.startsWith(r));
    }

    /**
     * A local file: symbolic links resolved, the real path must stay under the root's real path; that real path is
     * the one read (opened without following links), so a link swapped in after the check is not followed.
     */
    private LocalFile checkLocal(Path rootPath, Path file, String path) throws IOException, Refused {
        java.nio.file.Path local = java.nio.file.Path.of(file.toUri());
        BasicFileAttributes attrs = Files.readAttributes(local, BasicFileAttributes.class);
        java.nio.file.Path open = local;
        if (!allowOutsideRoot) {
            java.nio.file.Path real = local.toRealPath();
            open = real;
            java.nio.file.Path realRoot = java.nio.file.Path.of(rootPath.toUri()).toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new Refused(SkipReason.PATH_OUTSIDE_ROOT, path + " resolves to " + real
                        + " (through a symbolic link), outside the images root " + realRoot);
            }
        }
        if (!attrs.isRegularFile()) {
            throw new Refused(SkipReason.READ_ERROR, path + " is not a regular file (" + (attrs.isDirectory() ? "a directory"
                    : "a device, FIFO or socket") + ")");
        }
        return new LocalFile(open, attrs.size(), !allowOutsideRoot);
    }

    /** A file on another Hadoop file system (HDFS, S3): links resolved by the file system. */
    private long checkRemote(FileSystem fs, Path rootPath, Path file, String path) throws IOException, Refused {
        if (!allowOutsideRoot && fs.getFileLinkStatus(file).isSymlink()) {
            Path target = fs.resolvePath(file);
            if (!under(target.toUri().getPath(), rootPath.toUri().getPath())) {
                throw new Refused(SkipReason.PATH_OUTSIDE_ROOT, path + " resolves to " + target
                        + " (through a symbolic link), outside the images root " + rootPath);
            }
        }
        FileStatus st = fs.getFileStatus(file);
        if (!st.isFile()) {
            throw new Refused(SkipReason.READ_ERROR, path + " is not a regular file (" + (st.isDirectory() ? "a directory" : "not a file") + ")");
        }
        return st.getLen();
    }
}
