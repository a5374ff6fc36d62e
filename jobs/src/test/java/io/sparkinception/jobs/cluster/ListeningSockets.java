package io.sparkinception.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc}: the socket inodes among
 * {@code /proc/PID/fd}, matched with the LISTEN entries of {@code /proc/PID/net/tcp} and {@code tcp6}.
 */
public final class ListeningSockets {
    private ListeningSockets() {
    }

    /** One listening socket: its local address as /proc writes it (hex, as stored) and its port. */
    public record Listener(String hexAddress, int port) {
        /** 127.0.0.1, ::1 or ::ffff:127.0.0.1. */
        public boolean loopback() {
            return hexAddress.equals("0100007F")
                    || hexAddress.equals("00000000000000000000000001000000")
                    || hexAddress.equals("0000000000000000FFFF00000100007F");
        }
    }

    /** The sockets process {@code pid} listens on (empty when it is gone). */
    public static Set<Listener> of(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closed) {
                    // closed between the listing and readlink
                }
            }
            Set<Listener> out = new HashSet<>();
            for (String table : List.of("tcp", "tcp6")) {
                List<String> lines = Files.readAllLines(proc.resolve("net").resolve(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    String[] local = f[1].split(":");
                    if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
                        out.add(new Listener(local[0], Integer.parseInt(local[1], 16)));
                    }
                }
            }
            return out;
        } catch (java.nio.file.NoSuchFileException gone) {
            return Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc + " (this needs Linux)", e);
        }
    }
}
