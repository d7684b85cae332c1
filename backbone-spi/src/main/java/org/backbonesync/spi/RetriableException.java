package org.backbonesync.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A transient failure: the same operation may succeed later (rate limited, a 5xx answer, a
 * timeout, a partner that is down). The engine keeps the work queued and tries again after a
 * backoff, or after {@link #retryAfter()} when the other side said how long to wait.
 */
public class RetriableException extends SyncException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /** A transient failure without a hint for when to retry. */
  public RetriableException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * A transient failure.
   *
   * @param retryAfter how long the other side asked us to wait, or null
   */
  public RetriableException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the other side asked us to wait (an HTTP Retry-After), when it said so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
