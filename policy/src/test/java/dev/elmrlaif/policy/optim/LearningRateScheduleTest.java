package dev.elmrlaif.policy.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private static final double PEAK = 1e-3;
  private static final double FLOOR = 1e-4; // PEAK * 0.1

  @Test
  void cosineWithWarmupAtItsBoundaries() {
    LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(PEAK, 10, 110, 0.1);
    assertEquals(PEAK / 10, schedule.learningRate(0), 1e-18); // first warmup step
    assertEquals(PEAK * 5 / 10, schedule.learningRate(4), 1e-18);
    assertEquals(PEAK, schedule.learningRate(9), 1e-18); // end of warmup
    assertEquals(PEAK, schedule.learningRate(10), 1e-18); // decay progress 0
    assertEquals(
        FLOOR + (PEAK - FLOOR) * 0.5 * (1 + Math.cos(Math.PI / 4)),
        schedule.learningRate(35),
        1e-15); // a quarter of the decay
    assertEquals((PEAK + FLOOR) / 2, schedule.learningRate(60), 1e-15); // middle
    assertEquals(FLOOR, schedule.learningRate(110), 1e-18); // end
    assertEquals(FLOOR, schedule.learningRate(10_000), 1e-18); // past the end
  }

  @Test
  void linearWithWarmupAtItsBoundaries() {
    LearningRateSchedule schedule = LearningRateSchedule.warmupLinear(PEAK, 10, 110, 0.1);
    assertEquals(PEAK / 10, schedule.learningRate(0), 1e-18);
    assertEquals(PEAK, schedule.learningRate(10), 1e-18);
    assertEquals(FLOOR + (PEAK - FLOOR) * 0.75, schedule.learningRate(35), 1e-15);
    assertEquals((PEAK + FLOOR) / 2, schedule.learningRate(60), 1e-15);
    assertEquals(FLOOR, schedule.learningRate(110), 1e-18);
    assertEquals(FLOOR, schedule.learningRate(111), 1e-18);
  }

  @Test
  void decayToZeroWithoutWarmupStartsAtThePeak() {
    LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(2.0, 0, 4, 0.0);
    assertEquals(2.0, schedule.learningRate(0), 0);
    assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI / 4)), schedule.learningRate(1), 1e-15);
    assertEquals(1.0, schedule.learningRate(2), 1e-15);
    assertEquals(0.0, schedule.learningRate(4), 0);
  }

  @Test
  void constantIsThePeakAfterAnyWarmup() {
    assertEquals(3e-4, LearningRateSchedule.constant(3e-4).learningRate(0), 0);
    assertEquals(3e-4, LearningRateSchedule.constant(3e-4).learningRate(1_000_000), 0);
    LearningRateSchedule warm =
        new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 4e-4, 4, 0, 1);
    assertEquals(1e-4, warm.learningRate(0), 1e-18);
    assertEquals(4e-4, warm.learningRate(3), 0);
    assertEquals(4e-4, warm.learningRate(50), 0);
  }

  @Test
  void invalidSettingsNameTheField() {
    assertMessage("peakLearningRate", () -> LearningRateSchedule.constant(0));
    assertMessage("peakLearningRate", () -> LearningRateSchedule.constant(Double.NaN));
    assertMessage("warmupSteps", () -> LearningRateSchedule.warmupCosine(1, -1, 10, 0));
    assertMessage("totalSteps", () -> LearningRateSchedule.warmupCosine(1, 10, 10, 0));
    assertMessage("minLearningRateRatio", () -> LearningRateSchedule.warmupLinear(1, 0, 10, 1.5));
    assertMessage("decay", () -> new LearningRateSchedule(null, 1, 0, 0, 1));
    assertMessage("step", () -> LearningRateSchedule.constant(1).learningRate(-1));
  }

  private static void assertMessage(String field, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
  }
}
