/**
 * Inference, shared by training-time validation, {@code evaluate}, {@code predict} and the Spark ML model.
 *
 * <p>{@link io.sparkinception.trainer.inference.CropPolicy} turns a stored example into the crops of the GoogLeNet
 * paper's policies {@code 1}, {@code 10} and {@code 144}, each with its
 * {@link io.sparkinception.trainer.inference.CropWindow geometry} and weight;
 * {@link io.sparkinception.trainer.inference.Combiner} averages the softmax probabilities over crops (or takes their
 * maximum) and over members; {@link io.sparkinception.trainer.inference.ExampleScore} is the one definition of
 * top-1/top-k/log loss; {@link io.sparkinception.trainer.inference.MetricsAccumulator} sums example scores with
 * {@code add} and {@code merge} (executors, then the driver in partition order) into an
 * {@link io.sparkinception.trainer.inference.EvaluationResult}. The pure parts need no Spark.
 *
 * <p>The one inference path: {@link io.sparkinception.trainer.inference.NetworkCache} keeps each executor JVM's
 * networks (keyed by the model's SHA-256 and the kernels, bounded), and
 * {@link io.sparkinception.trainer.inference.BatchScorer} scores examples' crops x members in batches, configured by
 * {@link io.sparkinception.trainer.inference.ScorerSettings}. Validation ({@code training.Validator}),
 * {@link io.sparkinception.trainer.inference.DistributedScorer} ({@code evaluate}), {@code predict} and the Spark ML
 * model call them.
 */
package io.sparkinception.trainer.inference;
