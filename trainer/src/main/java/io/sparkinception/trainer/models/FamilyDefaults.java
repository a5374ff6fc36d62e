package io.sparkinception.trainer.models;

/**
 * What {@link ModelSpec#defaults(ModelFamily, int)} fills in for a family.
 *
 * @param inputSize        the paper's input size (square)
 * @param minimumInputSize the smallest square input the graph builds at, every option on
 * @param recipe           the paper's training recipe
 * @param dropout          drop probability before the main classifier (the papers' convention, not DL4J's retain
 *                         probability)
 * @param auxDropout       drop probability before each auxiliary classifier
 * @param auxLossWeight    the factor on each auxiliary loss
 */
public record FamilyDefaults(int inputSize, int minimumInputSize, TrainingRecipe recipe, double dropout,
                             double auxDropout, double auxLossWeight) {
}
