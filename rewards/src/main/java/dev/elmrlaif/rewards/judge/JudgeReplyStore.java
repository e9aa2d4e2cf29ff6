package dev.elmrlaif.rewards.judge;

import java.util.Optional;

/**
 * A persistent store of the judge's accepted replies, so a judgement is paid for once across runs
 * (the in-memory cache of {@link JudgeClient} lasts one process). Keys are SHA-256 hex digests of
 * the request content (model and messages, never the API key); values are the reply line the judge
 * gave (e.g. {@code SCORE: 0.75}). Implementations are thread-safe.
 */
public interface JudgeReplyStore {

  /** The stored reply of a request, if any. */
  Optional<String> get(String key);

  /**
   * Remembers an accepted reply; a failure to store is logged, never thrown (the judgement stands).
   */
  void put(String key, String reply);

  /** A store that remembers nothing. */
  static JudgeReplyStore none() {
    return new JudgeReplyStore() {
      @Override
      public Optional<String> get(String key) {
        return Optional.empty();
      }

      @Override
      public void put(String key, String reply) {}
    };
  }
}
