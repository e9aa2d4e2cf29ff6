package dev.elmrlaif.app.sweep;

import dev.elmrlaif.algorithms.run.StopRequest;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials as one Slurm job array: writes {@code SWEEP_DIR/slurm/submit-N.sh} (one array task
 * per trial, the task id being the trial's index; per-task resources from the sweep's {@code
 * executor} keys), submits it with {@code sbatch}, follows it with {@code squeue -h -r -j ID -t all
 * -o '%i %T'} (and {@code scontrol -o show job} for a task {@code squeue} no longer lists, then the
 * run folder), and records each task's end. A task that fails is submitted again (a new array of
 * just the failed indices) up to {@code retries} times; a task cancelled outside the sweep ({@code
 * scancel JOB_TASK}) is recorded as cancelled and left for {@code --resume}. A sweep killed while
 * its array runs finds the array again on resume (job ids are in the {@link SweepState}) and
 * follows it instead of submitting twice. On SIGTERM / SIGINT the sweep {@code scancel}s its tasks,
 * which get SIGTERM and write a checkpoint. The cluster needs no accounting database (see
 * ../shared/SLURM-NOTES.md).
 */
public final class SlurmExecutor implements TrialExecutor {
  private static final Logger LOG = LogManager.getLogger(SlurmExecutor.class);

  /** Slurm job states of a task that has not ended. */
  private static final Set<String> ALIVE =
      Set.of(
          "PENDING",
          "CONFIGURING",
          "RUNNING",
          "COMPLETING",
          "SUSPENDED",
          "REQUEUED",
          "RESIZING",
          "SIGNALING",
          "STAGE_OUT",
          "STOPPED");

  /** The state of a task that Slurm no longer knows (a finished one aged out, a cancelled one). */
  private static final String GONE = "GONE";

  private final SweepSpec sweep;
  private final ExecutorSettings settings;
  private final JvmLauncher launcher;
  private final Map<String, String> env;
  private final Path sweepDir;
  private final Path workDir;

  /**
   * An executor for one sweep.
   *
   * @param sweep the sweep (its file and the {@code executor} line name the place of a mistake)
   * @param launcher how each task starts {@code rlaif train}
   * @param env the environment whose {@code PATH} has sbatch, squeue, scontrol, scancel (and whose
   *     {@code SLURM_*} settings they read)
   * @param sweepDir the sweep folder (the scripts go to {@code slurm/}, Slurm's own output to
   *     {@code logs/})
   * @param workDir the tasks' working folder
   */
  public SlurmExecutor(
      SweepSpec sweep, JvmLauncher launcher, Map<String, String> env, Path sweepDir, Path workDir) {
    this.sweep = sweep;
    this.settings = sweep.executor();
    this.launcher = launcher;
    this.env = env;
    this.sweepDir = sweepDir;
    this.workDir = workDir;
  }

  // ------------------------------------------------------------------ checks and the plan

  @Override
  public void preflight() {
    // 1. The client is installed.
    Path sbatch = tool("sbatch");
    // 2. The controller answers and accepts these resources: a test submission, nothing queued.
    List<String> test = new ArrayList<>(List.of(sbatch.toString(), "--test-only"));
    test.addAll(resources());
    test.addAll(List.of("--wrap", "true"));
    Result result = exec(test, 60);
    if (result.code() != 0) {
      throw new UserInputException(
          sweep.where(sweep.executorLine())
              + ": executor.kind slurm: sbatch cannot submit ("
              + firstLine(result.output(), "exit code " + result.code())
              + "); check the cluster or the executor keys, or use --executor local");
    }
  }

