package dev.elmrlaif.app.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each trial of a sweep stands, kept in {@code SWEEP_DIR/trials.json} and rewritten
 * atomically on every change, so a sweep killed at any moment (even {@code kill -9}) is resumed
 * from it: which trials finished, which were running and where (a local process id, a Slurm array
 * task), how many attempts each had and why the last one failed. Thread-safe; every change also
 * calls the listener (the sweep rewrites its results table).
 */
public final class SweepState {
  /** The file in the sweep folder. */
  public static final String FILE = "trials.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Where one trial stands. */
  public enum Status {
    /** Not started, or stopped by the sweep with a checkpoint: the next sweep run starts it. */
    PENDING,
    /** Started (a process or an array task) and not seen ending yet. */
    RUNNING,
    /** Its run finished. */
    DONE,
    /** Its last attempt failed and no retry is left; {@code --resume} tries again. */
    FAILED,
    /** Cancelled outside the sweep (e.g. {@code scancel} of its array task); resumed likewise. */
    CANCELLED
  }

  /**
   * One trial's record.
   *
   * @param status where it stands
   * @param attempts how many times it was started, over every sweep run
   * @param error the last failure: its cause and the last lines of the trial's log; null if none
   * @param pid local: the process of the running attempt, 0 when none
   * @param slurmJob slurm: the array job of the running attempt ({@code JOB_TASK}), null when none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(Status status, int attempts, String error, long pid, String slurmJob) {
    /** The record of a trial that never ran. */
    public static Entry fresh() {
      return new Entry(Status.PENDING, 0, null, 0, null);
    }
  }

  private final Path file;
  private final Map<String, Entry> entries;
  private final java.util.function.Consumer<SweepState> listener;

  private SweepState(
      Path file, Map<String, Entry> entries, java.util.function.Consumer<SweepState> listener) {
    this.file = file;
    this.entries = entries;
    this.listener = listener;
  }

  /**
   * Opens the state of a sweep folder (every trial pending when the file is absent), one entry per
   * trial id in sweep order; {@code listener} is called with the state after every change.
   */
  public static SweepState open(
      Path sweepDir, List<String> ids, java.util.function.Consumer<SweepState> listener) {
    Path file = sweepDir.resolve(FILE);
    Map<String, Entry> saved = Map.of();
    if (Files.isRegularFile(file)) {
      try {
        saved = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Entry>>() {});
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String id : ids) {
      entries.put(id, saved.getOrDefault(id, Entry.fresh()));
    }
    return new SweepState(file, entries, listener);
  }

  /** A trial's record. */
  public synchronized Entry get(String id) {
    return entries.get(id);
  }

  /** Every record, in sweep order. */
  public synchronized Map<String, Entry> snapshot() {
    return new LinkedHashMap<>(entries);
  }

  /** Records a start: running, one more attempt, where it runs. */
  public void started(String id, long pid, String slurmJob) {
    update(id, e -> new Entry(Status.RUNNING, e.attempts() + 1, e.error(), pid, slurmJob));
  }

  /** Records an end (done, failed, cancelled, or pending again after a stop). */
  public void ended(String id, Status status, String error) {
    update(id, e -> new Entry(status, e.attempts(), error, 0, null));
  }

  /** Replaces a record as read on resume (e.g. a finished run found in its folder). */
  public void set(String id, Entry entry) {
    update(id, e -> entry);
  }

  private void update(String id, java.util.function.UnaryOperator<Entry> change) {
    synchronized (this) {
      entries.put(id, change.apply(entries.get(id)));
      try {
        AtomicFiles.writeString(file, JSON.writeValueAsString(entries));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
      }
    }
    listener.accept(this);
  }

  /** The last {@code lines} lines of a log file, joined by " | " (empty when it is unreadable). */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      List<String> last =
          all.subList(Math.max(0, all.size() - lines), all.size()).stream()
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .toList();
      String joined = String.join(" | ", last);
      return joined.length() > 600 ? "..." + joined.substring(joined.length() - 600) : joined;
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }
}
