/**
 * Distributed training by synchronous parameter averaging over Spark: the driver-side
 * {@link io.sparkinception.trainer.training.ParameterAveragingMaster} (broadcast, run a round, tree-aggregate,
 * divide), the executor-side {@link io.sparkinception.trainer.training.PartitionTrainer} and the pure
 * {@link io.sparkinception.trainer.training.Aggregate}; the run around them
 * ({@link io.sparkinception.trainer.training.DistributedTrainer}), checkpoints, divergence handling and the data path.
 */
package io.sparkinception.trainer.training;
