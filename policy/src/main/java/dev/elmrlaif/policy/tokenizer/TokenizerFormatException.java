package dev.elmrlaif.policy.tokenizer;

/**
 * A tokenizer file (or folder) that cannot be used: missing, malformed JSON, or a structure this
 * project cannot read. The message names the file, the position or key, what was found and what was
 * expected.
 */
public class TokenizerFormatException extends RuntimeException {

  public TokenizerFormatException(String message) {
    super(message);
  }

  public TokenizerFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
