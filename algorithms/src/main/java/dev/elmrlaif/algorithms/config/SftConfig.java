package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * The {@code sft} stage: two-stage supervised ELM training (paper Sec. 2, App. D). Stage 1 trains
 * only the adapter with the LM frozen; stage 2 trains everything, or LoRA plus the adapter. The
 * loss is the cross-entropy of the target tokens only. One model is trained per entity kind of the
 * tasks' first slot, as the paper does: for MovieLens {@code movie} (all movie tasks) and {@code
 * user} (the user-profile task); a file domain has its own kinds. Batch size, warm-up, weight
 * decay, clipping, checkpoint and log intervals come from the shared {@code trainer} section.
 */
@RecordBuilder
public record SftConfig(
    @Doc("two_stage, stage1_only (adapter only) or stage2_only") @Default("two_stage")
        SftSchedule schedule,
    @Doc(
            "Models to train, by the entity kind their tasks' first slot describes (MovieLens: movie, user); "
                + "empty means every such kind of the prepared tasks")
        @Default("[]")
        List<String> models,
    @Doc("Stage 1 steps: adapter only, LM frozen") @Range(min = 0) @Default("300") int stage1Steps,
    @Doc("Stage 2 steps: everything, or LoRA + adapter") @Range(min = 0) @Default("1000")
        int stage2Steps,
    @Doc("Stage 1 peak learning rate; 0 means trainer.learning_rate")
        @Range(min = 0, max = 10)
        @Default("1e-3")
        double stage1LearningRate,
    @Doc("Stage 2 peak learning rate; 0 means trainer.learning_rate")
        @Range(min = 0, max = 10)
        @Default("0")
        double stage2LearningRate,
    @Doc("What stage 2 trains: full (every parameter) or lora (LoRA tensors + adapter)")
        @Default("full")
        Stage2Parameters stage2Trains,
    @Doc("LoRA rank when stage2_trains is lora") @Range(min = 1, max = 4096) @Default("8")
        int loraRank,
    @Doc("LoRA alpha (the update is scaled by alpha / rank)")
        @Range(min = 0, max = 1e6, minExclusive = true)
        @Default("16")
        double loraAlpha,
    @Doc("Held-out loss every N steps (and at every sub-stage end); 0 means only at the ends")
        @Range(min = 0)
        @Default("200")
        int evalEvery,
    @Doc("Held-out examples per held-out loss") @Range(min = 1, max = 1000000) @Default("64")
        int evalExamples,
    @Doc("Floor of the cosine decay as a fraction of the peak learning rate")
        @Range(min = 0, max = 1)
        @Default("0.1")
        double minLearningRateRatio,
    @Doc(
            "Batch examples of similar length (Hugging Face's group_by_length): each epoch's random"
                + " order is sorted by length within megabatches of 50 batches, so right-padded"
                + " batches of tasks with short and long targets pad less")
        @Default("false")
        boolean groupByLength)
    implements SftConfigBuilder.With {

  public SftConfig {
    if (schedule == null) {
      throw new ConfigException(
          "schedule", "missing; expected two_stage, stage1_only or stage2_only");
    }
    if (stage2Trains == null) {
      throw new ConfigException("stage2_trains", "missing; expected full or lora");
    }
    models = models == null ? List.of() : List.copyOf(models);
    for (String model : models) {
      if (model == null || model.isBlank()) {
        throw new ConfigException(
            "models", "found an empty name, expected entity kinds such as movie or user");
      }
    }
  }

  /**
   * The models this config trains, given the entity kinds of the prepared tasks' first slots (in
   * task order): all of those kinds when {@code models} is empty, else {@code models} (a listed
   * kind without tasks is skipped by the sft stage, with a warning).
   */
  public List<String> modelKinds(List<String> taskKinds) {
    return models.isEmpty() ? taskKinds.stream().distinct().toList() : models;
  }

  /** Whether stage 1 runs under this schedule. */
  public boolean runsStage1() {
    return schedule != SftSchedule.STAGE2_ONLY && stage1Steps > 0;
  }

  /** Whether stage 2 runs under this schedule. */
  public boolean runsStage2() {
    return schedule != SftSchedule.STAGE1_ONLY && stage2Steps > 0;
  }

  /** The defaults every config starts from. */
  public static SftConfig defaults() {
    return ConfigKeys.defaults(SftConfig.class);
  }
}
