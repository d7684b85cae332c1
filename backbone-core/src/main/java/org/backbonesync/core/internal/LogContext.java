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

  // The keys a context set, to remove when it closes: at most two (one context per issue and
  // message), fields and not a list. A context that set all of its shape's keys over none set
  // before is that shape's constant, so opening one makes nothing: a context is opened about
  // seven times per message. One opened inside another (an admin's change made on a step's
  // thread, say) gives the keys back their values when it closes.
  private final String first;
  private final String second;
  private final String firstBefore;
  private final String secondBefore;

  private static final LogContext STEP = new LogContext(SYNCHRONIZATION, CONNECTOR, null, null);
  private static final LogContext ONE_ISSUE = new LogContext(ISSUE, null, null, null);
  private static final LogContext ONE_MESSAGE = new LogContext(ISSUE, MESSAGE, null, null);

  private LogContext(String first, String second, String firstBefore, String secondBefore) {
    this.first = first;
    this.second = second;
    this.firstBefore = firstBefore;
    this.secondBefore = secondBefore;
  }

  /** The synchronization and connector of a step. */
  static LogContext connector(Connector connector) {
    return opened(STEP, connector.syncId, connector.key());
  }

  /** The issue a step works on (a local one, or the partner's a message is about). */
  static LogContext issue(String issueKey) {
    return opened(ONE_ISSUE, issueKey, null);
  }

  /** A message and the partner issue it is about. */
  static LogContext message(String sourceIssueKey, String messageId) {
    return opened(ONE_MESSAGE, sourceIssueKey, messageId);
  }

  /** Puts the values there are under the shape's keys; a context that takes just those back. */
  private static LogContext opened(LogContext shape, String firstValue, String secondValue) {
    String firstBefore = before(shape.first, firstValue);
    String secondBefore = before(shape.second, secondValue);
    String first = put(shape.first, firstValue);
    String second = put(shape.second, secondValue);
    return first == shape.first && second == shape.second && firstBefore == null
        && secondBefore == null ? shape
        : new LogContext(first, second, firstBefore, secondBefore);
  }

  /** The value a key that is to be set has now, or null. */
  private static String before(String key, String value) {
    return key == null || value == null ? null : MDC.get(key);
  }

  private static String put(String key, String value) {
    if (key == null || value == null) {
      return null;
    }
    MDC.put(key, value);
    return key;
  }

  @Override
  public void close() {
    takeBack(first, firstBefore);
    takeBack(second, secondBefore);
  }

  private static void takeBack(String key, String before) {
    if (key == null) {
      return;
    }
    if (before == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, before);
    }
  }
}
