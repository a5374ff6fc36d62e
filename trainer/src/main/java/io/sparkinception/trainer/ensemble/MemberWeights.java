package io.sparkinception.trainer.ensemble;

import java.util.Collections;
import java.util.List;

/**
 * The members' weights in the ensemble's average, as {@code ensemble.json} records them ({@code weights}).
 * {@code uniform}: every member 1/N, nothing measured. {@code val-loss}: the weights {@link MixtureWeights} fitted
 * on the data's val split, with the validation log loss of the equal-weight average and of the weighted one.
 *
 * @param method             {@code uniform} or {@code val-loss} ({@link EnsembleConfig.Weighting#id()})
 * @param weights            one per member, in member order, summing to 1
 * @param modelFile          the member file scored for the fit ({@code inference-model.zip}); null for uniform
 * @param valExamples        validation examples scored (0 for uniform)
 * @param uniformValLogLoss  validation log loss of the equal-weight average (null for uniform)
 * @param weightedValLogLoss validation log loss with {@code weights} (null for uniform)
 * @param iterations         EM iterations of the fit (0 for uniform)
 * @param converged          whether the fit met its tolerance ({@link MixtureWeights#TOLERANCE}); true for uniform
 */
public record MemberWeights(String method, List<Double> weights, String modelFile, long valExamples,
                            Double uniformValLogLoss, Double weightedValLogLoss, int iterations, boolean converged) {

    public MemberWeights {
        weights = List.copyOf(weights);
    }

    /** Equal weights for {@code members} members. */
    public static MemberWeights uniform(int members) {
        return new MemberWeights(EnsembleConfig.Weighting.UNIFORM.id(), Collections.nCopies(members, 1.0 / members),
                null, 0, null, null, 0, true);
    }

    /** The weights of a {@link MixtureWeights} fit on {@code valExamples} examples scored from {@code modelFile}. */
    public static MemberWeights valLoss(MixtureWeights.Fit fit, String modelFile, long valExamples) {
        return new MemberWeights(EnsembleConfig.Weighting.VAL_LOSS.id(),
                java.util.Arrays.stream(fit.weights()).boxed().toList(), modelFile, valExamples, fit.uniformLogLoss(),
                fit.weightedLogLoss(), fit.iterations(), fit.converged());
    }

    /** The weights as an array, in member order. */
    public double[] array() {
        return weights.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
