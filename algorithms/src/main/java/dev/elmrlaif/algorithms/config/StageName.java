package dev.elmrlaif.algorithms.config;

import java.util.Locale;

/**
 * The stages of a training run, in the order the pipeline runs them. Each stage reads what the
 * stages before it wrote into the run folder.
 */
public enum StageName {
  /** Load the domain, split it, fit embeddings and encoders, write the task examples. */
  DATA,
  /** Train the byte-level BPE tokenizer on the training corpus (or load a configured one). */
  TOKENIZER,
  /** Pretrain the small causal LM on the training corpus when no pretrained model is configured. */
  PRETRAIN,
  /** Two-stage supervised ELM training (adapter first, then everything or LoRA). */
  SFT,
  /** KL-regularised RL fine-tuning (REINFORCE, soft actor-critic, soft-Q distillation). */
  RL,
  /** Semantic and behavioral consistency on held-out entities, beside baselines. */
  EVAL,
  /** A human-readable summary of the run: stages, timings, final metrics, provenance. */
  REPORT;

  /** The lower-case name used in YAML, folder names and logs. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
