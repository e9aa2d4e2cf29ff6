package dev.elmrlaif.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.DataStage;
import dev.elmrlaif.algorithms.pipeline.StageKeys;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.algorithms.run.StageStore;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run's use of a {@link StageStore}: before a stored stage runs, its output is taken from the
 * store when the store holds its key ({@code dev.elmrlaif.algorithms.pipeline.StageKeys}); after it
 * runs, its output is published there. Each decision goes to the log ("stage sft: reused KEY from
 * PATH") and to {@code RUN_DIR/stage_reuse.json}:
 *
 * <pre>
 *   {"store": "/abs/DIR",
 *    "stages": [{"stage": "sft", "key": "...", "reused": true, "from": "/abs/DIR/KEY", "link": "symlink"},
 *               {"stage": "rl", "key": "...", "reused": false, "published": "/abs/DIR/KEY"}]}
 * </pre>
 *
 * The file also remembers the store, so {@code rlaif train --resume} goes on using it.
 */
public final class StageReuse {
  private static final Logger LOG = LogManager.getLogger(StageReuse.class);

  /** The run folder's record of the stage store's decisions. */
  public static final String FILE = "stage_reuse.json";

  /**
   * The stages whose whole output is their own folder ({@code RUN_DIR/<stage>/}) plus their
   * completion record, and so can be stored. Eval writes into the run folder's top and the report
   * describes its own run: both always run.
   */
  public static final Set<StageName> STORED =
      EnumSet.of(
          StageName.DATA, StageName.TOKENIZER, StageName.PRETRAIN, StageName.SFT, StageName.RL);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StageStore store;
  private final Map<StageName, String> keys;

  /**
   * @param keys the key of each stage ({@code StageKeys.of})
   */
  public StageReuse(StageStore store, Map<StageName, String> keys) {
    this.store = store;
    this.keys = Map.copyOf(keys);
  }

  /**
   * The data fingerprint of a config's stage keys ({@link StageKeys#dataFingerprint}); for a run
   * without a {@code data} stage whose data cannot be found (a synthetic-CoMDP run), {@code "no
   * data"}.
   */
  public static String dataFingerprint(LoadedConfig loaded, Map<String, String> env) {
    try {
      return StageKeys.dataFingerprint(loaded.config(), env);
    } catch (UserInputException e) {
      if (loaded.config().stages().contains(StageName.DATA)) {
        throw e;
      }
      return "no data";
    }
  }

  /** The store a run folder's {@link #FILE} names, if it has one. */
  public static Optional<Path> rememberedStore(Path runFolder) {
    Path file = runFolder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String store = JSON.readTree(file.toFile()).path("store").asText("");
      return store.isEmpty() ? Optional.empty() : Optional.of(Path.of(store));
    } catch (IOException e) {
      throw new UserInputException(
          file + ": unreadable (" + IoFailures.reason(e) + "); expected the JSON a run writes", e);
    }
  }

  /** The store this run uses. */
  public StageStore store() {
    return store;
  }

  /** Writes {@link #FILE} naming the store (keeping its lines), so a resumed run finds it. */
  public void remember(RunDirectory run) {
    writeNotes(run, noted(run));
  }

  /** Whether this stage goes through the store. */
  public boolean serves(StageName stage) {
    return STORED.contains(stage) && keys.containsKey(stage);
  }

  /** Takes the stage's key lock (waiting while another run makes the same output). */
  public StageStore.Lock lock(StageName stage) {
    return store.lock(keys.get(stage), "stage " + stage.key());
  }

  /**
   * Puts the stored output of {@code stage} into the run folder when the store holds its key;
   * returns its completion record (with {@code reused_from}), or empty when the stage must run.
   * Call it holding {@link #lock}. A damaged entry is deleted, with a warning, and trained again.
   */
  public Optional<Map<String, Object>> reuse(StageName stage, RunDirectory run) {
    String key = keys.get(stage);
    if (!store.contains(key)) {
      return Optional.empty();
    }
    Optional<String> problem = store.problem(key);
    Map<String, Object> stored = problem.isEmpty() ? store.record(key) : Map.of();
    if (problem.isEmpty() && stage == StageName.DATA) {
      Object prepared = stored.get(DataStage.PREPARED_FOLDER);
      if (prepared == null || !Files.isDirectory(Path.of(prepared.toString()))) {
        problem = Optional.of("the prepared data it names, " + prepared + ", is gone");
      }
    }
    if (problem.isPresent()) {
      LOG.warn(
          "stage {}: the stored entry {} is damaged ({}); training the stage again",
          stage.key(),
          store.entry(key),
          problem.get());
      store.remove(key);
      return Optional.empty();
    }
    StageStore.LinkKind link = store.linkInto(key, run.path().resolve(stage.key()));
    LOG.info("stage {}: reused {} from {}", stage.key(), key, store.entry(key));
    Map<String, Object> record = new LinkedHashMap<>(stored);
    record.remove("stage");
    record.put("reused_from", store.entry(key).toString());
    note(run, stage, true, "from", store.entry(key).toString(), link);
    return Optional.of(record);
  }

  /**
   * Publishes a finished stage's output and record into the store (unless the store holds the key
   * already), and notes it; call it holding {@link #lock}.
   */
  public void publish(StageName stage, RunDirectory run) {
    String key = keys.get(stage);
    Map<String, Object> record = run.stageRecord(stage).orElseThrow();
    Path entry = store.publish(key, stage, run.path().resolve(stage.key()), record, run.path());
    LOG.info("stage {}: published {} into {}", stage.key(), key, entry);
    note(run, stage, false, "published", entry.toString(), null);
  }

  /**
   * For a stage a killed run finished but did not publish (it is done and {@link #FILE} does not
   * name it): publishes it now.
   */
  public void publishIfMissed(StageName stage, RunDirectory run) {
    if (!serves(stage)
        || noted(run).stream().anyMatch(n -> n.path("stage").asText().equals(stage.key()))) {
      return;
    }
    if (Files.isSymbolicLink(run.path().resolve(stage.key()))) {
      return; // reused, and killed before it was noted: the store has it
    }
    try (StageStore.Lock lock = lock(stage)) {
      publish(stage, run);
    }
  }

  private List<JsonNode> noted(RunDirectory run) {
    Path file = run.path().resolve(FILE);
    List<JsonNode> stages = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      try {
        JSON.readTree(file.toFile()).path("stages").forEach(stages::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + IoFailures.reason(e), e);
      }
    }
    return stages;
  }

  /** Replaces the stage's line in {@link #FILE} (atomically). */
  private void note(
      RunDirectory run,
      StageName stage,
      boolean reused,
      String where,
      String path,
      StageStore.LinkKind link) {
    List<Object> stages = new ArrayList<>();
    for (JsonNode n : noted(run)) {
      if (!n.path("stage").asText().equals(stage.key())) {
        stages.add(n);
      }
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("stage", stage.key());
    line.put("key", keys.get(stage));
    line.put("reused", reused);
    line.put(where, path);
    if (link != null) {
      line.put("link", link.name().toLowerCase(java.util.Locale.ROOT));
    }
    stages.add(line);
    writeNotes(run, stages);
  }

  private void writeNotes(RunDirectory run, List<?> stages) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("store", store.root().toString());
    file.put("stages", stages);
    run.writeJson(run.path().resolve(FILE), file);
  }
}
