package dev.elmrlaif.algorithms.run;

import dev.elmrlaif.algorithms.config.LoggingConfig;
import java.time.Duration;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Progress over long loops: a bar with rate and ETA on a terminal, or a plain log line every few
 * seconds when the output is not a terminal or {@code CI=true}, as {@code logging.progress} says.
 */
public final class ProgressReporter {
  private static final Logger LOG = LogManager.getLogger(ProgressReporter.class);

  private final LoggingConfig.ProgressMode mode;
  private final Duration lineEvery;

  private ProgressReporter(LoggingConfig.ProgressMode mode, Duration lineEvery) {
    this.mode = mode;
    this.lineEvery = lineEvery;
  }

  /** Resolves {@code auto} against the console and the {@code CI} environment variable. */
  public static ProgressReporter of(LoggingConfig config, Map<String, String> env) {
    LoggingConfig.ProgressMode mode = config.progress();
    if (mode == LoggingConfig.ProgressMode.AUTO) {
      boolean ci = "true".equalsIgnoreCase(env.getOrDefault("CI", ""));
      mode =
          System.console() != null && !ci
              ? LoggingConfig.ProgressMode.BAR
              : LoggingConfig.ProgressMode.LINES;
    }
    return new ProgressReporter(mode, Duration.ofSeconds(config.progressLineSeconds()));
  }

  /** The resolved mode (never {@code auto}). */
  public LoggingConfig.ProgressMode mode() {
    return mode;
  }

  /** Starts tracking a loop of {@code total} units. */
  public Task start(String name, long total, String unit) {
    return switch (mode) {
      case BAR -> new BarTask(name, total, unit);
      case LINES -> new LineTask(name, total, unit, lineEvery);
      default ->
          new Task() {
            @Override
            public void stepBy(long n) {}

            @Override
            public void close() {}
          };
    };
  }

  /** One tracked loop. */
  public interface Task extends AutoCloseable {
    void stepBy(long n);

    default void step() {
      stepBy(1);
    }

    /** Text shown beside the bar or appended to the log line, e.g. the current loss. */
    default void setExtra(String text) {}

    @Override
    void close();
  }

  private static final class BarTask implements Task {
    private final ProgressBar bar;

    BarTask(String name, long total, String unit) {
      this.bar =
          new ProgressBarBuilder()
              .setTaskName(name)
              .setInitialMax(total)
              .setUnit(" " + unit, 1)
              .showSpeed()
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(500)
              .build();
    }

    @Override
    public void stepBy(long n) {
      bar.stepBy(n);
    }

    @Override
    public void setExtra(String text) {
      bar.setExtraMessage(text);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  private static final class LineTask implements Task {
    private final String name;
    private final long total;
    private final String unit;
    private final long everyNanos;
    private final long start = System.nanoTime();
    private long lastLine = start;
    private long done;
    private String extra = "";

    LineTask(String name, long total, String unit, Duration every) {
      this.name = name;
      this.total = total;
      this.unit = unit;
      this.everyNanos = every.toNanos();
    }

    @Override
    public void stepBy(long n) {
      done += n;
      long now = System.nanoTime();
      if (now - lastLine >= everyNanos || done == total) {
        lastLine = now;
        log(now);
      }
    }

    @Override
    public void setExtra(String text) {
      extra = text;
    }

    private void log(long now) {
      double secs = (now - start) / 1e9;
      double rate = secs > 0 ? done / secs : 0;
      String eta = rate > 0 && total > done ? formatDuration((total - done) / rate) : "0s";
      LOG.info(
          "{}: {}/{} {} ({}%), {} {}/s, ETA {}{}",
          name,
          done,
          total,
          unit,
          total > 0 ? 100 * done / total : 100,
          String.format("%.1f", rate),
          unit,
          eta,
          extra.isEmpty() ? "" : ", " + extra);
    }

    @Override
    public void close() {
      if (done != total) {
        log(System.nanoTime());
      }
    }
  }

  static String formatDuration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