  @Override
  public List<String> plan(List<Trial> trials) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# slurm: sbatch --array="
            + arraySpec(trials)
            + " "
            + String.join(" ", resources())
            + ", up to "
            + settings.retries()
            + " retry(ies) per task");
    for (Trial trial : trials) {
      lines.add(
          trial.id()
              + " (array task "
              + trial.index()
              + "): "
              + String.join(" ", launcher.command(trial.nextArgs()))
              + " >> "
              + trial.logFile());
    }
    return lines;
  }

  // ------------------------------------------------------------------ running

  @Override
  public void run(List<Trial> trials, SweepState state, Predicate<Trial> finished, StopRequest stop)
      throws IOException, InterruptedException {
    Map<String, Trial> byTaskId = new LinkedHashMap<>(); // "JOB_TASK" of each followed trial
    Map<String, Integer> submissions = new HashMap<>();
    List<Trial> toSubmit = new ArrayList<>();
    // 1. Array tasks a killed sweep left in the queue are followed, not submitted again.
    for (Trial trial : trials) {
      SweepState.Entry entry = state.get(trial.id());
      String alive = entry.slurmJob() == null ? null : taskState(entry.slurmJob());
      if (alive != null && ALIVE.contains(alive)) { // (unanswered: submitted again)
        LOG.info(
            "trial {}: still in Slurm as {} ({}), following it",
            trial.id(),
            entry.slurmJob(),
            alive);
        byTaskId.put(entry.slurmJob(), trial);
      } else {
        toSubmit.add(trial);
      }
    }
    long pollMillis = Math.max(20, Math.round(settings.pollSeconds() * 1000));
    while (!toSubmit.isEmpty() || !byTaskId.isEmpty()) {
      // 2. A stop request: scancel every task (SIGTERM: each writes a checkpoint), keep them
      // pending.
      if (stop.requested()) {
        cancel(byTaskId, state);
        return;
      }
      // 3. Submit what is waiting (the first attempts, then the retries) as one array.
      if (!toSubmit.isEmpty()) {
        String job = submit(toSubmit, submissions.values().stream().mapToInt(i -> i).sum());
        for (Trial trial : toSubmit) {
          String taskId = job + "_" + trial.index();
          submissions.merge(trial.id(), 1, Integer::sum);
          byTaskId.put(taskId, trial);
          state.started(trial.id(), 0, taskId);
        }
        toSubmit.clear();
      }
      Thread.sleep(pollMillis);
      // 4. Record the tasks that ended (a round where squeue does not answer is skipped).
      Map<String, String> states = queueStates(byTaskId.keySet());
      if (states == null) {
        continue;
      }
      for (Map.Entry<String, Trial> followed : List.copyOf(byTaskId.entrySet())) {
        String taskId = followed.getKey();
        Trial trial = followed.getValue();
        String taskState = states.containsKey(taskId) ? states.get(taskId) : taskState(taskId);
        if (taskState == null || ALIVE.contains(taskState)) {
          continue; // still queued or running, or Slurm did not answer
        }
        byTaskId.remove(taskId);
        boolean started = startedIn(trial.logFile(), taskId);
        if (finished.test(trial)) {
          state.ended(trial.id(), SweepState.Status.DONE, null);
          LOG.info("trial {}: done ({})", trial.id(), taskId);
        } else if (taskState.startsWith("CANCELLED") || (taskState.equals(GONE) && !started)) {
          // a pending array task that is cancelled leaves no record at all in Slurm
          String error =
              "Slurm task "
                  + taskId
                  + " was cancelled (scancel)"
                  + (started ? "" : " before it started")
                  + "; --resume runs it again";
          LOG.warn("trial {}: {}", trial.id(), error);
          state.ended(trial.id(), SweepState.Status.CANCELLED, error);
        } else {
          String error =
              "Slurm task "
                  + taskId
                  + " ended "
                  + (taskState.equals(GONE) ? "(no longer known to Slurm)" : taskState)
                  + " before its run finished: "
                  + SweepState.tail(trial.logFile(), 5);
          boolean retry = submissions.getOrDefault(trial.id(), 0) <= settings.retries();
          LOG.warn(
              "trial {} failed ({}); {}", trial.id(), error, retry ? "retrying" : "no retry left");
          state.ended(trial.id(), SweepState.Status.FAILED, error);
          if (retry) {
            toSubmit.add(trial);
          }
        }
      }
    }
  }

  /** Writes the array script of these trials and submits it; returns the job id. */
  private String submit(List<Trial> trials, int serial) throws IOException {
    Path script = sweepDir.resolve("slurm").resolve("submit-" + serial + ".sh");
    Files.createDirectories(script.getParent());
    Files.createDirectories(sweepDir.resolve("logs"));
    Files.writeString(script, script(trials), StandardCharsets.UTF_8);
    Result result = exec(List.of(tool("sbatch").toString(), "--parsable", script.toString()), 120);
    String job = result.output().strip().split("[;\\s]")[0];
    if (result.code() != 0 || !job.matches("\\d+")) {
      throw new UserInputException(
          sweep.where(sweep.executorLine())
              + ": executor.kind slurm: sbatch "
              + script
              + " failed ("
              + firstLine(result.output(), "exit code " + result.code())
              + ")");
    }
    LOG.info("submitted {} trial(s) as Slurm job {} ({})", trials.size(), job, script);
    return job;
  }

  /**
   * The job array script: resources in {@code #SBATCH} lines, then per array task the trial's
   * command: {@code train --resume RUN_DIR} when its run folder already holds a run (a retry or an
   * interrupted attempt), else the fresh {@code train} arguments; stdout and stderr appended to the
   * trial's log.
   */
  String script(List<Trial> trials) {
    StringBuilder s = new StringBuilder("#!/bin/bash\n");
    s.append("#SBATCH --job-name=").append(quote("rlaif-" + sweep.name())).append('\n');
    s.append("#SBATCH --array=").append(arraySpec(trials)).append('\n');
    for (String resource : resources()) {
      s.append("#SBATCH ").append(resource).append('\n');
    }
    s.append("#SBATCH --output=")
        .append(sweepDir.resolve("logs").resolve("slurm-%A_%a.out"))
        .append('\n');
    s.append("#SBATCH --chdir=").append(workDir).append('\n');
    s.append("# Written by rlaif sweep: one array task per trial (task id = trial index).\n");
    s.append("set -u\ncase \"$SLURM_ARRAY_TASK_ID\" in\n");
    for (Trial trial : trials) {
      s.append("  ").append(trial.index()).append(")\n");
      s.append("    log=").append(quote(trial.logFile().toString())).append('\n');
      s.append("    if [ -f ").append(quote(trial.runDir().resolve("config.yaml").toString()));
      s.append(" ]; then\n      set -- ").append(words(launcher.command(trial.resumeArgs())));
      s.append("\n    else\n      set -- ").append(words(launcher.command(trial.trainArgs())));
      s.append("\n    fi ;;\n");
    }
    s.append("  *) echo \"no trial for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n");
    s.append(
        "printf '== %s attempt (Slurm task %s_%s on %s): %s\\n' \"$(date -u +%FT%TZ)\""
            + " \"$SLURM_ARRAY_JOB_ID\" \"$SLURM_ARRAY_TASK_ID\" \"$(hostname)\" \"$*\" >> \"$log\"\n");
    s.append("exec \"$@\" >> \"$log\" 2>&1\n");
    return s.toString();
  }

  /** The per-task resources, as sbatch options. */
  private List<String> resources() {
    List<String> options = new ArrayList<>();
    options.add("--cpus-per-task=" + settings.cpusPerTask());
    options.add("--mem=" + settings.mem());
    options.add("--time=" + settings.time());
    if (!settings.partition().isBlank()) {
      options.add("--partition=" + settings.partition());
    }
    return options;
  }

  private String arraySpec(List<Trial> trials) {
    String indices = String.join(",", trials.stream().map(t -> String.valueOf(t.index())).toList());
    return indices + (settings.maxParallel() > 0 ? "%" + settings.maxParallel() : "");
  }

  // ------------------------------------------------------------------ asking Slurm

  /**
   * The states {@code squeue} reports for the jobs of these task ids ({@code JOB_TASK} to state);
   * null when squeue did not answer (the round is skipped).
   */
  private Map<String, String> queueStates(Set<String> taskIds) {
    Map<String, String> states = new HashMap<>();
    Set<String> jobs = new java.util.TreeSet<>();
    taskIds.forEach(id -> jobs.add(id.substring(0, id.indexOf('_'))));
    if (jobs.isEmpty()) {
      return states;
    }
    Result result =
        exec(
            List.of(
                tool("squeue").toString(),
                "-h",
                "-r",
                "-t",
                "all",
                "-j",
                String.join(",", jobs),
                "-o",
                "%i %T"),
            60);
    if (result.code() != 0) {
      if (result.output().toLowerCase(java.util.Locale.ROOT).contains("invalid job id")) {
        return states; // Slurm forgot every one of these jobs
      }
      LOG.debug("squeue did not answer: {}", result.output());
      return null;
    }
    for (String line : result.output().lines().toList()) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length == 2) {
        states.put(parts[0], parts[1]);
      }
    }
    return states;
  }

  /**
   * One task's state from {@code scontrol -o show job JOB_TASK}: {@link #GONE} when Slurm no longer
   * knows it, null when scontrol did not answer.
   */
  private String taskState(String taskId) {
    Result result = exec(List.of(tool("scontrol").toString(), "-o", "show", "job", taskId), 60);
    if (result.code() != 0) {
      String out = result.output().toLowerCase(java.util.Locale.ROOT);
      return out.contains("invalid job id") || out.contains("not found") ? GONE : null;
    }
    for (String field : result.output().split("\\s+")) {
      if (field.startsWith("JobState=")) {
        return field.substring("JobState=".length());
      }
    }
    return null;
  }

  private void cancel(Map<String, Trial> byTaskId, SweepState state) throws InterruptedException {
    if (byTaskId.isEmpty()) {
      return;
    }
    LOG.warn("stopping: scancel {} (each task writes a checkpoint)", byTaskId.keySet());
    List<String> command = new ArrayList<>(List.of(tool("scancel").toString()));
    command.addAll(byTaskId.keySet());
    exec(command, 60);
    for (int i = 0; i < 600 && !byTaskId.isEmpty(); i++) {
      Map<String, String> states = queueStates(byTaskId.keySet());
      if (states != null) {
        byTaskId.keySet().removeIf(id -> !ALIVE.contains(states.getOrDefault(id, GONE)));
      }
      Thread.sleep(200);
    }
    for (String id : state.snapshot().keySet()) {
      if (state.get(id).status() == SweepState.Status.RUNNING) {
        state.ended(id, SweepState.Status.PENDING, "stopped by the sweep; resumes");
      }
    }
  }

  /** A Slurm command found on the environment's PATH. */
  private Path tool(String name) {
    String path = env.getOrDefault("PATH", "");
    for (String folder : path.split(java.io.File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, name))) {
        return Path.of(folder, name);
      }
    }
    throw new UserInputException(
        sweep.where(sweep.executorLine())
            + ": executor.kind slurm: `"
            + name
            + "` is not on PATH; install Slurm's client (slurm-client) or use --executor local");
  }

  private record Result(int code, String output) {}

  private Result exec(List<String> command, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().putAll(env);
      builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(124, command.get(0) + " did not answer in " + timeoutSeconds + " s");
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, command.get(0) + ": interrupted");
    }
  }

  /** Whether the task's script began (it writes its attempt line into the trial's log first). */
  private static boolean startedIn(Path log, String taskId) {
    try {
      return Files.isRegularFile(log)
          && Files.readString(log).contains("Slurm task " + taskId + " ");
    } catch (IOException e) {
      return true; // unreadable: assume it ran, so the failure is reported and retried
    }
  }

  private static String firstLine(String text, String otherwise) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(otherwise);
  }

  /** Single-quoted for bash. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static String words(List<String> command) {
    return String.join(" ", command.stream().map(SlurmExecutor::quote).toList());
  }
}
