package org.backbonesync.jira;

import java.time.Duration;

/**
 * Told of every HTTP request a {@link JiraSite} sends (retries included), on the requesting
 * thread, for metrics. The endpoint is a template of the path with no issue key, id, name or
 * query (e.g. {@code /rest/api/3/issue/{key}/comment/{id}}), so that a meter tagged with it stays
 * bounded. A listener must be quick and must not throw; one that throws is ignored.
 *
 * <p>For one request the order is: {@link #answered} (or {@link #unanswered}), then for a rate
 * limit {@link #rateLimited}, {@link #paused} and, when the wait is too long to wait out, {@link
 * #deferred}.
 */
public interface JiraRequestListener {
  /**
   * A request was answered.
   *
   * @param method e.g. {@code GET}
   * @param endpoint the path as a template
   * @param status the HTTP status
   * @param took from sending to the answer's headers
   */
  void answered(String method, String endpoint, int status, Duration took);

  /**
   * Jira said to slow down (429, or 503 with a rate-limit reason), with the reason its {@code
   * RateLimit-Reason} header names (e.g. {@code jira-burst-based}; {@code unknown} when absent,
   * {@code other} when it is not a short lower-case token).
   */
  default void rateLimited(String method, String endpoint, int status, String reason) {}

  /**
   * After a rate-limit answer that said how long to wait ({@code Retry-After} or {@code
   * X-RateLimit-Reset}), the adapter holds back the requests of {@code scope} for {@code wait}:
   * for {@link JiraLimitScope#ENDPOINT} those of this method and endpoint, for {@link
   * JiraLimitScope#ISSUE} the writes to this request's issue, for {@link JiraLimitScope#SITE}
   * every request to the site. Told right after {@link #rateLimited}.
   *
   * @param reason as in {@link #rateLimited}
   * @since 0.1.0
   */
  default void paused(String method, String endpoint, String reason, JiraLimitScope scope,
      Duration wait) {}

  /**
   * A call gave up rather than wait: its request is held back in {@code scope} for {@code wait},
   * longer than {@link JiraSite.Builder#maxRetryAfter}, so the call fails with a {@link
   * JiraRateLimitedException} whose retry-after is {@code wait}, for the engine to come back then.
   * Told either after the {@link #paused} of the answer that set the pause, or, for a request
   * that meets a pause already in place, instead of sending it.
   *
   * @param reason the reason of the answer that set the pause, as in {@link #rateLimited}
   * @since 0.1.0
   */
  default void deferred(String method, String endpoint, String reason, JiraLimitScope scope,
      Duration wait) {}

  /**
   * A request got no answer: {@code why} is {@code timeout}, {@code connect} (the connection was
   * refused or not made) or {@code io} (it broke off). The adapter may send it again.
   */
  default void unanswered(String method, String endpoint, String why, Duration took) {}
}
