package dev.elmrlaif.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes of {@code rlaif bench --compare}, shared by the Java side ({@link JavaFigures}) and
 * {@code bench/pytorch_reference.py --json}, and the list of figures both report, so that the two
 * processes measure the same things under the same keys.
 *
 * @param vocabSize vocabulary (the quickstart: 1024)
 * @param contextLength training sequence length (prompt plus continuation)
 * @param layers transformer blocks
 * @param heads attention heads
 * @param dModels residual widths whose training speed is measured; the first is the base size at
 *     which sampling and the REINFORCE step are measured
 * @param batch rows of a training step
 * @param promptTokens prompt length (one of them the entity placeholder)
 * @param newTokens tokens sampled per row (sampling figures and the REINFORCE step)
 * @param sampleBatches rows of each sampling figure
 * @param contexts distinct prompts of a REINFORCE step
 * @param samplesPerContext samples K per prompt of a REINFORCE step
 * @param gemmSize n of the timed {@code [n, n] x [n, n]} matrix product
 * @param warmups untimed repetitions before each figure, in each process
 * @param runs timed repetitions per figure in each process; their median is the process's figure
 * @param threads intra-op threads on both sides (inter-op: 1)
 * @param rewardTexts texts per timed run of the reward-throughput figure (Java side only: the
 *     MiniLM semantic-consistency reward); 0 leaves the figure out
 */
