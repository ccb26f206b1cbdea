package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * {@code builtin:shapes}: a synthetic data set of four classes (disc, ring, square, cross) drawn with random
 * position, size and brightness. Small and instant, for tests, the conformance kit and quick looks; not a
 * substitute for real data.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Shapes {

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("disc", "ring", "square", "cross");

    private Shapes() {
    }

    /**
     * Draws a set; classes cycle through the images in order.
     *
     * @param count images
     * @param size width and height
     * @param seed the drawing's seed
     * @return the images, labelled
     */
    public static ImageSet generate(int count, int size, long seed) {
        Random r = new Random(seed);
        float[] px = new float[count * size * size];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int cls = i % CLASSES.size();
            labels[i] = cls;
            double cx = size * (0.35 + 0.3 * r.nextDouble());
            double cy = size * (0.35 + 0.3 * r.nextDouble());
            double rad = size * (0.18 + 0.14 * r.nextDouble());
            float bright = (float) (0.6 + 0.4 * r.nextDouble());
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    // 3x3 supersampling for soft edges.
                    int hits = 0;
                    for (int sy = 0; sy < 3; sy++) {
                        for (int sx = 0; sx < 3; sx++) {
                            double dx = x + (sx + 0.5) / 3 - cx;
                            double dy = y + (sy + 0.5) / 3 - cy;
                            if (inside(cls, dx, dy, rad)) {
                                hits++;
                            }
                        }
                    }
                    px[i * size * size + y * size + x] = bright * hits / 9f;
                }
            }
        }
        return new ImageSet(count, size, px, labels, CLASSES, "builtin:shapes");
    }

    private static boolean inside(int cls, double dx, double dy, double rad) {
        double d = Math.hypot(dx, dy);
        return switch (cls) {
            case 0 -> d <= rad;
            case 1 -> d <= rad && d >= rad * 0.6;
            case 2 -> Math.abs(dx) <= rad * 0.85 && Math.abs(dy) <= rad * 0.85;
            default -> (Math.abs(dx) <= rad * 0.25 && Math.abs(dy) <= rad) || (Math.abs(dy) <= rad * 0.25 && Math.abs(dx) <= rad);
        };
    }
}
