package dev.elmrlaif.rewards;

import dev.elmrlaif.rewards.text.TextEncoder;
import java.nio.file.Path;
import java.util.Map;

/** A test encoder: a fixed table from text to vector; unknown texts encode to zero. */
final class FixedTextEncoder implements TextEncoder {
  private final Map<String, float[]> table;
  private final int dimension;

  FixedTextEncoder(int dimension, Map<String, float[]> table) {
    this.dimension = dimension;
    this.table = Map.copyOf(table);
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] encode(String text) {
    float[] v = table.get(text);
    return v == null ? new float[dimension] : v.clone();
  }

  @Override
  public String description() {
    return "fixed(" + table.size() + ")";
  }

  @Override
  public void save(Path file) {
    throw new UnsupportedOperationException("test encoder");
  }
}
