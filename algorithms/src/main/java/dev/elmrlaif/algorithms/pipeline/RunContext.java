package dev.elmrlaif.algorithms.pipeline;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.algorithms.run.MetricsLog;
import dev.elmrlaif.algorithms.run.ProgressReporter;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.run.StopRequest;
import java.util.Map;

/**
 * Everything a stage needs from the run: the resolved configuration, the run folder, the compute
 * environment (engine and device), the metrics log, progress reporting and the process environment
 * (passed in, never read globally, so tests control it), and the request to stop cleanly that a
 * SIGTERM or SIGINT sets (training loops poll it between steps).
 */
public record RunContext(
    LoadedConfig loaded,
    RunDirectory run,
    ComputeEnvironment compute,
    MetricsLog metrics,
    ProgressReporter progress,
    Map<String, String> env,
    StopRequest stop) {
  public RunContext {
    env = Map.copyOf(env);
  }

  /** A context no signal can stop (evaluation, tests). */
  public RunContext(
      LoadedConfig loaded,
      RunDirectory run,
      ComputeEnvironment compute,
      MetricsLog metrics,
      ProgressReporter progress,
      Map<String, String> env) {
    this(loaded, run, compute, metrics, progress, env, new StopRequest());
  }

  public RlaifConfig config() {
    return loaded.config();
  }
}
