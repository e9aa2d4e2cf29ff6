package dev.elmrlaif.app.sweep;

import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;

/**
 * The sweep file's {@code executor:} section: where a sweep's trials run and with what resources.
 * Each trial is a separate {@code rlaif train} process, so the executor decides how many run at
 * once and how many threads each gets; the whole machine (local) or the cluster's scheduler (slurm)
 * is never asked for more cores than it has.
 *
 * @param kind where the trials run
 * @param cores local: the core budget shared by the trials running at once
 * @param cpusPerTask each trial's threads (the run config's {@code threads}) and Slurm CPUs
 * @param retries how many times a failed trial is started again
 * @param mem slurm: each trial's memory ({@code sbatch --mem})
 * @param time slurm: each trial's time limit ({@code sbatch --time})
 * @param partition slurm: the partition, empty for the cluster's default
 * @param maxParallel slurm: the most array tasks running at once ({@code --array=...%N}), 0 for no
 *     limit
 * @param pollSeconds how often the sweep looks at its trials' state
 */
public record ExecutorSettings(
    @Doc(
            "Where the trials run: local (separate JVMs on this machine) or slurm (an sbatch job array).")
        @Default("local")
        Kind kind,
    @Doc("local: cores shared by the trials running at once; 0 means every available core.")
        @Default("0")
        @Range(min = 0)
        int cores,
    @Doc("Threads of each trial (the run config's `threads`); under Slurm also --cpus-per-task.")
        @Default("1")
        @Range(min = 1)
        int cpusPerTask,
    @Doc("How many times a failed trial is started again (a cancelled one waits for --resume).")
        @Default("1")
        @Range(min = 0)
        int retries,
    @Doc("slurm: memory of each trial, as sbatch --mem takes it (e.g. 4G).") @Default("4G")
        String mem,
    @Doc("slurm: time limit of each trial, as sbatch --time takes it (e.g. 01:00:00).")
        @Default("01:00:00")
        String time,
    @Doc("slurm: the partition to submit to; empty for the cluster's default.") @Default("")
        String partition,
    @Doc("slurm: the most array tasks running at once (--array=...%N); 0 for no limit.")
        @Default("0")
        @Range(min = 0)
        int maxParallel,
    @Doc("Seconds between two looks at the trials' state (squeue, or the local processes).")
        @Default("1")
        @Range(min = 0.05)
        double pollSeconds) {

  /** Where the trials run. */
  public enum Kind {
    /** Separate JVM processes on this machine, as many at once as the core budget allows. */
    LOCAL,
    /** One Slurm job array, one task per trial. */
    SLURM
  }

  /** Every key at its default. */
  public static ExecutorSettings defaults() {
    return new ExecutorSettings(Kind.LOCAL, 0, 1, 1, "4G", "01:00:00", "", 0, 1.0);
  }

  /** The same settings run by another executor (the {@code --executor} option). */
  public ExecutorSettings withKind(Kind other) {
    return new ExecutorSettings(
        other, cores, cpusPerTask, retries, mem, time, partition, maxParallel, pollSeconds);
  }

  /** local: how many trials run at once: the core budget over each trial's threads, at least 1. */
  public int parallelTrials() {
    int budget = cores > 0 ? cores : Runtime.getRuntime().availableProcessors();
    return Math.max(1, budget / cpusPerTask);
  }
}
