package org.backbonesync.spi.store;

import java.util.Objects;
import org.backbonesync.spi.message.SyncMessage;

/**
 * A received message waiting in the inbox to be applied.
 *
 * @param message the message
 * @param receivedAt when it was received, epoch millis
 * @param status whether it waits to be applied or failed
 * @param attempts how many applications were tried
 * @param notBefore the earliest time of the next attempt, epoch millis
 * @param error why the last attempt failed, or null
 */
public record InboxEntry(
    SyncMessage message, long receivedAt, Status status, int attempts, long notBefore, String error) {

  /** Where an inbox entry stands. */
  public enum Status {
    /** Waiting to be applied (possibly after a transient failure, at {@code notBefore}). */
    PENDING,
    /**
     * Failed permanently; it and every later message for its issue wait for an admin's retry or
     * skip (the engine judges one that failed waiting for a gap again when a message of its issue
     * comes).
     */
    FAILED
  }

  public InboxEntry {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(status, "status");
  }

  /** A new pending entry. */
  public static InboxEntry received(SyncMessage message, long receivedAt) {
    return new InboxEntry(message, receivedAt, Status.PENDING, 0, receivedAt, null);
  }

  /** This entry after a transient failure, to be tried again at {@code nextAttempt}. */
  public InboxEntry withRetryAt(long nextAttempt, String reason) {
    return new InboxEntry(message, receivedAt, Status.PENDING, attempts + 1, nextAttempt, reason);
  }

  /** This entry after a permanent failure. */
  public InboxEntry withFailure(String reason) {
    return new InboxEntry(message, receivedAt, Status.FAILED, attempts + 1, notBefore, reason);
  }

  /** This entry made pending again by an admin's retry, due at {@code now}. */
  public InboxEntry withRetryRequested(long now) {
    return new InboxEntry(message, receivedAt, Status.PENDING, attempts, now, error);
  }

  /** This entry waiting (for a missing earlier sequence id) until {@code nextCheck}. */
  public InboxEntry withWaitUntil(long nextCheck, String reason) {
    return new InboxEntry(message, receivedAt, Status.PENDING, attempts, nextCheck, reason);
  }
}
