package dev.elmrlaif.app.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.elmrlaif.algorithms.train.ElmExamples;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A trained ELM's texts for any slot vectors (the experiments' ELM), decoded as the evaluation
 * decodes its held-out prompts ({@link HeldOutDecoding}: greedy, one sample or best-of-N), so that
 * a curve at a real entity's vector reads as {@code eval.md} does. The model folder is loaded once.
 * Every call draws with the same seeds, so the texts at two nearby vectors share their random draws
 * and a curve over weights or steps moves because the vector does, not because the draws do.
 */
final class ElmTextSource implements TextSource, AutoCloseable {
  private final Elm elm;
  private final ElmTokenizer tokenizer;
  private final ElmExamples encoder;
  private final Map<String, TaskSpec> tasks;
  private final HeldOutDecoding decoding;
  private final long seed;

  /** Loads the model folder {@code folder} (weights and tokenizer) onto {@code device}. */
  ElmTextSource(
      PreparedData data, Path folder, Device device, HeldOutDecoding decoding, long seed) {
    this.elm = ElmCheckpoint.load(folder, device, DataType.FLOAT32);
    this.tokenizer = ElmTokenizer.load(folder.resolve(ElmCheckpoint.TOKENIZER_FILE));
    this.encoder = ElmExamples.forModel(data, elm.config(), tokenizer);
    this.tasks =
        data.tasks().stream().collect(Collectors.toMap(TaskSpec::name, Function.identity()));
    this.decoding = decoding;
    this.seed = seed;
  }

  @Override
  public List<String> texts(List<TaskExample> examples, List<float[][]> slots) {
    List<String> texts = new ArrayList<>(examples.size());
    // one decoding call per run of examples of the same task (the experiments pass one task)
    for (int start = 0; start < examples.size(); ) {
      String task = examples.get(start).task();
      int end = start;
      List<ElmPrompt> prompts = new ArrayList<>();
      while (end < examples.size() && examples.get(end).task().equals(task)) {
        prompts.add(encoder.prompt(examples.get(end), slots.get(end)));
        end++;
      }
      List<int[]> kept =
          decoding.decode(
              elm, tokenizer, tasks.get(task), prompts, slots.subList(start, end), seed + start);
      kept.forEach(continuation -> texts.add(tokenizer.decodeGenerated(continuation)));
      start = end;
    }
    return texts;
  }

  @Override
  public void close() {
    tokenizer.close();
    elm.close();
  }
}
