package dev.elmrlaif.rewards;

/**
 * A user error in the rewards module: a malformed encoder file, a missing model folder, a context
 * whose embedding is NaN, a configuration value out of range. The message names the offending input
 * (file, line, key or field), what was found and what was expected, so it can be shown to the user
 * as is.
 *
 * <p>It extends {@link IllegalArgumentException} so callers that validate inputs before a run
 * starts can catch either; it is thrown while configuring or loading, never for a bad generated
 * text in the middle of a run (those get a defined score and a flag instead, see {@link
 * RewardResult}).
 */
public class InvalidRewardInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidRewardInputException(String message) {
    super(message);
  }

  public InvalidRewardInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
