package dev.elmrlaif.domain.config;

import dev.elmrlaif.domain.base.UserInputException;

/**
 * A config record's own check failed (one its {@link Range} annotations cannot express, e.g. two
 * keys that must agree). The record names the key relative to itself ({@code samples_per_context},
 * or {@code ""} for the whole section), since one record type may sit at several places of the
 * config; {@link ConfigLoader} prefixes the section's full path and the line the key came from,
 * e.g. {@code run.yaml, line 12: reinforce.samples_per_context: found 1, expected >= 2 ...}.
 */
public class ConfigException extends UserInputException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;

  /**
   * @param key the key relative to the record that throws, dotted for a key of a sub-section
   *     ({@code judge.base_url}); empty for the record as a whole
   * @param problem what was found and what was expected
   */
  public ConfigException(String key, String problem) {
    super(key.isEmpty() ? problem : key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  /** The key relative to the record that threw; empty for the record as a whole. */
  public String key() {
    return key;
  }

  /** What was found and what was expected, without the key. */
  public String problem() {
    return problem;
  }
}
