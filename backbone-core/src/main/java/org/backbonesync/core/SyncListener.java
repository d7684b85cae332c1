package org.backbonesync.core;

import org.backbonesync.spi.message.SyncMessage;

/**
 * Receives the engine's events, for hosts' metrics and logs. Every method has a no-op default, so
 * a listener overrides only what it needs.
 *
 * <p>Methods are called on the thread running the engine step, after the step's store
 * transaction committed, in the order the events happened. They must be quick and must not
 * throw; an exception from a listener is logged and ignored.
 */
public interface SyncListener {

  /** A listener that does nothing. */
  SyncListener NONE = new SyncListener() {};

  /**
   * The outgoing queue looked for changed issues.
   *
   * @param issuesFound issues the search returned
   * @param messagesBuilt messages put in the outbox
   */
  default void polled(String connectorKey, int issuesFound, int messagesBuilt) {}

  /**
   * A changed issue could not be examined (a tracker or outgoing mapping error); the poll went
   * on with the others and the issue is examined again at the next poll.
   */
  default void exportFailed(String connectorKey, String issueKey, String error) {}

  /** A message was put in the outbox. */
  default void queued(String connectorKey, SyncMessage message) {}

  /** The partner acknowledged a message; it left the outbox. */
  default void sent(String connectorKey, SyncMessage message) {}

  /** A delivery attempt failed; the message stays in the outbox and is retried. */
  default void deliveryFailed(String connectorKey, SyncMessage message, String reason) {}

  /** A message arrived and was stored in the inbox. */
  default void received(String connectorKey, SyncMessage message) {}

  /**
   * A message was applied to the local issue.
   *
   * @param created whether the issue was created by it
   */
  default void applied(
      String connectorKey, SyncMessage message, String localIssueKey, boolean created) {}

  /**
   * A message was consumed without touching its issue (incoming JQL not matched, or incoming
   * changes ignored for the pair).
   */
  default void ignored(String connectorKey, SyncMessage message, String reason) {}

  /**
   * A change from the partner met a concurrent local change of the same field (or was refused:
   * the local side is responsible); the record says who won and by which rule.
   */
  default void conflict(String connectorKey, org.backbonesync.spi.store.ConflictRecord record) {}

  /** A message was dropped as a duplicate (delivered again, or its sequence id already applied). */
  default void duplicate(String connectorKey, SyncMessage message) {}

  /**
   * Applying a message failed. When {@code permanent}, it waits for an admin's retry or skip;
   * otherwise the engine tries again after a backoff.
   */
  default void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {}

  /** An admin asked for a failed message to be retried. */
  default void retried(String connectorKey, SyncMessage message) {}

  /** An admin skipped a failed message. */
  default void skipped(String connectorKey, SyncMessage message) {}
}
