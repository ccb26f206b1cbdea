import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's single-precision matrix-product peak through the BLAS Nova's runtime uses (ND4J's gemm, OpenBLAS
 * on the CPU backend): the best of several 2048x2048 by 2048x2048 products after a warm-up, in GFLOP/s. The
 * benchmarks divide model FLOPs per second by it (model-FLOP utilisation).
 *
 *   java -p dist/target/nova/lib --add-modules ALL-MODULE-PATH bench/lib/Peak.java [N] [REPEATS]
 *
 * Prints one line: "peak <GFLOP/s> GFLOP/s (sgemm N^3, best of REPEATS, <threads> threads)".
 */
public class Peak {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Nd4j.getRandom().setSeed(1);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 2; i++) {
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        double gflops = 2.0 * n * n * n / best / 1e9;
        System.out.printf(java.util.Locale.ROOT, "peak %.1f GFLOP/s (sgemm %d^3, best of %d, %s threads)%n", gflops, n,
                repeats, System.getenv().getOrDefault("OMP_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors())));
    }
}
