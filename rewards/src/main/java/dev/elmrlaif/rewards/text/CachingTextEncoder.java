package dev.elmrlaif.rewards.text;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheStats;
import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TextEncoder} with a bounded cache keyed by text, so repeated texts (the same teacher
 * text, the same candidate movie, a policy that repeats itself) are encoded once.
 * Least-recently-used entries are evicted beyond {@code maximumSize}. Thread-safe; outputs are
 * identical to the wrapped encoder's. Returned arrays are copies, so callers may modify them.
 */
public final class CachingTextEncoder implements TextEncoder {

  private final TextEncoder delegate;
  private final Cache<String, float[]> cache;

  public CachingTextEncoder(TextEncoder delegate, long maximumSize) {
    if (maximumSize < 1) {
      throw new InvalidRewardInputException(
          "CachingTextEncoder maximumSize must be >= 1, found " + maximumSize);
    }
    this.delegate = delegate;
    this.cache = CacheBuilder.newBuilder().maximumSize(maximumSize).recordStats().build();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public float[] encode(String text) {
    String key = text == null ? "" : text;
    float[] cached = cache.getIfPresent(key);
    if (cached == null) {
      cached = delegate.encode(key);
      cache.put(key, cached);
    }
    return cached.clone();
  }

  /** Encodes the distinct texts missing from the cache in one batch of the wrapped encoder. */
  @Override
  public float[][] encode(List<String> texts) {
    float[][] rows = new float[texts.size()][];
    Map<String, List<Integer>> missing = new LinkedHashMap<>();
    for (int i = 0; i < rows.length; i++) {
      String key = texts.get(i) == null ? "" : texts.get(i);
      float[] cached = cache.getIfPresent(key);
      if (cached != null) {
        rows[i] = cached.clone();
      } else {
        missing.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    if (!missing.isEmpty()) {
      List<String> keys = new ArrayList<>(missing.keySet());
      float[][] fresh = delegate.encode(keys);
      for (int j = 0; j < fresh.length; j++) {
        cache.put(keys.get(j), fresh[j]);
        for (int position : missing.get(keys.get(j))) {
          rows[position] = fresh[j].clone();
        }
      }
    }
    return rows;
  }

  /** Hits, misses and evictions so far. */
  public CacheStats stats() {
    return cache.stats();
  }

  /** The wrapped encoder. */
  public TextEncoder delegate() {
    return delegate;
  }

  @Override
  public String description() {
    return delegate.description();
  }

  /** Saves the wrapped encoder (the cache is not saved). */
  @Override
  public void save(Path file) throws IOException {
    delegate.save(file);
  }
}
