package dev.elmrlaif.rewards;

/**
 * Why a sample got a defined fallback score instead of a computed one. Rewards never throw for a
 * bad generated text in the middle of a run; they return the documented fallback and raise one of
 * these flags, which trainers count in their metrics.
 */
public enum RewardFlag {
  /** The generated text is empty or blank; consistency scores are 0. */
  EMPTY_TEXT,
  /**
   * The text encoder found nothing it knows in the text (zero vector); consistency scores are 0.
   */
  ZERO_TEXT_EMBEDDING,
  /** The context's semantic target has zero norm; semantic consistency is 0. */
  ZERO_TARGET,
  /** The context has no semantic embedding, so semantic consistency cannot apply; it is 0. */
  NO_TARGET,
  /** The context has no (or fewer than 2) candidates; behavioral consistency is 0. */
  NO_CANDIDATES,
  /**
   * The ground truth or the predicted scores are all equal, so the rank correlation is undefined;
   * it is 0.
   */
  UNDEFINED_CORRELATION,
  /**
   * The AI judge failed after its retries (HTTP errors, timeouts, malformed replies); its fallback
   * is used.
   */
  JUDGE_FAILED,
  /** The composite total was clipped to its configured bounds. */
  CLIPPED
}
