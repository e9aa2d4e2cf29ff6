package dev.elmrlaif.algorithms.pipeline;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.config.ApiKeyEnv;
import dev.elmrlaif.domain.config.TeacherConfig;
import dev.elmrlaif.domain.config.TeacherMode;
import dev.elmrlaif.domain.data.DataSummary;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PreparedDataStore;
import dev.elmrlaif.domain.data.RewardAvailability;
import dev.elmrlaif.domain.prepare.DataPreparer;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.teacher.OnlineTeacher;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code data} stage: prepares the domain (or reuses the cached preparation of the same
 * inputs), writes its summary into the run folder and remembers where the prepared data lies, so
 * the later stages load exactly what this run prepared. Its record and log say which rewards the
 * data supports and why another is missing ({@link RewardAvailability}).
 */
public final class DataStage implements Stage {
  private static final Logger LOG = LogManager.getLogger(DataStage.class);

  /** Key of the completion record naming the prepared-data folder. */
  public static final String PREPARED_FOLDER = "prepared_folder";

  @Override
  public StageName name() {
    return StageName.DATA;
  }

  /**
   * With the online teacher ({@code data.teacher.mode: online}): its key's variable, when one is
   * named, is set, before anything is written.
   */
  @Override
  public void preflight(LoadedConfig loaded, Map<String, String> env) {
    TeacherConfig teacher = loaded.config().data().teacher();
    if (teacher.mode() == TeacherMode.ONLINE) {
      ApiKeyEnv.read(
          "data.teacher.api_key_env", teacher.apiKeyEnv(), env, OnlineTeacher.endpoint(teacher));
    }
  }

  @Override
  public Map<String, Object> run(RunContext context) {
    long start = System.nanoTime();
    PreparedData data =
        new DataPreparer(context.config().data(), context.config().seed(), context.env())
            .prepare(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    AtomicFiles.writeString(
        context.run().stageDir(name()).resolve("summary.txt"), DataSummary.render(data, seconds));

    int train = count(data.trainExamples());
    int heldOut = count(data.heldOutExamples());
    context
        .metrics()
        .log(name().key(), 0, Map.of("train_examples", train, "held_out_examples", heldOut));
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(PREPARED_FOLDER, data.folder().toAbsolutePath().toString());
    record.put("from_cache", data.fromCache());
    record.put("tasks", data.tasks().size());
    record.put("train_examples", train);
    record.put("held_out_examples", heldOut);
    RewardAvailability rewards = RewardAvailability.of(data);
    LOG.info(
        "data: rewards this data supports:{}{}",
        System.lineSeparator(),
        rewards.describe().stripTrailing());
    record.put("rewards_available", rewards.available());
    record.put("rewards", rewards.reasons());
    return record;
  }

  /** The data a finished {@code data} stage of this run prepared. */
  public static PreparedData load(RunContext context) {
    Object folder =
        context
            .run()
            .stageRecord(StageName.DATA)
            .map(r -> r.get(PREPARED_FOLDER))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the data stage has not finished in "
                            + context.run().path()
                            + "; a stage that reads prepared data needs `data` in `stages`"));
    return new PreparedDataStore().load(Path.of(folder.toString()));
  }

  private static int count(Map<String, List<TaskExample>> examples) {
    return examples.values().stream().mapToInt(List::size).sum();
  }
}
