package dev.elmrlaif.policy.model;

import java.util.List;

/**
 * A batch of prompts (optionally followed by continuations) laid out as one padded {@code [B, T]}
 * grid on the Java side, with everything the forward pass needs: token ids, position ids, the
 * key-padding mask, which grid cells are placeholders and which entity each one reads.
 *
 * <p>{@link Alignment#LEFT} puts padding before short prompts so that every row ends at the same
 * column (generation appends one column per step); positions then count real tokens only. {@link
 * Alignment#RIGHT} pads after the sequence (training and scoring); causal attention never lets a
 * real token see the padding that follows it.
 */
public final class PromptBatch {
  /** Where the padding of shorter rows goes. */
  public enum Alignment {
    LEFT,
    RIGHT
  }

  final int rows;
  final int length;
  final int slots;
  final int domainDim;
  final long[] tokenIds;
  final long[] positionIds;
  final float[][] keyMask;
  final boolean[] placeholder;
  final long[] slotRow;
  final float[] entities;
  final int[] promptLengths;
  final int[] continuationLengths;
  final boolean hasPlaceholders;

  private PromptBatch(
      List<ElmPrompt> prompts, List<int[]> continuations, Alignment alignment, ElmConfig config) {
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("PromptBatch: found no prompts, expected at least one");
    }
    if (continuations != null && continuations.size() != prompts.size()) {
      throw new IllegalArgumentException(
          "PromptBatch: found "
              + continuations.size()
              + " continuations for "
              + prompts.size()
              + " prompts, expected one per prompt");
    }
    rows = prompts.size();
    promptLengths = new int[rows];
    continuationLengths = new int[rows];
    int maxSlots = 0;
    int longest = 0;
    for (int row = 0; row < rows; row++) {
      ElmPrompt prompt = prompts.get(row);
      promptLengths[row] = prompt.tokenIds().length;
      continuationLengths[row] = continuations == null ? 0 : continuations.get(row).length;
      longest = Math.max(longest, promptLengths[row] + continuationLengths[row]);
      maxSlots = Math.max(maxSlots, prompt.entities().length);
    }
    length = longest;
    slots = maxSlots;
    domainDim = config.hasAdapter() ? config.adapter().domainDim() : 0;
    tokenIds = new long[rows * length];
    positionIds = new long[rows * length];
    keyMask = new float[rows][length];
    placeholder = new boolean[rows * length];
    slotRow = new long[rows * length];
    entities = new float[rows * slots * domainDim];
    boolean anyPlaceholder = false;
    for (int row = 0; row < rows; row++) {
      ElmPrompt prompt = prompts.get(row);
      int[] continuation = continuations == null ? new int[0] : continuations.get(row);
      int used = promptLengths[row] + continuationLengths[row];
      int start = alignment == Alignment.LEFT ? length - used : 0;
      int slotsUsed = 0;
      for (int col = 0; col < length; col++) {
        int cell = row * length + col;
        int index = col - start;
        if (index < 0 || index >= used) {
          tokenIds[cell] = config.padTokenId();
          continue;
        }
        int token =
            index < promptLengths[row]
                ? prompt.tokenIds()[index]
                : continuation[index - promptLengths[row]];
        checkToken(token, row, index, config);
        tokenIds[cell] = token;
        positionIds[cell] = index;
        keyMask[row][col] = 1f;
        int slot = index < promptLengths[row] ? config.placeholderSlot(token) : -1;
        if (slot >= 0) {
          if (slot >= prompt.entities().length) {
            throw new IllegalArgumentException(
                "prompt "
                    + row
                    + ": placeholder token "
                    + token
                    + " at token "
                    + index
                    + " reads entity "
                    + slot
                    + ", but the prompt has "
                    + prompt.entities().length
                    + " entities");
          }
          placeholder[cell] = true;
          slotRow[cell] = (long) row * slots + slot;
          anyPlaceholder = true;
          slotsUsed = Math.max(slotsUsed, slot + 1);
        }
      }
      if (slotsUsed != prompt.entities().length) {
        throw new IllegalArgumentException(
            "prompt "
                + row
                + ": found "
                + prompt.entities().length
                + " entities but placeholders for "
                + slotsUsed
                + ", expected one entity per placeholder slot"
                + (config.hasAdapter() ? "" : " (this model has no adapter, so no entities)"));
      }
      for (int k = 0; k < prompt.entities().length; k++) {
        float[] entity = prompt.entities()[k];
        if (entity.length != domainDim) {
          throw new IllegalArgumentException(
              "prompt "
                  + row
                  + ", entity "
                  + k
                  + ": found dimension "
                  + entity.length
                  + ", expected the adapter's domainDim="
                  + domainDim);
        }
        System.arraycopy(entity, 0, entities, (row * slots + k) * domainDim, domainDim);
      }
    }
    hasPlaceholders = anyPlaceholder;
  }

  private static void checkToken(int token, int row, int index, ElmConfig config) {
    if (token < 0 || token >= config.lm().vocabSize()) {
      throw new IllegalArgumentException(
          "prompt "
              + row
              + ", token "
              + index
              + ": found id "
              + token
              + ", expected an id in [0, "
              + config.lm().vocabSize()
              + ")");
    }
  }

  /** Prompts alone, padded on the left: the layout generation starts from. */
  public static PromptBatch forGeneration(List<ElmPrompt> prompts, ElmConfig config) {
    return new PromptBatch(prompts, null, Alignment.LEFT, config);
  }

  /** Prompts followed by continuations, padded on the right: the layout of training and scoring. */
  public static PromptBatch forScoring(
      List<ElmPrompt> prompts, List<int[]> continuations, ElmConfig config) {
    return new PromptBatch(prompts, continuations, Alignment.RIGHT, config);
  }

  public int rows() {
    return rows;
  }

  /** Columns of the grid: the longest prompt (plus continuation). */
  public int length() {
    return length;
  }

  /** Real prompt tokens of a row. */
  public int promptLength(int row) {
    return promptLengths[row];
  }

  /** Real continuation tokens of a row (0 for a generation batch). */
  public int continuationLength(int row) {
    return continuationLengths[row];
  }

  /** The key-padding mask, 1 for real cells, as {@code [rows][length]}. */
  public float[][] keyMask() {
    float[][] copy = new float[rows][];
    for (int row = 0; row < rows; row++) {
      copy[row] = keyMask[row].clone();
    }
    return copy;
  }
}
