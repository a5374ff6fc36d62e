package io.sparkinception.trainer.report;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * How numbers are written. CSV: the shortest decimal that reads back as the same double (no exponent), blank for
 * NaN. HTML: fractions as percentages with two decimals. JSON numbers are written by Jackson from the same doubles.
 */
public final class Formats {
    /** What HTML shows for a value that does not apply. */
    public static final String MISSING = "–";

    private Formats() {
    }

    /** A raw number for CSV: exact round trip, plain notation, "" for NaN. */
    public static String raw(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        String s = BigDecimal.valueOf(v).toPlainString();
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** A fraction as a percentage with two decimals ("12.34 %"). */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? MISSING : String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }

    /** A relative change as a signed percentage ("-25.00 %"). */
    public static String signedPercent(double fraction) {
        return Double.isNaN(fraction) ? MISSING : String.format(Locale.ROOT, "%+.2f %%", fraction * 100);
    }

    /** A plain number with {@code decimals} decimals. */
    public static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? MISSING : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A value of a free-form table (hyperparameters, summaries). */
    public static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) ? MISSING : raw(d);
        }
        return String.valueOf(v);
    }
}
