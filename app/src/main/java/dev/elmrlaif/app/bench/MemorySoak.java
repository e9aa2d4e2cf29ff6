package dev.elmrlaif.app.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.rl.CompletionReward;
import dev.elmrlaif.algorithms.rl.RlTrainer;
import dev.elmrlaif.algorithms.rl.reinforce.ReinforceConfig;
import dev.elmrlaif.algorithms.rl.reinforce.ReinforceTrainer;
import dev.elmrlaif.algorithms.rl.sac.SacConfig;
import dev.elmrlaif.algorithms.rl.sac.SacTrainer;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * The memory soak of {@code rlaif bench --soak} (issue 16, item 4): a leak of native memory (a
 * tensor left outside every scope) grows the process a little each step and shows in no heap
 * statistic, so the soak runs many REINFORCE steps and then many SAC updates with the project's own
 * trainers at one model size, a fixed stand-in reward (how often token 2 occurs: no encoder, so
 * only the RL code is measured), and reads the process's resident memory ({@code VmRSS} of {@code
 * /proc/self/status}, native allocations included) every few steps. A leak is a positive slope of
 * RSS against the step after warm-up (allocator pools and the JIT fill up first); it is fitted by
 * least squares ({@link #fit}) with its standard error, so "within noise" is a statement about an
 * interval, not a guess.
 */
public final class MemorySoak {
  private MemorySoak() {}

  /**
   * One reading.
   *
   * @param phase {@code reinforce} or {@code sac}
   * @param step steps of that phase completed when read
   * @param rssMib resident memory then, MiB
   * @param heapMib the Java heap committed then, MiB ({@code Runtime.totalMemory()}). Its pages
   *     count in RSS only once first touched, so early in a run RSS climbs by up to this much
   *     without any leak (the warm-up the fit leaves out); a rise of this column is the heap itself
   *     growing
   */
  public record Sample(String phase, long step, double rssMib, double heapMib) {}

  /**
   * The fit of one phase's readings after warm-up: {@code rss = a + b * step} by least squares;
   * slopes are per 1,000 steps.
   *
   * @param phase the phase
   * @param points readings used (after warm-up)
   * @param slopeMibPer1000 {@code 1000 b}
   * @param slopeStdErr its standard error
   * @param slopeHalfWidth95 half-width of its 95 % confidence interval (Student's t, n - 2 degrees
   *     of freedom); NaN with fewer than three points
   * @param peakMib the largest reading of the phase, warm-up included
   */
  public record Fit(
      String phase,
      int points,
      double slopeMibPer1000,
      double slopeStdErr,
      double slopeHalfWidth95,
      double peakMib) {

    /** One line: slope, interval, standard error and peak. */
    public String describe(long warmupSteps) {
      return String.format(
          Locale.ROOT,
          "%s: RSS slope after step %d: %+.2f MiB per 1,000 steps (95 %% CI %+.2f to %+.2f;"
              + " standard error %.2f; %d readings), peak %.0f MiB",
          phase,
          warmupSteps,
          slopeMibPer1000,
          slopeMibPer1000 - slopeHalfWidth95,
          slopeMibPer1000 + slopeHalfWidth95,
          slopeStdErr,
          points,
          peakMib);
    }
  }

  /**
   * The least-squares slope of the readings of {@code phase} whose step is above {@code
   * warmupSteps} (Commons Math {@link SimpleRegression}), and the phase's peak.
   *
   * @throws IllegalArgumentException with fewer than two readings after warm-up
   */
  public static Fit fit(List<Sample> samples, String phase, long warmupSteps) {
    SimpleRegression regression = new SimpleRegression();
    double peak = Double.NEGATIVE_INFINITY;
    for (Sample sample : samples) {
      if (!sample.phase().equals(phase)) {
        continue;
      }
      peak = Math.max(peak, sample.rssMib());
      if (sample.step() > warmupSteps) {
        regression.addData(sample.step(), sample.rssMib());
      }
    }
    int n = (int) regression.getN();
    if (n < 2) {
      throw new IllegalArgumentException(
          "soak phase "
              + phase
              + ": "
              + n
              + " reading(s) after step "
              + warmupSteps
              + ", expected at least 2 (more steps, or readings more often)");
    }
    double halfWidth = n > 2 ? 1000 * regression.getSlopeConfidenceInterval() : Double.NaN;
    return new Fit(
        phase,
        n,
        1000 * regression.getSlope(),
        1000 * regression.getSlopeStdErr(),
        halfWidth,
        peak);
  }

  /** The readings as CSV: {@code phase,step,rss_mib,heap_mib}, one line each. */
  public static String csv(List<Sample> samples) {
    StringBuilder out = new StringBuilder("phase,step,rss_mib,heap_mib\n");
    for (Sample sample : samples) {
      out.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%.1f,%.1f%n",
              sample.phase(),
              sample.step(),
              sample.rssMib(),
              sample.heapMib()));
    }
    return out.toString();
  }

  /**
   * A line of {@code /proc/self/status} in MiB, e.g. {@code VmRSS} (resident now) or {@code VmHWM}
   * (the resident peak).
   *
   * @throws IllegalStateException where the file or the line is missing (not Linux)
   */
  public static double statusMib(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          String[] fields = line.substring(key.length() + 1).trim().split("\\s+");
          return Long.parseLong(fields[0]) / 1024.0; // kB
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/status: " + e.getMessage(), e);
    }
    throw new IllegalStateException("/proc/self/status has no " + key + " line (not Linux?)");
  }

  /**
   * The model of the soak.
   *
   * @param vocabSize vocabulary
   * @param contextLength positions
   * @param layers blocks
   * @param heads attention heads
   * @param dModel width
   */
  public record Size(int vocabSize, int contextLength, int layers, int heads, int dModel) {}

  /**
   * Runs {@code steps} REINFORCE steps, then {@code steps} SAC steps (one update each), each with a
   * fresh policy of {@code size} and the trainers' default settings (4 contexts), reading RSS every
   * {@code every} steps.
   *
   * @param progress told every 100 steps
   * @return every reading, in order
   */
  public static List<Sample> run(
      Size size, int steps, int every, Device device, Consumer<String> progress) {
    List<Sample> samples = new ArrayList<>();
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(size.vocabSize())
            .contextLength(size.contextLength())
            .layers(size.layers())
            .heads(size.heads())
            .dModel(size.dModel())
            .build();
    ElmConfig config =
        new ElmConfig(lm, new AdapterConfig(32, 128, 0.02), List.of(size.vocabSize() - 1), 1, 0);
    List<ElmPrompt> contexts =
        JavaFigures.Inputs.make(4, 8, size.contextLength(), size.vocabSize(), 32).prompts();
    CompletionReward reward =
        (context, continuation) -> JavaFigures.rewards(List.of(continuation))[0];
    soak(
        "reinforce",
        config,
        device,
        (policy, reference) ->
            new ReinforceTrainer(policy, reference, reward, ReinforceConfig.defaults()),
        contexts,
        steps,
        every,
        samples,
        progress);
    soak(
        "sac",
        config,
        device,
        (policy, reference) -> new SacTrainer(policy, reference, reward, SacConfig.defaults()),
        contexts,
        steps,
        every,
        samples,
        progress);
    return samples;
  }

  /** Makes a trainer around a policy and its reference. */
  private interface TrainerFactory {
    RlTrainer make(Elm policy, Elm reference);
  }

  private static void soak(
      String phase,
      ElmConfig config,
      Device device,
      TrainerFactory factory,
      List<ElmPrompt> contexts,
      int steps,
      int every,
      List<Sample> samples,
      Consumer<String> progress) {
    Function<Long, Sample> read =
        step ->
            new Sample(
                phase, step, statusMib("VmRSS"), Runtime.getRuntime().totalMemory() / 1048576.0);
    try (Elm policy = Elm.initialize(config, device, DataType.FLOAT32, 1);
        Elm reference = policy.referencePolicy();
        RlTrainer trainer = factory.make(policy, reference)) {
      samples.add(read.apply(0L));
      for (int step = 1; step <= steps; step++) {
        trainer.step(contexts);
        if (step % every == 0) {
          samples.add(read.apply((long) step));
        }
        if (step % 100 == 0) {
          progress.accept(
              String.format(
                  Locale.ROOT,
                  "%s step %d/%d, RSS %.0f MiB",
                  phase,
                  step,
                  steps,
                  samples.get(samples.size() - 1).rssMib()));
        }
      }
    }
  }
}
