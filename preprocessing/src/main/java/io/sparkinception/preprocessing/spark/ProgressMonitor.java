package io.sparkinception.preprocessing.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints a progress line every few seconds on a daemon thread: done/total, rate and ETA. Start it around a
 * long Spark action; {@link #close()} prints a final line and stops it.
 */
public final class ProgressMonitor implements AutoCloseable {
    private final String label;
    private final String unit;
    private final long total;
    private final LongSupplier done;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    public ProgressMonitor(String label, String unit, long total, LongSupplier done, int intervalSeconds, PrintStream out) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.done = done;
        this.out = out;
        this.thread = new Thread(() -> loop(intervalSeconds * 1000L), label + "-progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop(long intervalMillis) {
        while (running) {
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                out.println(line(done.getAsLong()));
            }
        }
    }

    /** The progress line for {@code n} units done. */
    public String line(long n) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? n / seconds : 0;
        String eta = rate > 0 && n < total ? formatDuration((total - n) / rate) : "-";
        double pct = total > 0 ? 100.0 * n / total : 100;
        return String.format(Locale.ROOT, "%s: %d/%d %s (%.1f%%), %.1f %s/s, elapsed %s, ETA %s",
                label, n, total, unit, pct, rate, unit, formatDuration(seconds), eta);
    }

    public static String formatDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        out.println(line(done.getAsLong()));
    }
}
