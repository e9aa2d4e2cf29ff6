package dev.elmrlaif.algorithms.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * A resolved configuration and how it was made: the file it came from (null for bare defaults), its
 * SHA-256 and where each key's value was set ({@code file, line N} or a {@code --set}).
 */
public record LoadedConfig(
    RlaifConfig config, Path file, String hash, Map<String, String> origins) {
  public LoadedConfig {
    origins = Map.copyOf(origins);
  }

  /** Where a key was set, for error messages about values the config supplied. */
  public String originOf(String keyPath) {
    return origins.getOrDefault(keyPath, file == null ? "defaults" : file.toString());
  }
}
