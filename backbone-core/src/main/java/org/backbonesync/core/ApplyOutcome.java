package org.backbonesync.core;

import org.backbonesync.spi.message.SyncMessage;

/** What became of one inbox message in an apply step. */
public sealed interface ApplyOutcome {

  /** The message concerned. */
  SyncMessage message();

  /**
   * Applied to the local issue.
   *
   * @param localIssueKey the issue it was applied to
   * @param created whether that issue was created by it
   */
  record Applied(SyncMessage message, String localIssueKey, boolean created)
      implements ApplyOutcome {}

  /**
   * Consumed without touching the issue: the issue does not match the connector's incoming JQL,
   * or its sync information says incoming changes are ignored.
   */
  record Ignored(SyncMessage message, String localIssueKey, String reason)
      implements ApplyOutcome {}

  /** Its sequence id was already applied; it was dropped. */
  record Duplicate(SyncMessage message) implements ApplyOutcome {}

  /** Waits for a message with a lower sequence id that has not arrived. */
  record WaitingForGap(SyncMessage message, long expectedSequenceId) implements ApplyOutcome {}

  /** Failed transiently; tried again at {@code nextAttempt} (epoch millis). */
  record RetryLater(SyncMessage message, String error, long nextAttempt) implements ApplyOutcome {}

  /**
   * Failed permanently; it and the later messages of its issue wait for an admin (or, failed
   * waiting for a gap, for a message of its issue: see {@code SyncEngine.Builder.gapTimeout}).
   */
  record Failed(SyncMessage message, String error) implements ApplyOutcome {}
}
