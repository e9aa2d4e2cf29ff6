package dev.elmrlaif.algorithms.config;

import java.util.Locale;

/**
 * The paper's experiments on hypothetical vectors (Sec. 4, Fig. 3-5) that the {@code eval} stage
 * runs after the held-out tables when {@code eval.experiments} lists them, and {@code rlaif
 * experiment NAME RUN_DIR} runs on a finished run: they exist because interpreting vectors that no
 * entity has is the point of an ELM.
 */
public enum ExperimentName {
  /** Mixes {@code (1-a)·e1 + a·e2} of two held-out entities, a = 0, 0.1, ..., 1 (Fig. 3-4). */
  INTERPOLATION,
  /** Shifts {@code e + s·cav} of held-out entities along concept directions (Fig. 4-5). */
  CONCEPTS;

  /** The lower-case name used in YAML, file names and the command line. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
