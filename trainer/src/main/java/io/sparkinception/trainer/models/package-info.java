/**
 * The Inception model zoo as DL4J {@link org.deeplearning4j.nn.graph.ComputationGraph}s: GoogLeNet (with its two
 * auxiliary classifiers), BN-Inception, Inception v3, Inception-v4 and Inception-ResNet-v2.
 *
 * <p>Entry points: {@link io.sparkinception.trainer.models.ModelFamily} (the registry),
 * {@link io.sparkinception.trainer.models.ModelSpec} (every knob, validated), {@link io.sparkinception.trainer.models.InceptionZoo}
 * (spec to configuration or initialized graph), {@link io.sparkinception.trainer.models.InferenceExport} (drops the
 * auxiliary heads) and {@link io.sparkinception.trainer.models.ModelReports} (what the {@code models} subcommand prints).
 *
 * <p>Vertex names follow TF-slim ({@code Conv2d_1a_7x7}, {@code Mixed_4b/Branch_1/Conv2d_0b_3x3}, {@code Logits});
 * they are built by {@code Names} only, and the last vertex of every block carries the block's name.
 */
package io.sparkinception.trainer.models;
