package dev.elmrlaif.algorithms.train;

import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns task examples into ELM inputs: the prompt's token ids (each placeholder {@code
 * <|entity_k|>} a single id) with the domain embedding of each slot's entity, and the target's
 * token ids followed by the end token, cut so that prompt plus target fit the model's context.
 */
public final class ElmExamples {
  private final Map<String, TaskSpec> tasks = new LinkedHashMap<>();
  private final InMemoryDomain domain;
  private final ElmTokenizer tokenizer;
  private final int contextLength;
  private final int endToken;

  /** One example as the model sees it. */
  public record Encoded(TaskExample example, ElmPrompt prompt, int[] target) {}

  /**
   * @param endToken the model's end-of-text id, appended to every target
   */
  /** The examples of {@code data}'s tasks for a model of shape {@code config} and its tokenizer. */
  public static ElmExamples forModel(PreparedData data, ElmConfig config, ElmTokenizer tokenizer) {
    return new ElmExamples(
        data.tasks(), data.domain(), tokenizer, config.lm().contextLength(), config.endTokenId());
  }

  public ElmExamples(
      List<TaskSpec> tasks,
      InMemoryDomain domain,
      ElmTokenizer tokenizer,
      int contextLength,
      int endToken) {
    tasks.forEach(t -> this.tasks.put(t.name(), t));
    this.domain = domain;
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
    this.endToken = endToken;
  }

  /** The task of an example. */
  public TaskSpec task(TaskExample example) {
    TaskSpec task = tasks.get(example.task());
    if (task == null) {
      throw new UserInputException(
          "example of task '"
              + example.task()
              + "': not among the prepared tasks "
              + tasks.keySet());
    }
    return task;
  }

  /** The domain embedding of each slot, in slot order. */
  public float[][] entities(TaskExample example) {
    TaskSpec task = task(example);
    float[][] entities = new float[task.slots().size()][];
    for (int slot = 0; slot < entities.length; slot++) {
      String spaceName = task.slots().get(slot).space();
      EmbeddingSpace space = domain.spaces().get(spaceName);
      if (space == null) {
        throw new UserInputException(
            "task '"
                + task.name()
                + "', slot "
                + slot
                + ": embedding space '"
                + spaceName
                + "' is not in the prepared data; expected one of "
                + domain.spaces().keySet());
      }
      entities[slot] = space.vector(example.entities().get(slot));
    }
    return entities;
  }

  /** The prompt of an example, with its entities. */
  public ElmPrompt prompt(TaskExample example) {
    return prompt(example, entities(example));
  }

  /** The prompt of an example with other entity vectors in its slots (e.g. a random embedding). */
  public ElmPrompt prompt(TaskExample example, float[][] entities) {
    int[] ids = toInts(tokenizer.encode(example.prompt()));
    if (ids.length >= contextLength) {
      throw new UserInputException(
          "task '"
              + example.task()
              + "': the prompt has "
              + ids.length
              + " tokens, expected fewer than model.context_length="
              + contextLength);
    }
    return new ElmPrompt(ids, entities);
  }

  /**
   * Prompt and target of an example; the target is cut to fit the context and ends with the end
   * token when it fits.
   */
  public Encoded encode(TaskExample example) {
    ElmPrompt prompt = prompt(example);
    int room = contextLength - prompt.tokenIds().length;
    int[] text = toInts(tokenizer.encode(example.target()));
    int[] target = Arrays.copyOf(text, Math.min(room, text.length + 1));
    if (target.length == text.length + 1) {
      target[text.length] = endToken;
    }
    return new Encoded(example, prompt, target);
  }

  /** Token ids as ints (the model's vocabulary is far below 2^31). */
  public static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }
}
