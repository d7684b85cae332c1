package org.backbonesync.jira;

import java.time.Duration;
import org.backbonesync.spi.RetriableException;

/**
 * A call was not waited out because one of Jira's rate limits holds its request back for longer
 * than {@link JiraSite.Builder#maxRetryAfter}: either Jira has just answered 429 (or 503) with
 * that wait, or an earlier answer paused the request's {@linkplain #scope() scope} and the pause
 * has that long to run (then nothing was sent). Retriable: the engine tries the step again after
 * {@link #retryAfter()}.
 *
 * @since 0.1.0
 */
public final class JiraRateLimitedException extends RetriableException {
  private static final long serialVersionUID = 1L;

  private final JiraLimitScope scope;
  private final String reason;

  /**
   * @param reason Jira's {@code RateLimit-Reason} as the listener hears it ({@code unknown} when
   *     Jira named none)
   * @param retryAfter how long the scope stays paused
   */
  public JiraRateLimitedException(String message, JiraLimitScope scope, String reason,
      Duration retryAfter) {
    super(message, null, retryAfter);
    this.scope = scope;
    this.reason = reason;
  }

  /** Which requests the limit holds back. */
  public JiraLimitScope scope() {
    return scope;
  }

  /**
   * Jira's {@code RateLimit-Reason}, e.g. {@code jira-quota-global-based}; {@code unknown} when
   * it named none, {@code other} when it was not a short lower-case token.
   */
  public String reason() {
    return reason;
  }
}
