/**
 * The evaluation report: {@link io.sparkinception.trainer.report.ReportWriter} turns a plain
 * {@link io.sparkinception.trainer.report.ReportInput} into a directory with {@code report.html} (self-contained,
 * images embedded), {@code report.json}, CSV tables, PNG charts (XChart, rendered headless) and example crops.
 *
 * <p>The numbers are computed once ({@link io.sparkinception.trainer.report.ReportTables}); the JSON, CSV and HTML
 * renderers only format them, so the three always agree: raw fractions in JSON and CSV (Java's shortest exact
 * decimal form), percentages with two decimals in HTML.
 */
package io.sparkinception.trainer.report;
