package dev.elmrlaif.rewards.judge;

/**
 * The defined failure of a judgement: every attempt failed (HTTP errors, timeouts, malformed
 * replies) or the endpoint refused the request outright (e.g. HTTP 401). The message says which and
 * how many attempts were made; it never contains the API key. {@link JudgeReward} turns it into its
 * fallback score.
 */
public class JudgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JudgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
