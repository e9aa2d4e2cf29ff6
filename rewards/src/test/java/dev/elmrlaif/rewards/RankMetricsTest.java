package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class RankMetricsTest {

    // Fixture with ties on both sides.
    private static final double[] X = {1, 2, 2, 3, 4};
    private static final double[] Y = {1, 3, 2, 2, 5};

    @Test
    void averageRanksShareTiedRanks() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4, 5}, RankMetrics.averageRanks(X));
        assertArrayEquals(new double[] {1, 4, 2.5, 2.5, 5}, RankMetrics.averageRanks(Y));
        assertArrayEquals(new double[] {2, 2, 2}, RankMetrics.averageRanks(new double[] {7, 7, 7}));
    }

    @Test
    void spearmanWithTiesEqualsHandComputedValue() {
        // rank deviations from the mean 3: dx = (-2, -.5, -.5, 1, 2), dy = (-2, 1, -.5, -.5, 2)
        // Σdx·dy = 4 - .5 + .25 - .5 + 4 = 7.25;  Σdx² = Σdy² = 9.5;  ρ = 7.25 / 9.5
        assertEquals(7.25 / 9.5, RankMetrics.spearman(X, Y), 1e-12);
        assertEquals(new SpearmansCorrelation().correlation(X, Y), RankMetrics.spearman(X, Y), 1e-12);
    }

    @Test
    void kendallTauBWithTiesEqualsHandComputedValue() {
        // 10 pairs: concordant 7, discordant 1 (pair 1-3), tied in X 1 (pair 1-2), tied in Y 1 (pair 2-3)
        // τ_b = (7 - 1) / sqrt((10 - 1)(10 - 1)) = 6 / 9
        assertEquals(6.0 / 9.0, RankMetrics.kendallTauB(X, Y), 1e-12);
        assertEquals(new KendallsCorrelation().correlation(X, Y), RankMetrics.kendallTauB(X, Y), 1e-12,
                "commons-math's KendallsCorrelation is tau-b as well");
    }

    @Test
    void ndcgWithTiedPredictionsEqualsHandComputedValue() {
        double[] predicted = {0.9, 0.5, 0.5, 0.1};
        double[] truth = {3, 2, 0, 1};
        double log2of3 = Math.log(3) / Math.log(2);
        // order: item0, then items 1 and 2 tied (mean gain 1 over positions 1 and 2), item3 beyond k = 3
        double dcg = 3 * 1 + 1 * (1 / log2of3 + 1 / 2.0);
        double idcg = 3 * 1 + 2 / log2of3 + 1 / 2.0;       // gains 3, 2, 1
        assertEquals(dcg / idcg, RankMetrics.ndcg(predicted, truth, 3), 1e-12);
        assertEquals(0.867504, RankMetrics.ndcg(predicted, truth, 3), 1e-6);
        // all positions: DCG adds 1 / log2(5), IDCG adds 0
        double log2of5 = Math.log(5) / Math.log(2);
        assertEquals((dcg + 1 / log2of5) / idcg, RankMetrics.ndcg(predicted, truth, 0), 1e-12);
        // the same data in another order gives the same value (ties are order-free)
        assertEquals(dcg / idcg, RankMetrics.ndcg(new double[] {0.5, 0.1, 0.9, 0.5},
                new double[] {0, 1, 3, 2}, 3), 1e-12);
    }

    @Test
    void ndcgShiftsNegativeRelevanceToZero() {
        // gains (-1, 1) - (-1) = (0, 2); predicted order item0, item1: DCG = 2 / log2(3), IDCG = 2
        assertEquals(1 / (Math.log(3) / Math.log(2)),
                RankMetrics.ndcg(new double[] {1, 0}, new double[] {-1, 1}, 0), 1e-12);
    }

    @Test
    void perfectAndReversedOrders() {
        double[] up = {1, 2, 3, 4, 5, 6};
        double[] down = {6, 5, 4, 3, 2, 1};
        assertEquals(1.0, RankMetrics.spearman(up, up), 1e-12);
        assertEquals(-1.0, RankMetrics.spearman(up, down), 1e-12);
        assertEquals(1.0, RankMetrics.kendallTauB(up, up), 1e-12);
        assertEquals(-1.0, RankMetrics.kendallTauB(up, down), 1e-12);
        assertEquals(1.0, RankMetrics.ndcg(up, up, 3), 1e-12);
        assertTrue(RankMetrics.ndcg(up, down, 3) < 0.5);
    }

    @Test
    void undefinedCasesAreNaN() {
        double[] constant = {2, 2, 2};
        double[] varied = {1, 2, 3};
        assertTrue(Double.isNaN(RankMetrics.spearman(constant, varied)));
        assertTrue(Double.isNaN(RankMetrics.kendallTauB(varied, constant)));
        assertTrue(Double.isNaN(RankMetrics.ndcg(varied, new double[] {0, 0, 0}, 0)));
        assertTrue(Double.isNaN(RankMetrics.spearman(new double[] {1}, new double[] {1})));
    }

    @Test
    void agreesWithCommonsMathOnRandomTiedData() {
        Random random = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            double[] a = new double[30];
            double[] b = new double[30];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextInt(5);
                b[i] = random.nextInt(4);
            }
            assertEquals(new SpearmansCorrelation().correlation(a, b), RankMetrics.spearman(a, b), 1e-12);
            assertEquals(new KendallsCorrelation().correlation(a, b), RankMetrics.kendallTauB(a, b), 1e-12);
        }
    }
}
