package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * One thing that happened to one message of an issue pair, as an operator's trace shows it.
 *
 * <p>Entries of messages a connector sends are kept under its own issue ({@link Direction#OUT});
 * entries of messages it receives under the partner's issue the message came from ({@link
 * Direction#IN}), which is known even before a local issue exists. A pair's trace is the entries
 * of both.
 *
 * @param id the store's id, from 1, in the order the store took them; 0 before it is stored
 * @param connectorKey the connector that sent or received the message
 * @param direction whether the connector sent or received it
 * @param issueKey the sending side's issue: the connector's own for {@code OUT}, the partner's
 *     for {@code IN}
 * @param messageId the message, or null for an entry about no single message
 * @param sequenceId the message's per-pair sequence id, or 0
 * @param kind the message's {@code MessageKind} ({@code CHANGE}, {@code RESYNC}, ...), or null
 * @param outcome what happened
 * @param detail why, in words (a reason, an error, a conflict's fields and winner), at most
 *     {@link TraceStore#MAX_DETAIL_LENGTH} characters; null when the outcome says it all
 * @param at when it happened, epoch millis of the engine's clock
 * @since 0.1.0
 */
public record TraceEntry(
    long id,
    String connectorKey,
    Direction direction,
    String issueKey,
    String messageId,
    long sequenceId,
    String kind,
    Outcome outcome,
    String detail,
    long at) {

  /** Whether the connector sent or received the message. */
  public enum Direction {
    /** Built and sent by the connector, about its own issue. */
    OUT,
    /** Received by the connector, about the partner's issue. */
    IN
  }

  /** What happened to the message. */
  public enum Outcome {
    /** Built from a change and put in the outbox. */
    QUEUED,
    /** Delivered to the partner. */
    SENT,
    /** Delivery failed; the message stays in the outbox and is tried again. */
    DELIVERY_FAILED,
    /** Taken into the inbox. */
    RECEIVED,
    /** Applied to the local issue. */
    APPLIED,
    /** Applied by creating the local issue. */
    CREATED,
    /** Taken but not applied, on purpose; the detail says why. */
    IGNORED,
    /** Delivered again and dropped. */
    DUPLICATE,
    /** A field met a local change of the same field; the detail names the winner and rule. */
    CONFLICT,
    /** A field's change was refused: the local side is responsible for the issue. */
    REJECTED,
    /** Applying failed; the detail has the error and whether it is retried. */
    FAILED,
    /** An operator retried the failed message. */
    RETRIED,
    /** An operator skipped the failed message: its changes are lost to this side. */
    SKIPPED,
    /**
     * No message: a poll could not export the issue's change (a mapping threw on it, or the
     * tracker would not read it); the detail has the error. Tried again at every poll.
     *
     * @since 0.1.0
     */
    EXPORT_FAILED
  }

  public TraceEntry {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(issueKey, "issueKey");
    Objects.requireNonNull(outcome, "outcome");
    if (detail != null && detail.length() > TraceStore.MAX_DETAIL_LENGTH) {
      int end = TraceStore.MAX_DETAIL_LENGTH - 1;
      if (Character.isHighSurrogate(detail.charAt(end - 1))) {
        end--; // never half a character
      }
      detail = detail.substring(0, end) + "\u2026";
    }
  }

  /** This entry with the store's id. */
  public TraceEntry withId(long value) {
    return new TraceEntry(value, connectorKey, direction, issueKey, messageId, sequenceId, kind,
        outcome, detail, at);
  }
}
