package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/** A trained zoo model saved with DL4J's ModelSerializer (updater included) comes back identical. */
class SerializationRoundTripTest {

    @Test
    void restoredModelHasTheSameConfigurationParametersUpdaterStateAndOutputs(@TempDir Path dir) throws Exception {
        // RMSProp recipe: label smoothing, gradient clipping and the weighted auxiliary losses all go through JSON.
        ModelSpec spec = ZooTestSupport.tiny(ModelFamily.GOOGLENET).withInputSize(40).withRecipe(TrainingRecipe.RMSPROP)
                .withDropout(0, 0);
        ComputationGraph trained = InceptionZoo.build(spec);
        INDArray x = ZooTestSupport.images(5, 4, 40, 3, DataType.FLOAT);
        MultiDataSet data = InceptionZoo.withLabelsForEveryOutput(trained, x, ZooTestSupport.cyclicLabels(4, 3, DataType.FLOAT));
        trained.fit(data);
        trained.fit(data);
        trained.incrementEpochCount();

        File file = dir.resolve("googlenet.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);

        assertEquals(trained.getConfiguration().toJson(), restored.getConfiguration().toJson());
        assertEquals(trained.params(), restored.params());
        INDArray updaterState = trained.getUpdater().getStateViewArray();
        assertTrue(updaterState.norm2Number().doubleValue() > 0, "RMSProp has accumulated state");
        assertEquals(updaterState, restored.getUpdater().getStateViewArray());
        assertEquals(1, restored.getEpochCount());
        INDArray[] before = trained.output(false, x);
        INDArray[] after = restored.output(false, x);
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], "output " + i);
        }
        // Training continues identically: same update from the same state.
        trained.fit(data);
        restored.fit(data);
        assertEquals(trained.params(), restored.params());
    }
}
