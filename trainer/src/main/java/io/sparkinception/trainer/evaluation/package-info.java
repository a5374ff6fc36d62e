/**
 * The pure parts of evaluation, without Spark: test-time crops, combining probabilities, and metrics.
 *
 * <p>{@link io.sparkinception.trainer.evaluation.CropPolicy} turns a stored example into the crops of the GoogLeNet
 * paper's policies {@code 1}, {@code 10} and {@code 144} (from the stored image, at the paper's scales relative to
 * the input size), each with its {@link io.sparkinception.trainer.evaluation.CropWindow geometry} and weight;
 * {@link io.sparkinception.trainer.evaluation.Combiner} averages the softmax probabilities over crops (or takes
 * their maximum) and over members; {@link io.sparkinception.trainer.evaluation.MetricsAccumulator} sums the
 * metrics of examples with {@code add} and {@code merge} (executors, then the driver in partition order) into an
 * {@link io.sparkinception.trainer.evaluation.EvaluationResult}: top-1/top-5 error, per-class errors, confusion
 * matrix, log loss, expected calibration error with its reliability curve, and the most confused pairs.
 */
package io.sparkinception.trainer.evaluation;
