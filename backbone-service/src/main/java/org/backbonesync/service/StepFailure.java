package org.backbonesync.service;

import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraRateLimitedException;
import org.backbonesync.jira.JiraRedirectException;
import org.backbonesync.jira.JiraTransientException;

/**
 * What {@code /health}, which answers anyone, may tell of a step's failure: its kind and, for a
 * Jira answer (a refusal, a redirect, a 5xx, 429 or 503), the HTTP status, for a rate limit too
 * long to wait out Jira's {@code RateLimit-Reason} and the wait, for a database's failure its
 * SQL state, never the message. A Jira 400 quotes the issue (a summary, a field's
 * value) and other errors may hold URLs or SQL; the service log has the whole text.
 */
final class StepFailure {
  private StepFailure() {}

  /**
   * E.g. {@code JiraException (HTTP 400); see the service log}, {@code JiraTransientException
   * (HTTP 503); see the service log}, {@code StoreUnavailableException (SQL state 28P01); see
   * the service log} (the database refused the store's password: a rotated one, which the log's
   * line names with the database), {@code JiraRateLimitedException (jira-quota-global-based,
   * retry in 3600 s); see the service log}.
   */
  static String kind(Throwable e) {
    String status = "";
    for (Throwable t = e; t != null && status.isEmpty(); t = t.getCause() == t ? null
        : t.getCause()) {
      if (t instanceof JiraException j) {
        status = " (HTTP " + j.status() + ")";
      } else if (t instanceof JiraRedirectException r) {
        status = " (HTTP " + r.status() + ")";
      } else if (t instanceof JiraTransientException r) {
        status = " (HTTP " + r.status() + ")";
      } else if (t instanceof JiraRateLimitedException r) {
        status = " (" + (r.reason() != null && REASON.matcher(r.reason()).matches() ? r.reason()
            : "other") + r.retryAfter().map(d -> ", retry in " + seconds(d) + " s").orElse("")
            + ")";
      } else if (t instanceof SQLException q && q.getSQLState() != null
          && SQL_STATE.matcher(q.getSQLState()).matches()) {
        status = " (SQL state " + q.getSQLState() + ")";
      }
    }
    return e.getClass().getSimpleName() + status + "; see the service log";
  }

  /** Seconds, rounded up (a wait of 1 ms shows as 1 s, not 0). */
  private static long seconds(Duration wait) {
    return wait.isNegative() ? 0 : wait.toSeconds() + (wait.getNano() == 0 ? 0 : 1);
  }

  /**
   * A reason as the adapter reads one (a short lower-case token): a host's own exception may
   * carry any text, which is not shown.
   */
  private static final Pattern REASON = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /** A SQL state as the standard writes it: five letters or digits, nothing else to show. */
  private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");
}
