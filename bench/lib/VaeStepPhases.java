import dev.nova.kit.nn.Activation;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.GaussianLatent;
import dev.nova.kit.nn.Losses;
import dev.nova.kit.nn.ParamSet;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.optim.TrainSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a VAE training step's time goes, phase by phase, through kit's public classes alone: the parity model
 * (784-512-256-z32, ReLU, batch 128, the Bernoulli loss in float, Adam) as plugins/vae's VaeNetwork runs it, on
 * random images. Every 300 steps it prints the mean wall time of each phase on the calling thread (the pool's and
 * OpenMP's threads work inside the phases); the first two lines include the JIT's warm-up. Runs on the class path,
 * with OMP_WAIT_POLICY as the nova script sets it:
 *
 *   OMP_WAIT_POLICY=PASSIVE java -cp "$(ls dist/target/nova/lib/*.jar | tr '\n' :)" bench/lib/VaeStepPhases.java [LINES]
 *
 * For a profile, add -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit and run perf record -a -g beside it.
 */
public class VaeStepPhases {

    private static final int BATCH = 128;
    private static final int DIM = 784;
    private static final int LATENT = 32;
    private static final int STEPS = 300;

    /** Wall time per phase, summed over the steps of one line. */
    private static final class Phases {
        final Map<String, Long> nanos = new LinkedHashMap<>();
        long last = System.nanoTime();

        void end(String phase) {
            long now = System.nanoTime();
            nanos.merge(phase, now - last, Long::sum);
            last = now;
        }

        String line() {
            long total = nanos.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder b = new StringBuilder(String.format("step %.2f ms:", total / 1e6 / STEPS));
            nanos.forEach((k, v) -> b.append(String.format(" %s %.3f", k, v / 1e6 / STEPS)));
            return b.toString();
        }
    }

    public static void main(String[] args) {
        ParamSet params = ParamSet.floats(1);
        List<Dense> encoder = List.of(new Dense(params, "enc0", DIM, 512, Activation.RELU),
                new Dense(params, "enc1", 512, 256, Activation.RELU),
                new Dense(params, "stats", 256, 2 * LATENT, Activation.IDENTITY));
        List<Dense> decoder = List.of(new Dense(params, "dec0", LATENT, 256, Activation.RELU),
                new Dense(params, "dec1", 256, 512, Activation.RELU),
                new Dense(params, "out", 512, DIM, Activation.IDENTITY));
        Adam adam = new Adam(new TrainSettings("adam", 1e-3, 0, 0, 0, 0, 0), params);
        int n = BATCH * DIM;
        float[] images = new float[n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            images[i] = random.nextFloat() < 0.3 ? random.nextFloat() : 0f;
        }
        INDArray x = Nd4j.create(DataType.FLOAT, BATCH, DIM);
        float[] logits = new float[n];
        float[] dl = new float[n];
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        long step = 0;
        for (int line = 0; line < lines; line++) {
            Phases t = new Phases();
            for (int s = 0; s < STEPS; s++, step++) {
                Buffers.write(images, x);
                t.end("write-x");
                INDArray h = x;
                for (Dense d : encoder) {
                    h = d.forward(h);
                }
                t.end("encoder");
                double[] stats = Buffers.read(h, new double[BATCH * 2 * LATENT]);
                double[] eps = new double[BATCH * LATENT];
                double[] z = new double[BATCH * LATENT];
                GaussianLatent.sample(stats, BATCH, LATENT, Random::new, z, eps);
                INDArray y = Buffers.matrix(DataType.FLOAT, z, BATCH, LATENT);
                t.end("latent");
                for (Dense d : decoder) {
                    y = d.forward(y);
                }
                t.end("decoder");
                Buffers.readPart(y, 0, logits, n);
                Losses.bernoulliLogits(logits, images, n, DIM, dl, 1f / BATCH, null);
                Buffers.write(dl, n, y);
                t.end("loss");
                INDArray d = y;
                for (int l = decoder.size() - 1; l >= 0; l--) {
                    d = decoder.get(l).backward(d, true);
                }
                t.end("decoder-back");
                double[] dStats = new double[BATCH * 2 * LATENT];
                GaussianLatent.backward(stats, eps, Buffers.doubles(d), BATCH, LATENT, dStats);
                GaussianLatent.kl(stats, BATCH, LATENT, dStats, 1.0 / BATCH);
                Buffers.write(dStats, h);
                t.end("latent-back");
                INDArray e = h;
                for (int l = encoder.size() - 1; l >= 0; l--) {
                    e = encoder.get(l).backward(e, l > 0);
                }
                t.end("encoder-back");
                adam.apply(step);
                t.end("adam");
            }
            System.out.println(t.line());
        }
    }
}
