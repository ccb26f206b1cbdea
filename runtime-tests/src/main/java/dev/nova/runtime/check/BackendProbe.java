package dev.nova.runtime.check;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/** Trains a tiny SameDiff regression to show that the native backend loads and backprop works. */
public final class BackendProbe {

    private BackendProbe() {
    }

    /**
     * Trains {@code y = x·w + b} on fixed random data for a few steps.
     *
     * @param steps how many Adam steps
     * @param seed the data and initialisation seed
     * @return the training loss before each step, then the final loss ({@code steps + 1} values)
     */
    public static List<Double> trainLinearRegression(int steps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 4);
        INDArray trueW = Nd4j.createFromArray(new float[][] {{1.5f}, {-2f}, {0.5f}, {3f}});
        INDArray y = x.mmul(trueW).addi(0.25);

        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 4);
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, 1);
        SDVariable w = sd.var("w", new XavierInitScheme('c', 4, 1), DataType.FLOAT, 4, 1);
        SDVariable b = sd.zero("b", DataType.FLOAT, 1);
        SDVariable out = in.mmul(w).add(b);
        sd.loss.meanSquaredError("loss", label, out, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(0.1))
                .dataSetFeatureMapping("in")
                .dataSetLabelMapping("label")
                .build());

        DataSet data = new DataSet(x, y);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i <= steps; i++) {
            INDArray loss = sd.output(java.util.Map.of("in", x, "label", y), "loss").get("loss");
            losses.add(loss.getDouble(0));
            if (i < steps) {
                sd.fit(data);
            }
        }
        return losses;
    }

    /**
     * Names the ND4J backend in use.
     *
     * @return the backend's class name
     */
    public static String backendName() {
        return Nd4j.getBackend().getClass().getName();
    }
}
