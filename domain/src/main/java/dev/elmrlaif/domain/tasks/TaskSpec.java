package dev.elmrlaif.domain.tasks;

import java.util.List;

/**
 * One task as data (paper App. E): the prompt the model sees, with placeholder tokens {@code
 * <|entity_0|>}, {@code <|entity_1|>} where the adapter's projection of each slot's embedding goes;
 * the prompt the online teacher is sent (with real titles); which entity kind and embedding space
 * each slot reads; how slots are filled; and how the offline teacher composes the target.
 */
public record TaskSpec(
    String name,
    String description,
    String prompt,
    String teacherPrompt,
    List<Slot> slots,
    Pairing pairing,
    TargetStyle style) {

  /** The placeholder token of slot {@code i} in prompts; the tokenizer maps it to a single id. */
  public static String placeholder(int slot) {
    return "<|entity_" + slot + "|>";
  }

  /** One entity slot: the kind of entity and the embedding space its placeholder reads. */
  public record Slot(String kind, String space) {}

  public TaskSpec {
    slots = List.copyOf(slots);
    for (int i = 0; i < slots.size(); i++) {
      if (!prompt.contains(placeholder(i))) {
        throw new IllegalArgumentException(
            "task '" + name + "': prompt lacks " + placeholder(i) + ": " + prompt);
      }
    }
    if (prompt.contains(placeholder(slots.size()))) {
      throw new IllegalArgumentException(
          "task '"
              + name
              + "': prompt uses "
              + placeholder(slots.size())
              + " but the task has only "
              + slots.size()
              + " slots");
    }
    int expectedSlots = pairing == Pairing.SINGLE || pairing == Pairing.USER ? 1 : 2;
    if (slots.size() != expectedSlots) {
      throw new IllegalArgumentException(
          "task '"
              + name
              + "': pairing "
              + pairing
              + " needs "
              + expectedSlots
              + " slots, found "
              + slots.size());
    }
  }
}
