package dev.elmrlaif.algorithms.config;

/** What stage 2 of ELM training updates besides the adapter. */
public enum Stage2Parameters {
  /** Every parameter: adapter, embeddings and transformer body. */
  FULL,
  /** LoRA tensors on the projections plus the adapter; the LM itself stays frozen. */
  LORA
}
