package io.sparkinception.trainer.predict;

import io.sparkinception.common.CsvTable;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.SkippedCsv;
import io.sparkinception.preprocessing.image.Box;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output tables of {@code predict}: the Parquet schema and rows (snake_case columns, the top classes as
 * arrays), the flat CSV line of a prediction, and {@code skipped.csv}. Pure renderers of {@link PredictOutcome}s;
 * class indices become the model's class labels and names.
 *
 * @param classes   the model's classes (index to label and name)
 * @param annotated whether the input is an annotation source: then the {@code label} and {@code correct}
 *                  columns are present (null for a record without a label)
 */
public record PredictTable(List<ClassInfo> classes, boolean annotated) implements Serializable {
    public static final String PATH = "path";
    public static final String XMIN = "xmin";
    public static final String YMIN = "ymin";
    public static final String XMAX = "xmax";
    public static final String YMAX = "ymax";
    public static final String TOP5_LABELS = "top5_labels";
    public static final String TOP5_NAMES = "top5_names";
    public static final String TOP5_PROBABILITIES = "top5_probabilities";
    public static final String LABEL = "label";
    public static final String CORRECT = "correct";

    public PredictTable {
        classes = List.copyOf(classes);
    }

    public StructType schema() {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField(PATH, DataTypes.StringType, false),
                DataTypes.createStructField(XMIN, DataTypes.IntegerType, false),
                DataTypes.createStructField(YMIN, DataTypes.IntegerType, false),
                DataTypes.createStructField(XMAX, DataTypes.IntegerType, false),
                DataTypes.createStructField(YMAX, DataTypes.IntegerType, false),
                DataTypes.createStructField(TOP5_LABELS, DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField(TOP5_NAMES, DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField(TOP5_PROBABILITIES, DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
        if (annotated) {
            f.add(DataTypes.createStructField(LABEL, DataTypes.StringType, true));
            f.add(DataTypes.createStructField(CORRECT, DataTypes.BooleanType, true));
        }
        return new StructType(f.toArray(new StructField[0]));
    }

    /** The class label of an index (as annotations write it). */
    public String label(int index) {
        return classes.get(index).label();
    }

    /** The human-readable name of an index (the label when the class has no name). */
    public String name(int index) {
        String n = classes.get(index).name();
        return n == null || n.isBlank() ? classes.get(index).label() : n;
    }

    /** Whether the top class is the annotation's label; null when the record has no label. */
    public Boolean correct(PredictOutcome.Predicted p) {
        return p.label() == null ? null : p.label().equals(label(p.top()[0]));
    }

    public Row toRow(PredictOutcome o) {
        PredictOutcome.Predicted p = o.prediction();
        Box b = p.box();
        int n = p.top().length;
        String[] labels = new String[n];
        String[] names = new String[n];
        for (int k = 0; k < n; k++) {
            labels[k] = label(p.top()[k]);
            names[k] = name(p.top()[k]);
        }
        double[] probs = p.probability().clone();
        Object[] values = annotated
                ? new Object[] {o.path(), b.x1(), b.y1(), b.x2(), b.y2(), labels, names, probs, p.label(), correct(p)}
                : new Object[] {o.path(), b.x1(), b.y1(), b.x2(), b.y2(), labels, names, probs};
        return RowFactory.create(values);
    }

    /** {@code path,xmin,ymin,xmax,ymax,label1,name1,prob1,...,label5,name5,prob5[,true_label,correct]}. */
    public String csvHeader() {
        List<String> h = new ArrayList<>(List.of("path", "xmin", "ymin", "xmax", "ymax"));
        for (int k = 1; k <= PartitionPredictor.TOP; k++) {
            h.addAll(List.of("label" + k, "name" + k, "prob" + k));
        }
        if (annotated) {
            h.addAll(List.of("true_label", "correct"));
        }
        return CsvTable.line(h);
    }

    /** One CSV line; fewer than five classes leave the trailing cells empty; probabilities with 6 decimals. */
    public String csvLine(PredictOutcome o) {
        PredictOutcome.Predicted p = o.prediction();
        Box b = p.box();
        List<Object> cells = new ArrayList<>(List.of(o.path(), b.x1(), b.y1(), b.x2(), b.y2()));
        for (int k = 0; k < PartitionPredictor.TOP; k++) {
            if (k < p.top().length) {
                cells.addAll(List.of(label(p.top()[k]), name(p.top()[k]),
                        String.format(Locale.ROOT, "%.6f", p.probability()[k])));
            } else {
                cells.addAll(List.of("", "", ""));
            }
        }
        if (annotated) {
            cells.add(p.label());
            cells.add(correct(p));
        }
        return CsvTable.line(cells);
    }

    /** {@code skipped.csv} ({@link SkippedCsv}): every record that was not scored, with its reason. */
    public static String skippedCsv(List<PredictOutcome> skipped) {
        return SkippedCsv.render(skipped.stream().map(o -> new SkippedCsv.Row(o.path(), o.skipped())).toList());
    }
}
