package com.example.markov;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.ModelContext;
import dev.nova.api.TrainingRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's own behaviour: a distribution, and more context helps on real text. */
class MarkovModelTests {

    @TempDir
    Path work;

    private MarkovModel trained(int order) {
        MarkovProvider provider = new MarkovProvider();
        var config = ConfigFactory.parseString("order = " + order + ", train.batch = 100000");
        MarkovModel model = (MarkovModel) provider.create(config, ModelContext.of(1, work, work));
        model.train(new TrainingRequest(2, new Cancellation()), e -> { });   // all of Genesis: one pass
        return model;
    }

    @Test
    void everyDistributionSumsToOne() {
        MarkovModel model = trained(3);
        for (String history : new String[] {"", "I", "And G", "zzz", "the "}) {
            double sum = model.probabilities(history).stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-9, "after '" + history + "'");
            assertTrue(model.probabilities(history).stream().allMatch(p -> p > 0), "no zero probability");
        }
    }

    /** On the held-out tenth of Genesis, an order-4 model beats order 1 by a wide margin (measured 1.29 vs 2.28 nats per character). */
    @Test
    void moreContextPredictsHeldOutTextBetter() {
        double order1 = trained(1).evaluate(EvaluationRequest.heldOut(1)).get(GenerativeModel.LOSS);
        double order4 = trained(4).evaluate(EvaluationRequest.heldOut(1)).get(GenerativeModel.LOSS);
        assertTrue(order4 < order1 - 0.5, "order 4: " + order4 + ", order 1: " + order1);
        assertTrue(order4 < 1.8, "order 4 held-out loss " + order4 + " nats per character");
    }
}
