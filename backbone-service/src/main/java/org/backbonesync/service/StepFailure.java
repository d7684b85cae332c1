package org.backbonesync.service;

import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraRedirectException;

/**
 * What {@code /health}, which answers anyone, may tell of a step's failure: its kind and, for a
 * Jira refusal, the HTTP status, never the message. A Jira 400 quotes the issue (a summary, a
 * field's value) and other errors may hold URLs or SQL; the service log has the whole text.
 */
final class StepFailure {
  private StepFailure() {}

  /** E.g. {@code JiraException (HTTP 400); see the service log}. */
  static String kind(Throwable e) {
    String status = "";
    for (Throwable t = e; t != null && status.isEmpty(); t = t.getCause() == t ? null
        : t.getCause()) {
      if (t instanceof JiraException j) {
        status = " (HTTP " + j.status() + ")";
      } else if (t instanceof JiraRedirectException r) {
        status = " (HTTP " + r.status() + ")";
      }
    }
    return e.getClass().getSimpleName() + status + "; see the service log";
  }
}
