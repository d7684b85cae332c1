package org.backbonesync.service;

import java.sql.SQLException;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraRedirectException;
import org.backbonesync.jira.JiraTransientException;

/**
 * What {@code /health}, which answers anyone, may tell of a step's failure: its kind and, for a
 * Jira answer (a refusal, a redirect, a 5xx, 429 or 503), the HTTP status, for a database's
 * failure its SQL state, never the message. A Jira 400 quotes the issue (a summary, a field's
 * value) and other errors may hold URLs or SQL; the service log has the whole text.
 */
final class StepFailure {
  private StepFailure() {}

  /**
   * E.g. {@code JiraException (HTTP 400); see the service log}, {@code JiraTransientException
   * (HTTP 503); see the service log}, {@code StoreUnavailableException (SQL state 28P01); see
   * the service log} (the database refused the store's password: a rotated one, which the log's
   * line names with the database).
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
      } else if (t instanceof SQLException q && q.getSQLState() != null
          && SQL_STATE.matcher(q.getSQLState()).matches()) {
        status = " (SQL state " + q.getSQLState() + ")";
      }
    }
    return e.getClass().getSimpleName() + status + "; see the service log";
  }

  /** A SQL state as the standard writes it: five letters or digits, nothing else to show. */
  private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");
}
