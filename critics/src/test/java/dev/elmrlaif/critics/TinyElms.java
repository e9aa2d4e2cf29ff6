package dev.elmrlaif.critics;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import java.util.List;

/** A tiny ELM with an adapter (vocabulary 11, token 10 the placeholder) for the critic tests. */
final class TinyElms {
  static final int VOCAB = 11;
  static final int PLACEHOLDER = 10;
  static final int DOMAIN_DIM = 3;

  private TinyElms() {}

  static Elm elm(DataType dataType, long seed) {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(VOCAB)
            .contextLength(12)
            .layers(1)
            .heads(2)
            .dModel(8)
            .mlpRatio(2)
            .initStd(0.3)
            .build();
    ElmConfig config =
        new ElmConfig(lm, new AdapterConfig(DOMAIN_DIM, 4, 0.3), List.of(PLACEHOLDER), 0, 0);
    return Elm.initialize(config, Device.cpu(), dataType, seed);
  }

  /** A prompt {@code [1, <entity>, 2, ...]} whose entity is {@code (x, -x, 2x)}. */
  static ElmPrompt prompt(float x, int... tail) {
    int[] ids = new int[2 + tail.length];
    ids[0] = 1;
    ids[1] = PLACEHOLDER;
    System.arraycopy(tail, 0, ids, 2, tail.length);
    return new ElmPrompt(ids, new float[][] {{x, -x, 2 * x}});
  }
}
