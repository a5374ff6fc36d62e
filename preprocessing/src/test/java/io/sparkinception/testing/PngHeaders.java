package io.sparkinception.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** PNG files written chunk by chunk: huge declared sizes in small files (decompression bombs), for tests. */
public final class PngHeaders {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngHeaders() {
    }

    /**
     * An 8-bit grayscale PNG of {@code width x height}. {@code complete}: every row present (all black but for one
     * white pixel; zeros compress about 1000:1, so 12000 x 12000 is a ~150 KB file), a valid PNG. Otherwise only
     * the header and the first row: a bomb's header that no decoder should get as far as reading.
     */
    public static byte[] grayPng(int width, int height, boolean complete) {
        try {
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
                byte[] row = new byte[width + 1];
                int rows = complete ? height : 1;
                for (int y = 0; y < rows; y++) {
                    row[1 + width / 2] = (byte) (y == height / 2 ? 255 : 0);
                    z.write(row);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(SIGNATURE);
            chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array());
            chunk(png, "IDAT", idat.toByteArray());
            chunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
