package dev.elmrlaif.rewards.http;

import java.net.URI;

/**
 * A chat-completions request that did not succeed: the endpoint refused it outright (an HTTP status
 * that retrying cannot fix, e.g. 401, 400, 404), or every attempt failed (HTTP 429 or 5xx,
 * timeouts, refused connections, malformed replies). The message names the endpoint, the attempts
 * made and the last failure, masked by {@link Secrets}; callers turn it into their fallback or into
 * a user error.
 */
public class EndpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final URI endpoint;
  private final int lastStatus;
  private final boolean refused;

  /**
   * @param lastStatus the last HTTP status received, or -1 when the last attempt got none (I/O,
   *     timeout)
   * @param refused whether the endpoint refused the request outright (not retried)
   */
  public EndpointException(
      URI endpoint, int lastStatus, boolean refused, String message, Throwable cause) {
    super(Secrets.mask(message), cause);
    this.endpoint = endpoint;
    this.lastStatus = lastStatus;
    this.refused = refused;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The last HTTP status, or -1 when the last attempt got no answer. */
  public int lastStatus() {
    return lastStatus;
  }

  /** Whether the endpoint refused the request outright (e.g. HTTP 401): retrying would not help. */
  public boolean refused() {
    return refused;
  }
}
