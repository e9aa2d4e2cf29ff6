package dev.elmrlaif.app.pipeline;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.domain.base.UserInputException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the configured stages in pipeline order ({@link StageName} order, whatever order the config
 * lists them in), skipping each stage whose completion marker exists, so a killed run resumes at
 * the stage it was in. Each stage's wall time goes to the metrics and to its marker. A stop request
 * ({@link RunContext#stop()}) ends the run before the next stage starts.
 */
public final class StagePipeline {
  private static final Logger LOG = LogManager.getLogger(StagePipeline.class);

  private final Map<StageName, Stage> available = new EnumMap<>(StageName.class);

  /** A pipeline that can run these stage implementations. */
  public StagePipeline(List<Stage> stages) {
    for (Stage s : stages) {
      if (available.put(s.name(), s) != null) {
        throw new IllegalArgumentException("two implementations of stage " + s.name().key());
      }
    }
  }

  /** The stages this build can run. */
  public List<StageName> availableStages() {
    return List.copyOf(available.keySet());
  }

  /**
   * Checks, before anything runs, that every configured stage exists in this build.
   *
   * @throws UserInputException naming the {@code stages} key and the available stages
   */
  public List<StageName> plan(LoadedConfig loaded) {
    List<StageName> wanted = loaded.config().stages().stream().distinct().sorted().toList();
    List<StageName> missing = new ArrayList<>(wanted);
    missing.removeAll(available.keySet());
    if (!missing.isEmpty()) {
      throw new UserInputException(
          loaded.originOf("stages")
              + ": stages "
              + missing.stream().map(StageName::key).collect(Collectors.joining(", "))
              + " are not available in this version; available: "
              + available.keySet().stream().map(StageName::key).collect(Collectors.joining(", ")));
    }
    return wanted;
  }

  /**
   * Runs every planned stage's {@link Stage#preflight} check, except those {@code done} says
   * finished already (a resumed run skips them).
   */
  public void preflight(LoadedConfig loaded, Map<String, String> env, Predicate<StageName> done) {
    for (StageName name : plan(loaded)) {
      if (!done.test(name)) {
        available.get(name).preflight(loaded, env);
      }
    }
  }

  /** Runs the planned stages; returns the stages that ran (not skipped). */
  public List<StageName> run(RunContext context) throws Exception {
    return run(context, null);
  }

  /**
   * Runs the planned stages, taking each stored stage's output from the stage store when it holds
   * the stage's key and publishing it there after it ran ({@link StageReuse}; null: no store);
   * returns the stages that ran or were reused (not skipped).
   */
  public List<StageName> run(RunContext context, StageReuse reuse) throws Exception {
    List<StageName> ran = new ArrayList<>();
    if (reuse != null) {
      reuse.remember(context.run());
    }
    for (StageName name : plan(context.loaded())) {
      if (context.run().isStageDone(name)) {
        LOG.info("stage {}: already done in {}, skipping", name.key(), context.run().path());
        if (reuse != null) {
          reuse.publishIfMissed(name, context.run());
        }
        continue;
      }
      context.stop().stopIfRequested("before stage " + name.key(), null);
      if (reuse != null && reuse.serves(name)) {
        // one run at a time makes a key's output; the others wait here, then reuse it
        try (var lock = reuse.lock(name)) {
          long start = System.nanoTime();
          var reused = reuse.reuse(name, context.run());
          if (reused.isPresent()) {
            Map<String, Object> record = new LinkedHashMap<>(reused.get());
            record.put("trained_seconds", record.get("seconds"));
            record.put("seconds", Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
            record.put("finished_at", java.time.Instant.now().toString());
            context.run().markStageDone(name, record);
          } else {
            runStage(name, context);
            reuse.publish(name, context.run());
          }
        }
      } else {
        runStage(name, context);
      }
      ran.add(name);
    }
    return ran;
  }

  private void runStage(StageName name, RunContext context) throws Exception {
    LOG.info("stage {}: starting", name.key());
    long start = System.nanoTime();
    Map<String, Object> result = available.get(name).run(context);
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seconds", Math.round(seconds * 1000) / 1000.0);
    record.put("finished_at", java.time.Instant.now().toString());
    record.putAll(result);
    context.run().markStageDone(name, record);
    context.metrics().log(name.key(), 0, Map.of("stage_seconds", seconds));
    LOG.info("stage {}: done in {}", name.key(), String.format("%.1f s", seconds));
  }
}
