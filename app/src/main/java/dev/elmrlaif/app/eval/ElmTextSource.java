package dev.elmrlaif.app.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained ELM's greedy texts for any slot vectors (the experiments' ELM): the model folder is
 * loaded once, prompts are generated in batches of {@code batchSize} with at most {@code
 * maxNewTokens} new tokens, as the evaluation's own generations. Greedy decoding makes the text a
 * function of the vector, so a curve over weights or steps moves only because the vector does.
 */
public final class ElmTextSource implements TextSource, AutoCloseable {
  private final Elm elm;
  private final ElmTokenizer tokenizer;
  private final ElmExamples encoder;
  private final int batchSize;
  private final int maxNewTokens;
  private final long seed;

  /** Loads the model folder {@code folder} (weights and tokenizer) onto {@code device}. */
  public ElmTextSource(
      PreparedData data, Path folder, Device device, int batchSize, int maxNewTokens, long seed) {
    this.elm = ElmCheckpoint.load(folder, device, DataType.FLOAT32);
    this.tokenizer = ElmTokenizer.load(folder.resolve(ElmCheckpoint.TOKENIZER_FILE));
    this.encoder = ElmExamples.forModel(data, elm.config(), tokenizer);
    this.batchSize = batchSize;
    this.maxNewTokens = maxNewTokens;
    this.seed = seed;
  }

  @Override
  public List<String> texts(List<TaskExample> examples, List<float[][]> slots) {
    List<String> texts = new ArrayList<>();
    int context = elm.config().lm().contextLength();
    for (int start = 0; start < examples.size(); start += batchSize) {
      int end = Math.min(examples.size(), start + batchSize);
      // 1. the prompts, each slot's placeholder fed with the given vector
      List<ElmPrompt> prompts = new ArrayList<>();
      int longest = 0;
      for (int i = start; i < end; i++) {
        ElmPrompt prompt = encoder.prompt(examples.get(i), slots.get(i));
        prompts.add(prompt);
        longest = Math.max(longest, prompt.tokenIds().length);
      }
      // 2. greedy continuations within the context, decoded
      int maxNew = Math.min(maxNewTokens, context - longest + 1);
      SampleResult result =
          Sampler.sample(elm, prompts, SamplingConfig.greedy(maxNew), seed + start);
      for (int row = 0; row < result.rows(); row++) {
        texts.add(tokenizer.decodeGenerated(result.continuation(row)));
      }
    }
    return texts;
  }

  @Override
  public void close() {
    tokenizer.close();
    elm.close();
  }
}