public record CompareWorkload(
    int vocabSize,
    int contextLength,
    int layers,
    int heads,
    List<Integer> dModels,
    int batch,
    int promptTokens,
    int newTokens,
    List<Integer> sampleBatches,
    int contexts,
    int samplesPerContext,
    int gemmSize,
    int warmups,
    int runs,
    int threads,
    int rewardTexts) {

  /** How a figure compares: a rate (higher is faster), a time (lower is faster) or a share. */
  public enum Kind {
    RATE,
    TIME,
    SHARE
  }

  /**
   * One row of the table.
   *
   * @param key the JSON key both sides use
   * @param label what the row says
   * @param kind how the sides' values turn into a time ratio
   * @param javaOnly measured by the Java side alone (the reference script has no such figure)
   */
  public record Figure(String key, String label, Kind kind, boolean javaOnly) {
    /** A figure both sides measure. */
    public Figure(String key, String label, Kind kind) {
      this(key, label, kind, false);
    }
  }

  public CompareWorkload {
    dModels = List.copyOf(dModels);
    sampleBatches = List.copyOf(sampleBatches);
    if (dModels.isEmpty() || sampleBatches.isEmpty()) {
      throw new IllegalArgumentException("--d-model and --sample-batches: expected at least one");
    }
    for (int d : dModels) {
      if (d < heads || d % heads != 0) {
        throw new IllegalArgumentException(
            "--d-model: found " + d + ", expected a multiple of --heads " + heads);
      }
    }
    if (promptTokens < 3 || promptTokens + newTokens > contextLength) {
      throw new IllegalArgumentException(
          "--prompt-tokens/--new-tokens: found "
              + promptTokens
              + " + "
              + newTokens
              + ", expected 3 <= prompt tokens and prompt + new tokens <= --context "
              + contextLength);
    }
    if (samplesPerContext < 2) {
      throw new IllegalArgumentException(
          "--samples-per-context: found "
              + samplesPerContext
              + ", expected 2 or more (leave-one-out baseline)");
    }
    if (vocabSize < 16
        || batch < 1
        || contexts < 1
        || gemmSize < 1
        || warmups < 0
        || runs < 1
        || threads < 1
        || rewardTexts < 0
        || sampleBatches.stream().anyMatch(b -> b < 1)) {
      throw new IllegalArgumentException(
          "bench --compare: expected --vocab >= 16, --batch, --contexts, --gemm-size, --runs,"
              + " --threads and every --sample-batches >= 1, --warmups and --reward-texts >= 0;"
              + " found "
              + this);
    }
  }

  /** The base width: sampling and the REINFORCE step are measured at it. */
  public int baseDModel() {
    return dModels.get(0);
  }

  /** Every figure of the table, in its order; the measured ones and the derived shares. */
  public List<Figure> figures() {
    List<Figure> figures = new ArrayList<>();
    String base =
        layers + (layers == 1 ? " layer, " : " layers, ") + heads + " heads, vocab " + vocabSize;
    for (int d : dModels) {
      figures.add(
          new Figure(
              trainKey(d),
              "training tokens/s, d_model "
                  + d
                  + " ("
                  + base
                  + "; batch "
                  + batch
                  + " x "
                  + contextLength
                  + "; fwd+bwd+AdamW)",
              Kind.RATE));
    }
    for (int b : sampleBatches) {
      figures.add(
          new Figure(
              "sample_tok_s_b" + b,
              "sampled tokens/s, KV cache, batch "
                  + b
                  + " (d_model "
                  + baseDModel()
                  + ", "
                  + newTokens
                  + " new tokens)",
              Kind.RATE));
    }
    String rl =
        "REINFORCE step, "
            + contexts
            + " contexts x K "
            + samplesPerContext
            + ", "
            + newTokens
            + " new tokens, d_model "
            + baseDModel();
    figures.add(new Figure("reinforce_step_s", rl + ": whole step (s)", Kind.TIME));
    figures.add(new Figure("reinforce_generate_s", rl + ": generation (s)", Kind.TIME));
    figures.add(
        new Figure(
            "reinforce_update_s",
            rl + ": reward, log-probs, loss, backward, AdamW (s)",
            Kind.TIME));
    String sac =
        "SAC step (Java only: the project's SacTrainer, stand-in reward), "
            + contexts
            + " contexts x K "
            + samplesPerContext
            + ", "
            + newTokens
            + " new tokens, d_model "
            + baseDModel();
    figures.add(new Figure("sac_step_s", sac + ": whole step (s)", Kind.TIME, true));
    figures.add(new Figure("sac_generate_s", sac + ": generation (s)", Kind.TIME, true));
    figures.add(new Figure("sac_reward_s", sac + ": reward (s)", Kind.TIME, true));
    figures.add(
        new Figure(
            "sac_update_s",
            sac + ": buffer, critic and policy updates, Polyak (s)",
            Kind.TIME,
            true));
    if (rewardTexts > 0) {
      figures.add(
          new Figure(
              "reward_minilm_texts_s",
              "reward throughput, texts/s (Java only: SC through all-MiniLM-L6-v2 in ONNX Runtime,"
                  + " batches of "
                  + rewardTexts
                  + " distinct 60-word texts, no cache)",
              Kind.RATE,
              true));
    }
    figures.add(
        new Figure(
            "gemm_gflop_s",
            "matMul GFLOP/s, " + gemmSize + " x " + gemmSize + " (the GEMM peak)",
            Kind.RATE));
    for (int d : dModels) {
      figures.add(
          new Figure(
              shareKey(d),
              "training FLOP/s as a share of the GEMM peak, d_model "
                  + d
                  + " (6 x params x tokens/s)",
              Kind.SHARE));
    }
    return figures;
  }

  /** The key of the training figure at width {@code d}. */
  public static String trainKey(int d) {
    return "train_tok_s_d" + d;
  }

  /** The key of the derived FLOP/s share at width {@code d}. */
  public static String shareKey(int d) {
    return "train_share_d" + d;
  }

  /** The key of the parameter count at width {@code d} in each side's info. */
  public static String paramsKey(int d) {
    return "params_d" + d;
  }

  /** The size options, as {@code bench/pytorch_reference.py} and the Java side both read them. */
  public List<String> sizeArguments() {
    return List.of(
        "--vocab",
        Integer.toString(vocabSize),
        "--context",
        Integer.toString(contextLength),
        "--layers",
        Integer.toString(layers),
        "--heads",
        Integer.toString(heads),
        "--d-model",
        join(dModels),
        "--batch",
        Integer.toString(batch),
        "--prompt-tokens",
        Integer.toString(promptTokens),
        "--new-tokens",
        Integer.toString(newTokens),
        "--sample-batches",
        join(sampleBatches),
        "--contexts",
        Integer.toString(contexts),
        "--samples-per-context",
        Integer.toString(samplesPerContext),
        "--gemm-size",
        Integer.toString(gemmSize),
        "--warmups",
        Integer.toString(warmups),
        "--runs",
        Integer.toString(runs),
        "--threads",
        Integer.toString(threads));
  }

  private static String join(List<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }
}
