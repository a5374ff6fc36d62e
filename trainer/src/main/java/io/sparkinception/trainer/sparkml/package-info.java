/**
 * The Spark ML API: {@link io.sparkinception.trainer.sparkml.InceptionClassifier} (an {@code Estimator} that runs the
 * project's distributed trainer on a DataFrame of preprocessed rows) and
 * {@link io.sparkinception.trainer.sparkml.InceptionClassificationModel} (the {@code Model} that scores such rows),
 * both with ML persistence.
 */
package io.sparkinception.trainer.sparkml;
