package dev.elmrlaif.domain;

import dev.elmrlaif.domain.base.UserInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What trainers, rewards and evaluation see of a data domain (DESIGN.md §6): entities with ids,
 * named embedding spaces, texts per entity, optional interactions and concepts, and splits.
 * MovieLens implements it first; a synthetic domain and a file-based "bring your own embeddings"
 * domain implement it too, so nothing here is movie-specific.
 */
public interface Domain {

  /** A short name for summaries, e.g. "movielens/ml-latest-small". */
  String name();

  /** The entity tables by kind ("movie", "user"). */
  Map<String, EntityTable> entityTables();

  /** The embedding spaces by name ("semantic", "behavioral"). */
  Map<String, EmbeddingSpace> spaces();

  /** The texts of each entity of a kind, by kind; an entity without texts has an empty list. */
  Map<String, List<List<String>>> texts();

  /** The split of each entity kind. */
  Map<String, Split> splits();

  /** Interactions such as ratings (rows users, columns movies), when the domain has them. */
  Optional<Interactions> interactions();

  /** The concept directions found, possibly none. */
  List<Concept> concepts();

  /** The entities of {@code kind}; an unknown kind is a user error listing the known ones. */
  default EntityTable entities(String kind) {
    EntityTable table = entityTables().get(kind);
    if (table == null) {
      throw new UserInputException(
          "domain "
              + name()
              + " has no entity kind '"
              + kind
              + "'; expected one of "
              + entityTables().keySet());
    }
    return table;
  }

  /** The embedding space {@code name}; an unknown name is a user error listing the known ones. */
  default EmbeddingSpace space(String name) {
    EmbeddingSpace space = spaces().get(name);
    if (space == null) {
      throw new UserInputException(
          "domain "
              + name()
              + " has no embedding space '"
              + name
              + "'; expected one of "
              + spaces().keySet());
    }
    return space;
  }

  /** The split of entity kind {@code kind}. */
  default Split split(String kind) {
    Split split = splits().get(kind);
    if (split == null) {
      throw new UserInputException(
          "domain "
              + name()
              + " has no split for entity kind '"
              + kind
              + "'; expected one of "
              + splits().keySet());
    }
    return split;
  }

  /**
   * The space in which the entities of {@code kind} are compared with texts: a text-comparable
   * space of that kind (see {@link EmbeddingSpace}), the one named "semantic" first; empty when
   * there is none. Behavioral consistency ranks candidates of this kind in it.
   */
  default Optional<EmbeddingSpace> textSpace(String kind) {
    EmbeddingSpace found = null;
    for (EmbeddingSpace space : spaces().values()) {
      if (space.textComparable()
          && space.entityKind().equals(kind)
          && (found == null || space.name().equals("semantic"))) {
        found = space;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The behavioral space of entity kind {@code kind}: the kind's vectors from the matrix
   * factorisation of the interactions (DESIGN.md §6), in the same latent space as the other kind's
   * behavioral vectors, so that a dot product {@code u·v} predicts an interaction, even for a
   * hypothetical {@code u}. A domain offers one by naming a space of that kind {@value
   * #BEHAVIORAL_SPACE}{@code _<kind>} (MovieLens: {@code behavioral_movie}) or {@value
   * #BEHAVIORAL_SPACE} (MovieLens: the users'); empty when it has neither (a file domain has one
   * only where the user names a space so).
   */
  default Optional<EmbeddingSpace> behavioralSpace(String kind) {
    for (String name : List.of(BEHAVIORAL_SPACE + "_" + kind, BEHAVIORAL_SPACE)) {
      EmbeddingSpace space = spaces().get(name);
      if (space != null && space.entityKind().equals(kind)) {
        return Optional.of(space);
      }
    }
    return Optional.empty();
  }

  /**
   * The name of the behavioral space, and the prefix of a kind's own one ({@link
   * #behavioralSpace}).
   */
  String BEHAVIORAL_SPACE = "behavioral";

  /** The texts of entity {@code index} of {@code kind}; empty when the domain has none. */
  default List<String> textsOf(String kind, int index) {
    List<List<String>> all = texts().get(kind);
    return all == null ? List.of() : all.get(index);
  }
}
