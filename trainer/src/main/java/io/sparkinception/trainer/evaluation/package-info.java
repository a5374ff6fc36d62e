/**
 * The {@code evaluate} command: which models to score ({@link io.sparkinception.trainer.evaluation.ModelSet}), its
 * settings ({@link io.sparkinception.trainer.evaluation.EvaluateConfig}), the Spark run that scores them through
 * {@link io.sparkinception.trainer.inference} and the report input built from the result.
 */
package io.sparkinception.trainer.evaluation;
