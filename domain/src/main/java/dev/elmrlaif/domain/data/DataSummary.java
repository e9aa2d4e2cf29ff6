package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table {@code rlaif data prepare} prints: entities per split, tasks and examples per split,
 * embedding dimensions, the text encoder (model, variant, version) and the entities it gave no
 * embedding for lack of text, concepts, ranking quality and timings.
 */
public final class DataSummary {
  private static final int CONCEPTS_SHOWN = 8;

  private DataSummary() {}

  /** The summary of {@code data}; {@code elapsedSeconds} is this call's wall time. */
  public static String render(PreparedData data, double elapsedSeconds) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s: %s in %.1f s (%s)%n",
            data.domain().name(),
            data.fromCache() ? "loaded from cache" : "prepared",
            elapsedSeconds,
            data.folder()));
    out.append(data.datasetSummary()).append(System.lineSeparator());

    out.append(String.format(Locale.ROOT, "%n%-10s %10s %10s%n", "entities", "train", "held-out"));
    for (Map.Entry<String, Split> e : data.domain().splits().entrySet()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-10s %10d %10d%n",
              e.getKey(),
              e.getValue().trainCount(),
              e.getValue().heldOutCount()));
    }

    out.append(
        String.format(
            Locale.ROOT, "%n%-18s %-8s %10s%n", "embedding space", "entity", "dimension"));
    for (EmbeddingSpace space : data.domain().spaces().values()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-18s %-8s %10d%n",
              space.name(),
              space.entityKind(),
              space.dimension()));
    }
    out.append("text encoder: ")
        .append(data.textEncoder() == null ? "none" : data.textEncoder().description())
        .append(System.lineSeparator());
    List<String> withoutText = new java.util.ArrayList<>();
    for (EmbeddingSpace space : data.domain().spaces().values()) {
      if (space.textComparable()) {
        withoutText.add(
            space.name()
                + " ("
                + space.entityKind()
                + ") "
                + withoutEmbedding(space)
                + " of "
                + space.size());
      }
    }
    if (!withoutText.isEmpty()) {
      out.append("entities without text (no semantic embedding, left out of semantic tasks): ")
          .append(String.join(", ", withoutText))
          .append(System.lineSeparator());
    }
    if (data.ranking() != null) {
      out.append("behavioral ranking: ").append(data.ranking()).append(System.lineSeparator());
    }
    out.append("rewards:")
        .append(System.lineSeparator())
        .append(RewardAvailability.of(data).describe());

    out.append(String.format(Locale.ROOT, "%n%-30s %8s %10s%n", "task", "train", "held-out"));
    long train = 0;
    long held = 0;
    for (TaskSpec task : data.tasks()) {
      int t = data.trainExamples().getOrDefault(task.name(), List.<TaskExample>of()).size();
      int h = data.heldOutExamples().getOrDefault(task.name(), List.<TaskExample>of()).size();
      train += t;
      held += h;
      out.append(String.format(Locale.ROOT, "%-30s %8d %10d%n", task.name(), t, h));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%-30s %8d %10d   (%d tasks, %s)%n",
            "total",
            train,
            held,
            data.tasks().size(),
            data.teacher()));

    List<Concept> concepts = data.domain().concepts();
    Map<String, Long> perSpace = new java.util.LinkedHashMap<>();
    concepts.forEach(c -> perSpace.merge(c.space(), 1L, Long::sum));
    List<String> counts =
        perSpace.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList();
    out.append(
        String.format(
            Locale.ROOT,
            "%nconcepts: %d (%s); most accurate:%n",
            concepts.size(),
            counts.isEmpty() ? "none" : String.join(", ", counts)));
    concepts.stream()
        .sorted(
            Comparator.comparingDouble(Concept::heldOutAccuracy)
                .reversed()
                .thenComparing(Concept::name))
        .limit(CONCEPTS_SHOWN)
        .forEach(
            c ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "  %-28s %-14s %4d entities  held-out accuracy %.3f%n",
                        c.name(),
                        c.space(),
                        c.positives(),
                        c.heldOutAccuracy())));

    out.append(String.format(Locale.ROOT, "%ntimings of the build (s):%n"));
    data.timings()
        .forEach(
            (step, seconds) ->
                out.append(String.format(Locale.ROOT, "  %-34s %8.2f%n", step, seconds)));
    return out.toString();
  }

  /** Rows of {@code space} that are all zeros: entities without an embedding. */
  static int withoutEmbedding(EmbeddingSpace space) {
    int count = 0;
    float[] data = space.rawData();
    int k = space.dimension();
    for (int row = 0; row < space.size(); row++) {
      boolean zero = true;
      for (int d = 0; d < k && zero; d++) {
        zero = data[row * k + d] == 0f;
      }
      if (zero) {
        count++;
      }
    }
    return count;
  }

  /** Every concept, one per line: name, space, training movies carrying it, held-out accuracy. */
  public static String concepts(PreparedData data) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT, "%-32s %-14s %8s %10s%n", "concept", "space", "entities", "accuracy"));
    for (Concept c : data.domain().concepts()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-32s %-14s %8d %10.3f%n",
              c.name(),
              c.space(),
              c.positives(),
              c.heldOutAccuracy()));
    }
    return out.toString();
  }
}
