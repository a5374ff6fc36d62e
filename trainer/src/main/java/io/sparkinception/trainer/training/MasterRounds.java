package io.sparkinception.trainer.training;

import java.util.Locale;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The loop's rounds in a real run: one {@link ParameterAveragingMaster} round over the loaded training data. The
 * workers' graph carries the learning rate, so after the {@link DivergenceGuard} halved it the master is rebuilt.
 */
final class MasterRounds implements TrainingLoop.RoundRunner {
    private final JavaSparkContext jsc;
    private final ComputationGraph graph;
    private final JavaRDD<Example> train;
    private final String datasetId;
    private final RoundPlan plan;
    private final DivergenceGuard guard;
    private final IntFunction<ParameterAveragingMaster> masterFor;
    private ParameterAveragingMaster master;
    private int builtFor = -1;

    /** @param masterFor the master for a number of learning-rate halvings */
    MasterRounds(JavaSparkContext jsc, ComputationGraph graph, JavaRDD<Example> train, String datasetId, RoundPlan plan,
                 DivergenceGuard guard, IntFunction<ParameterAveragingMaster> masterFor) {
        this.jsc = jsc;
        this.graph = graph;
        this.train = train;
        this.datasetId = datasetId;
        this.plan = plan;
        this.guard = guard;
        this.masterFor = masterFor;
    }

    @Override
    public ParameterAveragingMaster.RoundResult run(RoundState before) {
        if (builtFor != guard.halvings()) {
            builtFor = guard.halvings();
            master = masterFor.apply(builtFor);
        }
        jsc.setJobDescription(String.format(Locale.ROOT, "train round %d/%d (epoch %d)", before.round() + 1,
                plan.totalRounds(), before.epoch() + 1));
        return master.round(graph, train, datasetId, before);
    }
}
