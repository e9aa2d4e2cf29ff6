package dev.elmrlaif.app.sweep;

import dev.elmrlaif.algorithms.run.StopRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials as separate JVM processes on this machine, as many at once as the core budget allows
 * ({@link ExecutorSettings#parallelTrials}: {@code cores / cpus_per_task}), each with its stdout
 * and stderr appended to its log. A trial that a killed sweep left running is waited for rather
 * than started again: it is recognised by its run folder among a live process's arguments, so that
 * a sweep killed between starting a process and recording its id in the {@link SweepState} does not
 * start the trial a second time. On SIGTERM / SIGINT of the sweep each running trial gets SIGTERM
 * (it finishes its step and writes a checkpoint) and is waited for.
 */
public final class LocalExecutor implements TrialExecutor {
  private static final Logger LOG = LogManager.getLogger(LocalExecutor.class);

  private final ExecutorSettings settings;
  private final JvmLauncher launcher;

  /** An executor with the sweep's settings, starting trials with {@code launcher}. */
  public LocalExecutor(ExecutorSettings settings, JvmLauncher launcher) {
    this.settings = settings;
    this.launcher = launcher;
  }

  @Override
  public void preflight() {}

  @Override
  public List<String> plan(List<Trial> trials) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# local: "
            + settings.parallelTrials()
            + " trial(s) at once, "
            + settings.cpusPerTask()
            + " thread(s) each, up to "
            + settings.retries()
            + " retry(ies) per trial");
    for (Trial trial : trials) {
      lines.add(
          trial.id()
              + ": "
              + String.join(" ", launcher.command(trial.nextArgs()))
              + " >> "
              + trial.logFile());
    }
    return lines;
  }

  /** A running attempt: our own child process, or one a killed sweep left behind. */
  private record Running(Trial trial, ProcessHandle handle, Process process) {}

  @Override
  public void run(List<Trial> trials, SweepState state, Predicate<Trial> finished, StopRequest stop)
      throws IOException, InterruptedException {
    Deque<Trial> queue = new ArrayDeque<>();
    Map<String, Running> running = new LinkedHashMap<>();
    Map<String, Integer> startsThisRun = new HashMap<>();
    // 1. Trials a killed sweep left running are followed, not started a second time.
    Map<ProcessHandle, List<String>> live = liveProcesses();
    for (Trial trial : trials) {
      Optional<ProcessHandle> orphan = orphan(trial, live);
      if (orphan.isPresent()) {
        LOG.info("trial {}: still running as process {}, waiting for it", trial.id(), orphan.get());
        if (state.get(trial.id()).pid() != orphan.get().pid()) {
          // killed after the process started and before its id was recorded
          state.started(trial.id(), orphan.get().pid(), null);
        }
        running.put(trial.id(), new Running(trial, orphan.get(), null));
      } else {
        queue.add(trial);
      }
    }
    long pollMillis = Math.max(20, Math.round(settings.pollSeconds() * 1000));
    while (!queue.isEmpty() || !running.isEmpty()) {
      // 2. A stop request: every running trial checkpoints and stays pending.
      if (stop.requested()) {
        stopAll(running.values(), state);
        return;
      }
      // 3. Start trials while the core budget allows.
      while (running.size() < settings.parallelTrials() && !queue.isEmpty()) {
        Trial trial = queue.poll();
        startsThisRun.merge(trial.id(), 1, Integer::sum);
        running.put(trial.id(), start(trial, state));
      }
      // 4. Record the trials that ended; a failure goes back to the queue while retries are left.
      for (Running r : List.copyOf(running.values())) {
        if (r.handle().isAlive()) {
          continue;
        }
        running.remove(r.trial().id());
        Trial trial = r.trial();
        int code = r.process() != null ? r.process().waitFor() : finished.test(trial) ? 0 : -1;
        if (code == 0 && finished.test(trial)) {
          state.ended(trial.id(), SweepState.Status.DONE, null);
          LOG.info("trial {}: done", trial.id());
          continue;
        }
        String error =
            (code == -1 ? "its process ended before the run finished" : "exit code " + code)
                + ": "
                + SweepState.tail(trial.logFile(), 5);
        boolean retry = startsThisRun.getOrDefault(trial.id(), 0) <= settings.retries();
        LOG.warn(
            "trial {} failed ({}); {}",
            trial.id(),
            error,
            retry ? "starting it again" : "no retry left, see " + trial.logFile());
        state.ended(trial.id(), SweepState.Status.FAILED, error);
        if (retry) {
          queue.addLast(trial);
        }
      }
      if (!queue.isEmpty() || !running.isEmpty()) {
        Thread.sleep(pollMillis);
      }
    }
  }

  private Running start(Trial trial, SweepState state) throws IOException {
    List<String> command = launcher.command(trial.nextArgs());
    Files.createDirectories(trial.logFile().getParent());
    Files.writeString(
        trial.logFile(),
        "== " + Instant.now() + " attempt: " + String.join(" ", command) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(trial.logFile().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process process = builder.start();
    state.started(trial.id(), process.pid(), null);
    LOG.info("trial {}: started (process {}): {}", trial.id(), process.pid(), trial.nextArgs());
    return new Running(trial, process.toHandle(), process);
  }

  /**
   * The live process a killed sweep left for this trial: one with the trial's run folder among its
   * arguments (as {@code --run-dir DIR} or {@code --resume DIR}), whether or not its id was
   * recorded. The argument must match whole, so {@code t01-s1} is not taken for {@code t01-s10}.
   */
  private static Optional<ProcessHandle> orphan(
      Trial trial, Map<ProcessHandle, List<String>> live) {
    String runDir = trial.runDir().toString();
    return live.entrySet().stream()
        .filter(e -> e.getValue().contains(runDir) && e.getKey().isAlive())
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** Every live process but this one, with its arguments (empty when they cannot be read). */
  private static Map<ProcessHandle, List<String>> liveProcesses() {
    long self = ProcessHandle.current().pid();
    Map<ProcessHandle, List<String>> live = new LinkedHashMap<>();
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .forEach(h -> live.put(h, arguments(h)));
    return live;
  }

  /**
   * A process's arguments, the command first: from {@code /proc/PID/cmdline} where there is one
   * (Linux), since {@code ProcessHandle.Info} stops at 4096 characters, which a long {@code -cp}
   * passes before the run folder; else what {@code ProcessHandle} reports.
   */
  private static List<String> arguments(ProcessHandle process) {
    Path proc = Path.of("/proc", String.valueOf(process.pid()), "cmdline");
    try {
      if (Files.isReadable(proc)) {
        return List.of(
            new String(Files.readAllBytes(proc), java.nio.charset.StandardCharsets.UTF_8)
                .split("\0"));
      }
    } catch (IOException e) {
      LOG.debug("cannot read {}", proc, e);
    }
    ProcessHandle.Info info = process.info();
    List<String> arguments = new ArrayList<>();
    info.command().ifPresent(arguments::add);
    info.arguments().ifPresent(a -> arguments.addAll(List.of(a)));
    return arguments;
  }

  private static void stopAll(java.util.Collection<Running> running, SweepState state)
      throws InterruptedException {
    for (Running r : running) {
      LOG.warn("stopping trial {} (SIGTERM: it writes a checkpoint)", r.trial().id());
      r.handle().destroy();
    }
    for (Running r : running) {
      try {
        r.handle().onExit().get();
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.debug("waiting for trial {}", r.trial().id(), e);
      }
      state.ended(r.trial().id(), SweepState.Status.PENDING, "stopped by the sweep; resumes");
    }
  }
}
