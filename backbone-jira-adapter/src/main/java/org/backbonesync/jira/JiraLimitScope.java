package org.backbonesync.jira;

/**
 * Which requests one of Jira's rate limits holds back, as the adapter reads Jira's {@code
 * RateLimit-Reason}: Jira Cloud applies three limits at once, each to its own scope, so that a
 * limit reached in one scope leaves the others running.
 *
 * @since 0.1.0
 */
public enum JiraLimitScope {
  /**
   * The requests of one HTTP method to one endpoint ({@code jira-burst-based}: Cloud's burst
   * limit per endpoint and method). Other endpoints, and other methods on the same one, go on.
   */
  ENDPOINT,
  /**
   * The writes to one issue ({@code jira-per-issue-on-write}). Reads of it, and writes to other
   * issues, go on.
   */
  ISSUE,
  /**
   * Every request to the site: Cloud's points-based hourly quota ({@code
   * jira-quota-global-based}, {@code jira-quota-tenant-based}), and any 429 or 503 that names
   * no reason the adapter knows (Server/Data Center's rate limit, which is per user, names none).
   */
  SITE
}
