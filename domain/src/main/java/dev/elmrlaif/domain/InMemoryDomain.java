package dev.elmrlaif.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Domain} held in memory, the form every loader produces (MovieLens after preparation, a
 * synthetic domain, a file-based domain). Maps keep their insertion order for stable summaries.
 */
public record InMemoryDomain(
    String name,
    Map<String, EntityTable> entityTables,
    Map<String, EmbeddingSpace> spaces,
    Map<String, List<List<String>>> texts,
    Map<String, Split> splits,
    Interactions ratings,
    List<Concept> concepts)
    implements Domain {

  public InMemoryDomain {
    for (EmbeddingSpace space : spaces.values()) {
      EntityTable table = entityTables.get(space.entityKind());
      if (table == null || table.size() != space.size()) {
        throw new IllegalArgumentException(
            "embedding space '"
                + space.name()
                + "' has "
                + space.size()
                + " vectors but entity kind '"
                + space.entityKind()
                + "' has "
                + (table == null ? "no table" : table.size() + " entities"));
      }
    }
    for (Split split : splits.values()) {
      EntityTable table = entityTables.get(split.kind());
      if (table == null || table.size() != split.size()) {
        throw new IllegalArgumentException(
            "split of '" + split.kind() + "' does not match its entity table");
      }
    }
    concepts = List.copyOf(concepts);
  }

  @Override
  public Optional<Interactions> interactions() {
    return Optional.ofNullable(ratings);
  }
}
