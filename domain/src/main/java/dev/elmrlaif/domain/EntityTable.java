package dev.elmrlaif.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The entities of one kind ("movie", "user") in a domain: their external ids, in index order, and
 * their display names. Everything else in a domain (embeddings, texts, splits, interactions) refers
 * to an entity by its index in this table. Names are for people and for the online teacher; the
 * model never sees them.
 */
public final class EntityTable {
  private final String kind;
  private final long[] ids;
  private final List<String> names;
  private final Map<Long, Integer> indexById;

  public EntityTable(String kind, long[] ids, List<String> names) {
    this.kind = Objects.requireNonNull(kind, "kind");
    if (ids.length != names.size()) {
      throw new IllegalArgumentException(
          "entity table '" + kind + "': " + ids.length + " ids but " + names.size() + " names");
    }
    this.ids = ids.clone();
    this.names = List.copyOf(names);
    this.indexById = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (indexById.put(ids[i], i) != null) {
        throw new IllegalArgumentException("entity table '" + kind + "': duplicate id " + ids[i]);
      }
    }
  }

  /** The kind of entity, e.g. "movie". */
  public String kind() {
    return kind;
  }

  /** How many entities there are. */
  public int size() {
    return ids.length;
  }

  /** The external id of entity {@code index}. */
  public long id(int index) {
    return ids[index];
  }

  /** The display name of entity {@code index} (a movie's title). */
  public String name(int index) {
    return names.get(index);
  }

  /** All display names in index order. */
  public List<String> names() {
    return names;
  }

  /** The index of the entity with external id {@code id}, or -1. */
  public int indexOf(long id) {
    Integer index = indexById.get(id);
    return index == null ? -1 : index;
  }
}
