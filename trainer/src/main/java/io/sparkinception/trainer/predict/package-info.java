/**
 * The {@code predict} subcommand: scores annotated boxes or whole images with a model or an ensemble, without
 * needing labels. {@link io.sparkinception.trainer.predict.Prediction#run} is the entry point; the images are
 * prepared with the preprocessing spec recorded beside the model ({@link io.sparkinception.trainer.predict.CropPreparer})
 * and scored on the executors ({@link io.sparkinception.trainer.predict.PartitionPredictor}).
 */
package io.sparkinception.trainer.predict;
