package io.sparkinception.trainer.report;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.report.ReportInput.ConfusedPair;
import io.sparkinception.trainer.report.ReportInput.Crop;
import io.sparkinception.trainer.report.ReportInput.SampleStrip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the report directory ({@link ReportLayout}): the PNG charts and crops first, then the CSV tables,
 * {@code report.json} and last {@code report.html}, which embeds the same PNG bytes. Local file system only (the
 * driver writes the report).
 */
public final class ReportWriter {
    /** At most this many crops per class in {@code samples/class_<index>.png}; extra crops are ignored. */
    public static final int MAX_SAMPLES = 8;

    static {
        Headless.ensure();
    }

    private ReportWriter() {
    }

    /**
     * Renders {@code input} into {@code dir} (created if missing; files of an earlier report are overwritten).
     *
     * @return the report-relative paths written, in order
     */
    public static List<String> write(ReportInput input, Path dir) throws IOException {
        Map<String, byte[]> images = images(input);
        Map<String, byte[]> files = new LinkedHashMap<>(images);
        CsvTables.render(input).forEach((name, text) -> files.put(name, text.getBytes(StandardCharsets.UTF_8)));
        files.put(ReportLayout.JSON, Json.toJson(JsonReport.render(input)).getBytes(StandardCharsets.UTF_8));
        files.put(ReportLayout.HTML, HtmlReport.render(input, images).getBytes(StandardCharsets.UTF_8));
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, f.getValue());
            written.add(f.getKey());
        }
        return written;
    }

    /** Every PNG of the report by relative path: the charts with data, the example crops and the sample strips. */
    public static Map<String, byte[]> images(ReportInput in) {
        Map<String, byte[]> images = new LinkedHashMap<>();
        int classes = in.classNames().size();
        put(images, ReportLayout.RESULTS_PNG, Charts.results(ReportTables.results(in.results())));
        put(images, ReportLayout.PER_CLASS_PNG, Charts.perClassError(in.perClass(), in.classNames()));
        put(images, ReportLayout.CONFUSION_PNG, Charts.confusion(in.confusion(), classes));
        put(images, ReportLayout.LEARNING_CURVES_PNG, Charts.learningCurves(in.members()));
        put(images, ReportLayout.CALIBRATION_PNG, Charts.calibration(in.calibration(), in.calibrationError()));
        put(images, ReportLayout.ERROR_OVERLAP_PNG, Charts.errorOverlap(in.errorAgreement()));
        for (int rank = 0; rank < in.confusedPairs().size(); rank++) {
            ConfusedPair p = in.confusedPairs().get(rank);
            for (int j = 0; j < p.examples().size(); j++) {
                images.put(ReportLayout.example(rank, p, j), CropImages.png(CropImages.toImage(p.examples().get(j), in.pixels())));
            }
        }
        for (SampleStrip s : in.samples()) {
            List<BufferedImage> crops = new ArrayList<>();
            for (Crop c : s.crops().subList(0, Math.min(MAX_SAMPLES, s.crops().size()))) {
                crops.add(CropImages.toImage(c, in.pixels()));
            }
            if (!crops.isEmpty()) {
                images.put(ReportLayout.sample(s.classIndex()), CropImages.png(CropImages.strip(crops)));
            }
        }
        return images;
    }

    private static void put(Map<String, byte[]> images, String path, Optional<BufferedImage> chart) {
        chart.ifPresent(img -> images.put(path, CropImages.png(img)));
    }
}
