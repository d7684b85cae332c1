package org.backbonesync.jira;

import java.time.Duration;
import org.backbonesync.spi.RetriableException;

/**
 * Jira answered a request with an error status that may pass, after the adapter's own retries: a
 * 5xx, a 409 (Cloud's conflicting update), or a 429 or 503 that gave no {@code Retry-After}
 * (one with a wait too long to wait out is a {@link JiraRateLimitedException}). Retriable: the
 * engine tries the work again later. The {@linkplain #status() status} is a field so that a
 * host can show it where the message, which may quote Jira's text, must not go (a health check
 * that answers anyone).
 *
 * @since 0.1.0
 */
public final class JiraTransientException extends RetriableException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param message names the request (method and path, no query) and the status
   * @param status the HTTP status, e.g. 503
   * @param retryAfter the wait Jira asked for, or null
   */
  public JiraTransientException(String message, int status, Duration retryAfter) {
    super(message, null, retryAfter);
    this.status = status;
  }

  /** The HTTP status Jira answered, e.g. 503. */
  public int status() {
    return status;
  }
}
