package org.backbonesync.spi.store;

import java.util.Objects;
import org.backbonesync.spi.message.SyncMessage;

/**
 * A message waiting in the outbox for the partner's acknowledgement.
 *
 * @param message the message
 * @param addedAt when it was added, epoch millis
 * @param attempts how many deliveries were tried without acknowledgement
 * @param notBefore the earliest time of the next attempt, epoch millis
 * @param lastError why the last attempt failed, or null
 */
public record OutboxEntry(
    SyncMessage message, long addedAt, int attempts, long notBefore, String lastError) {
  public OutboxEntry {
    Objects.requireNonNull(message, "message");
  }

  /** This entry after a failed delivery attempt. */
  public OutboxEntry withFailedAttempt(long nextAttempt, String error) {
    return new OutboxEntry(message, addedAt, attempts + 1, nextAttempt, error);
  }
}
