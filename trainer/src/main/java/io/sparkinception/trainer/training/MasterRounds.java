package io.sparkinception.trainer.training;

import io.sparkinception.trainer.models.ScheduleWarp;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The loop's rounds in a real run: one {@link ParameterAveragingMaster} round over the loaded training data. The
 * workers' graph carries the learning-rate schedule, so the master is rebuilt when the schedule changes: after the
 * {@link DivergenceGuard} halved the rate, when a time budget fixed the schedule's length, and at each of its
 * re-plans. The parameters and updater state travel in every round's broadcast, so a rebuilt master loses neither.
 */
final class MasterRounds implements TrainingLoop.RoundRunner {

    /**
     * What the workers' graph is built for: the learning-rate halvings so far, the epochs the schedule is laid out
     * over, and the time budget's re-plans that stretched it since.
     */
    record Schedule(int halvings, double epochs, List<ScheduleWarp.Replan> replans) {
        Schedule {
            replans = List.copyOf(replans);
        }

        /** A schedule that was never re-planned. */
        Schedule(int halvings, double epochs) {
            this(halvings, epochs, List.of());
        }
    }

    private final JavaSparkContext jsc;
    private final ComputationGraph graph;
    private final JavaRDD<Example> train;
    private final String datasetId;
    private final Supplier<RoundPlan> plan;
    private final Supplier<Schedule> schedule;
    private final Function<Schedule, ParameterAveragingMaster> masterFor;
    private ParameterAveragingMaster master;
    private Schedule builtFor;

    /**
     * @param schedule  the schedule the next round trains with
     * @param masterFor the master for a schedule
     */
    MasterRounds(JavaSparkContext jsc, ComputationGraph graph, JavaRDD<Example> train, String datasetId,
                 Supplier<RoundPlan> plan, Supplier<Schedule> schedule,
                 Function<Schedule, ParameterAveragingMaster> masterFor) {
        this.jsc = jsc;
        this.graph = graph;
        this.train = train;
        this.datasetId = datasetId;
        this.plan = plan;
        this.schedule = schedule;
        this.masterFor = masterFor;
    }

    @Override
    public ParameterAveragingMaster.RoundResult run(RoundState before) {
        Schedule now = schedule.get();
        if (!now.equals(builtFor)) {
            builtFor = now;
            master = masterFor.apply(now);
        }
        jsc.setJobDescription(String.format(Locale.ROOT, "train round %d/%d (epoch %d)", before.round() + 1,
                plan.get().totalRounds(), before.epoch() + 1));
        return master.round(graph, train, datasetId, before);
    }
}
