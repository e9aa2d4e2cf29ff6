package dev.elmrlaif.domain.base;

/**
 * A problem the user can fix: a bad config key or value, a missing path, malformed data. The CLI
 * prints its message (one or two lines naming the file, key or line, what was found and what was
 * expected) and exits with code 2, without a stack trace unless {@code --debug} is given.
 */
public class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserInputException(String message) {
    super(message);
  }

  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
