package dev.nova.kit.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTests {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, 0.0f, -1.0f};

    private static int[] histogram(TokenSampler s, int draws) {
        int[] h = new int[LOGITS.length];
        Random r = new Random(1);
        for (int i = 0; i < draws; i++) {
            h[s.next(LOGITS, r)]++;
        }
        return h;
    }

    @Test
    void greedyTakesTheMostLikelyToken() {
        assertEquals(1, new TokenSampler(1, 0, 1, true).next(LOGITS, new Random(5)));
    }

    @Test
    void topKOfOneEqualsGreedy() {
        int[] h = histogram(new TokenSampler(1.0, 1, 1.0, false), 500);
        assertEquals(500, h[1]);
    }

    @Test
    void topKRestrictsToTheKMostLikely() {
        int[] h = histogram(new TokenSampler(1.0, 2, 1.0, false), 2000);
        assertEquals(0, h[0] + h[3] + h[4]);
        assertTrue(h[1] > 0 && h[2] > 0);
    }

    @Test
    void smallTopPKeepsOnlyTheHead() {
        int[] h = histogram(new TokenSampler(1.0, 0, 0.3, false), 500);
        assertEquals(500, h[1], "the top token alone holds more than 30% of the mass");
    }

    @Test
    void lowTemperatureSharpensTheDistribution() {
        int[] warm = histogram(new TokenSampler(1.0, 0, 1.0, false), 4000);
        int[] cold = histogram(new TokenSampler(0.05, 0, 1.0, false), 4000);
        assertTrue(cold[1] > warm[1], "cold " + cold[1] + " vs warm " + warm[1]);
        assertTrue(cold[1] > 3990, "near-greedy at temperature 0.05: " + cold[1]);
        assertTrue(warm[0] + warm[3] + warm[4] > 100, "temperature 1 keeps the tail");
    }
}
