package dev.elmrlaif.app.pipeline;

import dev.elmrlaif.algorithms.config.LoadedConfig;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.StageKeys;
import dev.elmrlaif.algorithms.run.StageStore;
import dev.elmrlaif.domain.base.UserInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stage store would do for each run of a sweep, found without running or writing anything
 * ({@code rlaif sweep --dry-run --stage-store DIR}): for each stored stage of a run, whether the
 * store already holds its key, an earlier run of the sweep will have made it, or it trains.
 */
public final class StageReusePlan {
  private final StageStore store;
  private final Map<String, String> env;
  private final Map<String, String> madeBy = new HashMap<>();
  private final Map<List<Object>, String> fingerprints = new HashMap<>();

  /**
   * @param env the process environment ({@code RLAIF_DATA}, {@code RLAIF_FILES})
   */
  public StageReusePlan(StageStore store, Map<String, String> env) {
    this.store = store;
    this.env = Map.copyOf(env);
  }

  /**
   * One clause for the run {@code id}, e.g. {@code "stage store: reuses data, tokenizer, pretrain,
   * sft (from p000); trains rl"}; call it for the runs in sweep order.
   */
  public String describe(String id, LoadedConfig loaded) {
    String fingerprint;
    try {
      fingerprint =
          fingerprints.computeIfAbsent(
              List.of(loaded.config().data(), loaded.config().seed()),
              k -> StageReuse.dataFingerprint(loaded, env));
    } catch (UserInputException e) {
      return "stage store: unknown (" + e.getMessage() + ")";
    }
    Map<StageName, String> keys = StageKeys.of(loaded, fingerprint);
    List<String> stored = new ArrayList<>();
    List<String> earlier = new ArrayList<>();
    List<String> trains = new ArrayList<>();
    String from = null;
    for (StageName stage : loaded.config().stages().stream().distinct().sorted().toList()) {
      if (!StageReuse.STORED.contains(stage)) {
        continue;
      }
      String key = keys.get(stage);
      if (store.contains(key)) {
        stored.add(stage.key());
      } else if (madeBy.containsKey(key)) {
        earlier.add(stage.key());
        from = madeBy.get(key);
      } else {
        trains.add(stage.key());
        madeBy.put(key, id);
      }
    }
    List<String> clauses = new ArrayList<>();
    if (!stored.isEmpty()) {
      clauses.add("reuses " + String.join(", ", stored) + " (in the store)");
    }
    if (!earlier.isEmpty()) {
      clauses.add("reuses " + String.join(", ", earlier) + " (from " + from + ")");
    }
    if (!trains.isEmpty()) {
      clauses.add("trains " + String.join(", ", trains));
    }
    return "stage store: " + (clauses.isEmpty() ? "nothing stored" : String.join("; ", clauses));
  }
}
