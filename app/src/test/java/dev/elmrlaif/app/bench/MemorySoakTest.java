package dev.elmrlaif.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's slope, interval and peak on a series fitted by hand, and its CSV. */
class MemorySoakTest {
  private static final List<MemorySoak.Sample> SERIES =
      List.of(
          // Warm-up (step <= 50): left out of the fit, but its 100 MiB is the peak.
          new MemorySoak.Sample("reinforce", 0, 50, 0),
          new MemorySoak.Sample("reinforce", 50, 100, 0),
          new MemorySoak.Sample("reinforce", 100, 10, 0),
          new MemorySoak.Sample("reinforce", 200, 12, 0),
          new MemorySoak.Sample("reinforce", 300, 13, 0),
          new MemorySoak.Sample("reinforce", 400, 17, 0),
          // Another phase: never mixed in.
          new MemorySoak.Sample("sac", 100, 500, 0),
          new MemorySoak.Sample("sac", 200, 400, 0));

  @Test
  void slopeStandardErrorAndIntervalMatchTheHandFit() {
    // x = 100..400, mean 250, Sxx = 150^2 + 50^2 + 50^2 + 150^2 = 50,000; y mean 13,
    // Sxy = (-150)(-3) + (-50)(-1) + 50 * 0 + 150 * 4 = 1,100: slope 0.022 MiB/step = 22 per 1,000.
    // Intercept 13 - 0.022 * 250 = 7.5; residuals 0.3, 0.1, -1.1, 0.7: SSE 1.8, s^2 = 1.8 / 2 =
    // 0.9; SE = sqrt(0.9 / 50,000) = 0.0042426 per step = 4.2426 per 1,000; t(0.975, 2) =
    // 4.302653: half-width 4.302653 * 4.242641 = 18.25461.
    MemorySoak.Fit fit = MemorySoak.fit(SERIES, "reinforce", 50);
    assertEquals(4, fit.points());
    assertEquals(22.0, fit.slopeMibPer1000(), 1e-9);
    assertEquals(4.242641, fit.slopeStdErr(), 1e-6);
    assertEquals(18.25461, fit.slopeHalfWidth95(), 1e-4);
    assertEquals(100.0, fit.peakMib());
    assertEquals(
        "reinforce: RSS slope after step 50: +22.00 MiB per 1,000 steps (95 % CI +3.75 to"
            + " +40.25; standard error 4.24; 4 readings), peak 100 MiB",
        fit.describe(50));
  }

  @Test
  void aFlatSeriesHasZeroSlopeAndTooFewReadingsAreRefused() {
    List<MemorySoak.Sample> flat =
        List.of(
            new MemorySoak.Sample("sac", 10, 300, 0),
            new MemorySoak.Sample("sac", 20, 300, 0),
            new MemorySoak.Sample("sac", 30, 300, 0));
    MemorySoak.Fit fit = MemorySoak.fit(flat, "sac", 0);
    assertEquals(0.0, fit.slopeMibPer1000(), 1e-12);
    assertEquals(0.0, fit.slopeStdErr(), 1e-12);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemorySoak.fit(flat, "sac", 20));
    assertTrue(e.getMessage().contains("1 reading(s) after step 20"), e.getMessage());
  }

  @Test
  void csvHasOneLinePerReading() {
    assertEquals(
        "phase,step,rss_mib,heap_mib\nsac,100,500.0,0.0\nsac,200,400.0,0.0\n",
        MemorySoak.csv(SERIES.subList(6, 8)));
  }

  @Test
  void residentMemoryIsReadFromProcStatus() {
    double rss = MemorySoak.statusMib("VmRSS");
    assertTrue(rss > 1 && rss <= MemorySoak.statusMib("VmHWM"), rss + " MiB");
  }
}
