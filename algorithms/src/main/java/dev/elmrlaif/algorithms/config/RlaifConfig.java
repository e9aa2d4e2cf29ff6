package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.algorithms.rl.reinforce.ReinforceConfig;
import dev.elmrlaif.algorithms.rl.sac.SacConfig;
import dev.elmrlaif.algorithms.rl.softq.SoftQConfig;
import dev.elmrlaif.algorithms.synthetic.SyntheticConfig;
import dev.elmrlaif.domain.config.ConfigException;
import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.OptionalSection;
import dev.elmrlaif.domain.config.Range;
import dev.elmrlaif.domain.config.TextEncoderKind;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Locale;

/**
 * The whole configuration of a run, as read from YAML by {@link ConfigLoader}. Every key has a
 * default (see {@link #defaults()}) and a one-line {@link Doc description}; {@code rlaif train
 * CONFIG --print-config} shows them all.
 */
@RecordBuilder
public record RlaifConfig(
    @Doc("Run name: runs/<name>/<timestamp>/; empty means the config file's name") @Default("")
        String name,
    @Doc("Master random seed; every component derives its own seed from it")
        @Range(min = 0)
        @Default("42")
        long seed,
    @Doc("Compute device: auto, cpu, gpu or gpu:N") @Default("auto") String device,
    @Doc("PyTorch intra-op threads; 0 means one per core") @Range(min = 0, max = 1024) @Default("0")
        int threads,
    @Doc("Stages to run, in pipeline order; each skips when its outputs exist")
        @Default("[data, tokenizer, report]")
        List<StageName> stages,
    @Doc("Domain data: where it lives and how it is split") DataConfig data,
    @Doc("The tokenizer: trained on the training split, or a pretrained one")
        TokenizerConfig tokenizer,
    @Doc(
            "The language model: a local GPT-2 folder, or the small GPT pretrained here; the adapter's shape")
        ModelConfig model,
    @Doc("Causal-LM pretraining of the small GPT on the training corpus") PretrainConfig pretrain,
    @Doc("Two-stage supervised ELM training: adapter, then everything or LoRA") SftConfig sft,
    @Doc("KL-regularised RL after sft: algorithms, steps, environment, checkpoints, KL budget")
        RlConfig rl,
    @Doc("REINFORCE with KL control: samples per context, optimiser, KL regulariser, baseline")
        ReinforceConfig reinforce,
    @Doc("Soft actor-critic: replay, critics, alpha controller, update-to-data ratio")
        SacConfig sac,
    @Doc("Soft Q-learning of Q* and distillation of pi* into the ELM: data, replay, critic, alpha")
        SoftQConfig softQ,
    @Doc(
            "The synthetic CoMDP (rl.environment = synthetic): vocabulary, horizon, beta, pi_ref, reward")
        SyntheticConfig synthetic,
    @Doc("Consistency on held-out entities beside baselines") EvalConfig eval,
    @Doc("App. D's two-stage toy, run by the sft stage instead of ELM training; absent: off")
        @OptionalSection
        TwoStageToyConfig twoStageToy,
    @Doc("Optimisation settings shared by the training stages") TrainerConfig trainer,
    @Doc("Progress display and metric sinks") LoggingConfig logging)
    implements RlaifConfigBuilder.With {

  public RlaifConfig {
    stages = List.copyOf(stages);
    try {
      DeviceSpec.parse(device); // rejects a malformed device early, naming the key
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "device",
          "expected auto, cpu, gpu or gpu:N, found "
              + (device == null ? "null" : "\"" + device + "\""));
    }
    // the quantized MiniLM's vectors stand in for the full model's only
    if (eval != null
        && data != null
        && eval.bestOfEncoder() == BestOfEncoder.MINILM_Q
        && data.textEncoder() != TextEncoderKind.MINILM) {
      throw new ConfigException(
          "eval.best_of_encoder",
          "found minilm_q with data.text_encoder "
              + data.textEncoder().name().toLowerCase(Locale.ROOT)
              + ", expected data_encoder (minilm_q stands in for minilm only)");
    }
  }

  /** The defaults every config starts from. */
  public static RlaifConfig defaults() {
    return ConfigKeys.defaults(RlaifConfig.class);
  }
}
