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
 * {@link io.sparkinception.trainer.inference.EvaluationResult}. The pure parts need no Spark;
 * {@link io.sparkinception.trainer.inference.DistributedScorer} runs them over a Spark dataset.
 */
package io.sparkinception.trainer.inference;
