package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.Domain;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.tasks.TaskSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which consistency rewards (paper Sec. 3.2, App. B; DESIGN.md §5) prepared data supports, and why
 * one is missing, so a run explains itself instead of silently scoring nothing:
 *
 * <ul>
 *   <li>{@code sc} (semantic consistency) needs a text encoder. Tasks whose slots all read
 *       text-comparable spaces are scored against the slot vectors; the others against the encoding
 *       of the target text.
 *   <li>{@code bc} (behavioral consistency) needs interactions (at least one), an enabled task
 *       whose first slot is the interactions' row kind (a user), and a text-comparable space of the
 *       column kind (the candidates the generated text is ranked against).
 * </ul>
 *
 * @param reasons for each reward ({@code sc}, {@code bc}), one line saying how it is computed or
 *     why it cannot be
 * @param available the rewards that can be computed
 */
public record RewardAvailability(Map<String, String> reasons, List<String> available) {
  /** Semantic consistency. */
  public static final String SC = "sc";

  /** Behavioral consistency. */
  public static final String BC = "bc";

  public RewardAvailability {
    reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    available = List.copyOf(available);
  }

  /** What {@code data} supports. */
  public static RewardAvailability of(PreparedData data) {
    Domain domain = data.domain();
    Map<String, String> reasons = new LinkedHashMap<>();
    List<String> available = new java.util.ArrayList<>();
    if (data.textEncoder() == null) {
      reasons.put(SC, "unavailable: no text encoder (the domain has no texts to fit one on)");
    } else {
      List<String> direct =
          data.tasks().stream()
              .filter(t -> readsTextSpaces(domain, t))
              .map(TaskSpec::name)
              .toList();
      reasons.put(
          SC,
          "available: "
              + data.textEncoder().description()
              + "; against the slot vectors for "
              + (direct.isEmpty() ? "no task" : direct)
              + ", against the encoded target text for the other tasks");
      available.add(SC);
    }
    Optional<Interactions> interactions = domain.interactions();
    if (interactions.isEmpty()) {
      reasons.put(
          BC,
          "unavailable: the domain has no interactions (a file domain reads them from "
              + "data.files.interactions.file)");
    } else {
      String rowKind = interactions.get().rowKind();
      String columnKind = interactions.get().columnKind();
      List<String> tasks = bcTasks(data);
      Optional<EmbeddingSpace> candidates = domain.textSpace(columnKind);
      if (interactions.get().count() == 0) {
        reasons.put(
            BC,
            "unavailable: the interactions hold no row (the ratings or interactions file has only its"
                + " header); behavioral consistency needs at least one "
                + rowKind
                + "-"
                + columnKind
                + " interaction");
      } else if (data.textEncoder() == null) {
        reasons.put(BC, "unavailable: no text encoder to compare texts with");
      } else if (candidates.isEmpty()) {
        reasons.put(
            BC,
            "unavailable: the "
                + columnKind
                + " entities (the interactions' candidates) have no "
                + "text-comparable space; give them the text field the encoder is fitted on");
      } else if (tasks.isEmpty()) {
        reasons.put(
            BC,
            "unavailable: no enabled task's first slot is a "
                + rowKind
                + " (the interactions' row kind); enable one to score behavioral consistency");
      } else {
        reasons.put(
            BC,
            "available on "
                + tasks
                + ": "
                + columnKind
                + " candidates ranked by similarity to the "
                + "text in space '"
                + candidates.get().name()
                + "', against the "
                + rowKind
                + "'s interactions");
        available.add(BC);
      }
    }
    return new RewardAvailability(reasons, available);
  }

  /**
   * The tasks behavioral consistency applies to: their first slot is the interactions' row kind.
   */
  public static List<String> bcTasks(PreparedData data) {
    Optional<Interactions> interactions = data.domain().interactions();
    if (interactions.isEmpty()) {
      return List.of();
    }
    return data.tasks().stream()
        .filter(t -> t.slots().get(0).kind().equals(interactions.get().rowKind()))
        .map(TaskSpec::name)
        .toList();
  }

  /** Whether every slot of {@code task} reads a text-comparable space. */
  public static boolean readsTextSpaces(Domain domain, TaskSpec task) {
    return task.slots().stream()
        .allMatch(
            s -> {
              EmbeddingSpace space = domain.spaces().get(s.space());
              return space != null && space.textComparable();
            });
  }

  /** Whether {@code reward} can be computed. */
  public boolean isAvailable(String reward) {
    return available.contains(reward);
  }

  /**
   * Fails when {@code reward} cannot be computed for this data.
   *
   * @param requestedBy the config key that asks for it, for the message
   */
  public void require(String reward, String requestedBy) {
    if (!reasons.containsKey(reward)) {
      throw new UserInputException(
          requestedBy + ": unknown reward '" + reward + "'; expected one of " + reasons.keySet());
    }
    if (!isAvailable(reward)) {
      throw new UserInputException(
          requestedBy
              + " asks for "
              + reward
              + ", which this data cannot give: "
              + reasons.get(reward));
    }
  }

  /** One line per reward, for logs and summaries. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    reasons.forEach(
        (reward, reason) ->
            out.append("  ")
                .append(reward)
                .append(": ")
                .append(reason)
                .append(System.lineSeparator()));
    return out.toString();
  }
}
