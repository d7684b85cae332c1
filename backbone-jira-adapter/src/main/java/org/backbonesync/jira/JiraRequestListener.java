package org.backbonesync.jira;

import java.time.Duration;

/**
 * Told of every HTTP request a {@link JiraSite} sends (retries included), on the requesting
 * thread, for metrics. The endpoint is a template of the path with no issue key, id, name or
 * query (e.g. {@code /rest/api/3/issue/{key}/comment/{id}}), so that a meter tagged with it stays
 * bounded. A listener must be quick and must not throw; one that throws is ignored.
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
   * A request got no answer: {@code why} is {@code timeout}, {@code connect} (the connection was
   * refused or not made) or {@code io} (it broke off). The adapter may send it again.
   */
  default void unanswered(String method, String endpoint, String why, Duration took) {}
}
