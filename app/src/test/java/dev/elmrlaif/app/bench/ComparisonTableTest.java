package dev.elmrlaif.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.app.bench.CompareWorkload.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table's arithmetic and formatting on hand-made figures, every value computed by hand. */
class ComparisonTableTest {
  /** One width (8), one sampling batch (2): seven figures of both sides, four of Java alone. */
  private static final CompareWorkload TINY =
      new CompareWorkload(64, 16, 1, 2, List.of(8), 2, 4, 4, List.of(2), 2, 2, 32, 0, 1, 1, 0);

  private static final ComparisonTable.Machine MACHINE =
      new ComparisonTable.Machine(2, "Test CPU @ 1 GHz");

  private static SideFigures round(
      String side, double train, double sample, double step, double gemm, String params) {
    return new SideFigures(
        side,
        Map.of(
            "params_d8",
            params,
            "java",
            "17.0.1",
            "djl",
            "0.36.0",
            "libtorch",
            "2.7.1",
            "python",
            "3.11.2",
            "torch",
            "1.13.1",
            "blas",
            side + " blas"),
        Map.of(
            "train_tok_s_d8",
            train,
            "sample_tok_s_b2",
            sample,
            "reinforce_step_s",
            step,
            "reinforce_generate_s",
            step / 2,
            "reinforce_update_s",
            step / 4,
            "sac_step_s",
            step * 3,
            "sac_generate_s",
            step,
            "sac_reward_s",
            step / 10,
            "sac_update_s",
            step * 2,
            "gemm_gflop_s",
            gemm));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, ComparisonTable.median(new double[] {3, 1, 2}));
    assertEquals(2.5, ComparisonTable.median(new double[] {4, 1}));
    assertEquals(7.0, ComparisonTable.median(new double[] {7}));
  }

  @Test
  void timeRatioInvertsRatesButNotTimes() {
    // Java samples 200 tokens/s, PyTorch 400: Java takes twice the time.
    assertEquals(2.0, ComparisonTable.timeRatio(Kind.RATE, 200, 400));
    // Java's step takes 0.3 s, PyTorch's 0.6 s: Java takes half the time.
    assertEquals(0.5, ComparisonTable.timeRatio(Kind.TIME, 0.3, 0.6));
    assertTrue(Double.isNaN(ComparisonTable.timeRatio(Kind.SHARE, 0.3, 0.6)));
  }

  @Test
  void numbersKeepThreeDigitsAndSharesArePercent() {
    assertEquals("12,346", ComparisonTable.number(Kind.RATE, 12345.6));
    assertEquals("45.7", ComparisonTable.number(Kind.RATE, 45.67));
    assertEquals("4.57", ComparisonTable.number(Kind.TIME, 4.567));
    assertEquals("0.0457", ComparisonTable.number(Kind.TIME, 0.045678));
    assertEquals("37.5 %", ComparisonTable.number(Kind.SHARE, 0.375));
    assertEquals("2.50 (1.00–4.00)", ComparisonTable.cell(Kind.TIME, new double[] {4, 1}));
    assertEquals("300", ComparisonTable.cell(Kind.RATE, new double[] {300}));
  }

  @Test
  void tableHasMediansRangesRatiosAndShares() {
    // Java train 100/300/200 tok/s -> median 200; PyTorch 400/400/100 -> 400: ratio 400/200 = 2.
    // Steps: Java 0.5/0.3/0.4 s -> 0.4; PyTorch 0.2/0.8/0.2 -> 0.2: ratio 2; halves and quarters
    // likewise. Shares: 6 * 1000 params * tokens/s / (GEMM GFLOP/s * 1e9); with GEMM 0.0024
    // GFLOP/s Java's rounds give 0.25, 0.75, 0.5 -> median 50.0 %, range 25.0-75.0 %.
    List<SideFigures> java =
        List.of(
            round("java", 100, 1000, 0.5, 0.0024, "1000"),
            round("java", 300, 3000, 0.3, 0.0024, "1000"),
            round("java", 200, 2000, 0.4, 0.0024, "1000"));
    List<SideFigures> pytorch =
        List.of(
            round("pytorch", 400, 500, 0.2, 0.0048, "1000"),
            round("pytorch", 400, 500, 0.8, 0.0048, "1000"),
            round("pytorch", 100, 500, 0.2, 0.0048, "1000"));
    String md = ComparisonTable.markdown(TINY, MACHINE, java, pytorch);
    assertTrue(md.startsWith("Machine: 2 cores, Test CPU @ 1 GHz. 1 intra-op thread(s)"), md);
    assertTrue(
        md.contains("- Java side: Java 17.0.1, DJL 0.36.0, libtorch 2.7.1; BLAS: java blas"));
    assertTrue(md.contains("- PyTorch side: Python 3.11.2, torch 1.13.1; BLAS: pytorch blas"));
    assertTrue(md.contains("- Parameters: d_model 8: 1000\n"), md);
    assertTrue(
        md.contains(
            "| training tokens/s, d_model 8 (1 layer, 2 heads, vocab 64; batch 2 x 16;"
                + " fwd+bwd+AdamW) | 200 (100–300) | 400 (100–400) | 2.00 |"),
        md);
    assertTrue(
        md.contains(
            "| sampled tokens/s, KV cache, batch 2 (d_model 8, 4 new tokens) | 2,000 (1,000–3,000)"
                + " | 500 (500–500) | 0.25 |"),
        md);
    String rl = "| REINFORCE step, 2 contexts x K 2, 4 new tokens, d_model 8: ";
    assertTrue(
        md.contains(rl + "whole step (s) | 0.400 (0.300–0.500) | 0.200 (0.200–0.800) | 2.00 |"),
        md);
    assertTrue(
        md.contains(rl + "generation (s) | 0.200 (0.150–0.250) | 0.100 (0.100–0.400) | 2.00 |"),
        md);
    assertTrue(
        md.contains(
            rl
                + "reward, log-probs, loss, backward, AdamW (s) | 0.100 (0.0750–0.125) |"
                + " 0.0500 (0.0500–0.200) | 2.00 |"),
        md);
    assertTrue(
        md.contains(
            "| matMul GFLOP/s, 32 x 32 (the GEMM peak) | 0.00240 (0.00240–0.00240) |"
                + " 0.00480 (0.00480–0.00480) | 2.00 |"),
        md);
    // PyTorch: 6 * 1000 * 400 / 4.8e6 = 0.5, 0.5 and 6 * 1000 * 100 / 4.8e6 = 0.125.
    assertTrue(
        md.contains(
            "| training FLOP/s as a share of the GEMM peak, d_model 8 (6 x params x tokens/s) |"
                + " 50.0 % (25.0 %–75.0 %) | 50.0 % (12.5 %–50.0 %) | — |"),
        md);
    // A figure of the Java side alone: its medians and range, no PyTorch value, no ratio.
    assertTrue(
        md.contains(
            "| SAC step (Java only: the project's SacTrainer, stand-in reward), 2 contexts x K 2, 4"
                + " new tokens, d_model 8: whole step (s) | 1.20 (0.900–1.50) | not measured | — |"),
        md);
    assertEquals(2 + 7 + 4, md.lines().filter(line -> line.startsWith("| ")).count(), md);
  }

  @Test
  void differentParameterCountsAreFlagged() {
    String md =
        ComparisonTable.markdown(
            TINY,
            MACHINE,
            List.of(round("java", 1, 1, 1, 1, "1000")),
            List.of(round("pytorch", 1, 1, 1, 1, "999")));
    assertTrue(md.contains("d_model 8: Java 1000 but PyTorch 999 (THE MODELS DIFFER)"), md);
  }

  @Test
  void aMissingFigureNamesTheSideAndTheKey() {
    SideFigures partial =
        new SideFigures(
            "pytorch",
            Map.of("params_d8", "1000"),
            Map.of("train_tok_s_d8", 1.0, "gemm_gflop_s", 1.0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ComparisonTable.markdown(
                    TINY, MACHINE, List.of(round("java", 1, 1, 1, 1, "1000")), List.of(partial)));
    assertEquals("pytorch side: no figure sample_tok_s_b2", e.getMessage());
  }
}
