package org.backbonesync.core.internal;

import org.slf4j.MDC;

/**
 * The SLF4J MDC of the engine's log lines: which synchronization and connector a step works for,
 * and, within it, which issue and message. Opened around a step, closed with it (the keys it set
 * are removed), so that a host's log pattern can show them ({@code %X{backbone.issue}}) and its
 * log search can follow one change from detection to apply. Never a secret: keys and ids only.
 */
final class LogContext implements AutoCloseable {
  static final String SYNCHRONIZATION = "backbone.synchronization";
  static final String CONNECTOR = "backbone.connector";
  static final String ISSUE = "backbone.issue";
  static final String MESSAGE = "backbone.message";

  // at most two keys per context: two fields, not a list (one context per issue and message)
  private String first;
  private String second;

  private LogContext() {}

  /** The synchronization and connector of a step. */
  static LogContext connector(Connector connector) {
    return new LogContext().put(SYNCHRONIZATION, connector.syncId).put(CONNECTOR, connector.key());
  }

  /** The issue a step works on (a local one, or the partner's a message is about). */
  static LogContext issue(String issueKey) {
    return new LogContext().put(ISSUE, issueKey);
  }

  /** A message and the partner issue it is about. */
  static LogContext message(String sourceIssueKey, String messageId) {
    return new LogContext().put(ISSUE, sourceIssueKey).put(MESSAGE, messageId);
  }

  private LogContext put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
      if (first == null) {
        first = key;
      } else {
        second = key;
      }
    }
    return this;
  }

  @Override
  public void close() {
    if (first != null) {
      MDC.remove(first);
    }
    if (second != null) {
      MDC.remove(second);
    }
  }
}
