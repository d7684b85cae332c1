package org.backbonesync.spi.store;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The outbox (messages a connector sent and the partner has not acknowledged) and the inbox
 * (messages a connector received and has not applied). A message is in the outbox of its {@code
 * fromConnector} and in the inbox of its {@code toConnector}. Writes join the current transaction
 * of {@link Stores#inTransaction}.
 */
public interface MessageStore {

  /** Appends a message to its sender's outbox. */
  void addOutgoing(SyncMessage message, long now);

  /**
   * Outbox entries of a connector that are due at {@code now}, in the order they were added.
   *
   * @param limit at most this many
   */
  List<OutboxEntry> dueOutgoing(String connectorKey, long now, int limit);

  /**
   * Whether a connector's outbox holds a message due at {@code now}, readable or not: a delivery
   * with nothing due asks only this (no lease, no message read). The default reads up to 100 due
   * entries; a store that skips rows it cannot read, or can answer without reading messages,
   * overrides it.
   *
   * @since 0.1.0
   */
  default boolean hasDueOutgoing(String connectorKey, long now) {
    return !dueOutgoing(connectorKey, now, 100).isEmpty();
  }

  /**
   * One outbox entry by message id. Default: looks through the whole outbox; a store with an
   * index on the id should override it.
   *
   * @since 0.1.0
   */
  default Optional<OutboxEntry> outgoing(String connectorKey, String messageId) {
    return dueOutgoing(connectorKey, Long.MAX_VALUE, Integer.MAX_VALUE).stream()
        .filter(e -> e.message().messageId().equals(messageId))
        .findFirst();
  }

  /** Replaces an outbox entry's delivery bookkeeping (attempts, next attempt, last error). */
  void updateOutgoing(OutboxEntry entry);

  /** Removes an acknowledged message from the outbox; a no-op when it is not there. */
  void removeOutgoing(String connectorKey, String messageId);

  /** How many messages a connector's outbox holds. */
  int outgoingCount(String connectorKey);

  /**
   * Adds a received message to its receiver's inbox.
   *
   * @return false, and nothing changes, when a message with this id is already in the inbox
   */
  boolean addIncoming(SyncMessage message, long receivedAt);

  /**
   * For each source issue with messages in the connector's inbox, the entry with the lowest
   * sequence id, unless that entry is {@link InboxEntry.Status#FAILED} or not due at {@code now};
   * those received earliest first.
   *
   * @param limit at most this many source issues
   */
  List<InboxEntry> nextIncoming(String connectorKey, long now, int limit);

  /** All inbox entries of one source issue, by sequence id. */
  List<InboxEntry> incomingFor(String connectorKey, String sourceIssueKey);

  /** One inbox entry by message id. */
  Optional<InboxEntry> incoming(String connectorKey, String messageId);

  /** All failed inbox entries of a connector, received earliest first. */
  List<InboxEntry> failedIncoming(String connectorKey);

  /** Replaces an inbox entry's bookkeeping (status, attempts, next attempt, error). */
  void updateIncoming(InboxEntry entry);

  /** Removes a message from the inbox (applied, skipped or a duplicate). */
  void removeIncoming(String connectorKey, String messageId);

  /** How many messages a connector's inbox holds. */
  int incomingCount(String connectorKey);

  /**
   * Adds several messages to their outboxes, in order; a store may write them in one round trip.
   * Default: one by one.
   */
  default void addOutgoing(List<SyncMessage> messages, long now) {
    messages.forEach(m -> addOutgoing(m, now));
  }

  /**
   * Removes several acknowledged messages from a connector's outbox; a store may do it in one
   * round trip. Default: one by one.
   */
  default void removeOutgoing(String connectorKey, Collection<String> messageIds) {
    messageIds.forEach(id -> removeOutgoing(connectorKey, id));
  }

  /**
   * Stores several incoming messages; a store may write them in one round trip. Default: one by
   * one.
   *
   * @return the ids of the messages stored now (the others were there already)
   */
  default Set<String> addIncoming(List<SyncMessage> messages,
      long receivedAt) {
    Set<String> stored = new LinkedHashSet<>();
    for (SyncMessage m : messages) {
      if (addIncoming(m, receivedAt)) {
        stored.add(m.messageId());
      }
    }
    return stored;
  }

  /**
   * Puts a message straight into its receiver's inbox, in the caller's transaction: the engine
   * does so instead of appending to the sender's outbox when both connectors are its own, on
   * these stores, so that the message arrives with the commit that records it, with no delivery
   * step. A message whose id is in the inbox already stays as it is. Nobody needs an answer
   * before the commit, so a store may send the write with the transaction's others then (as it
   * may {@link #addOutgoing(SyncMessage, long)}). Default: {@link #addIncoming(SyncMessage,
   * long)}.
   *
   * @since 0.1.0
   */
  default void handOver(SyncMessage message, long receivedAt) {
    addIncoming(message, receivedAt);
  }

  /**
   * The inbox entries of several source issues, by issue key, each issue's as {@link
   * #incomingFor(String, String)} orders them (an issue with none is absent), for an apply's
   * round of pairs; a store may read them in one round trip. Default: one by one. The answer is
   * the caller's to read, not to change: a store may answer an unmodifiable map.
   *
   * @throws NullPointerException for a null collection or a null key in it, naming its index
   *     (before anything is read)
   * @since 0.1.0
   */
  default Map<String, List<InboxEntry>> incomingFor(String connectorKey,
      Collection<String> sourceIssueKeys) {
    return OneByOne.lookUp(sourceIssueKeys, "sourceIssueKeys", key -> {
      List<InboxEntry> found = incomingFor(connectorKey, key);
      return found.isEmpty() ? null : found;
    });
  }

  /**
   * As {@link #incomingFor(String, Collection)}, for an apply's round whose heads were read
   * before its claim: every entry's bookkeeping (status, attempts, next attempt, error) is read
   * now, but a store may answer the message of an entry whose message id and time received are
   * a known entry's as the known one without reading it again (the inbox keeps an entry's
   * message as received; a message id given again with other content, by a sender restored
   * from a backup, comes as an entry received anew). Default: {@link #incomingFor(String,
   * Collection)}.
   *
   * @param known entries of this connector's inbox read before; an entry of another connector
   *     is ignored
   * @throws NullPointerException for a null collection or a null in one, naming it and the
   *     null's index (before anything is read)
   * @since 0.1.0
   */
  default Map<String, List<InboxEntry>> incomingFor(String connectorKey,
      Collection<String> sourceIssueKeys, Collection<InboxEntry> known) {
    NullChecks.requireNoNull(sourceIssueKeys, "sourceIssueKeys");
    NullChecks.requireNoNull(known, "known");
    return incomingFor(connectorKey, sourceIssueKeys);
  }

  /**
   * Removes several messages from a connector's inbox; a store may do it in one round trip.
   * Default: one by one.
   */
  default void removeIncoming(String connectorKey, Collection<String> messageIds) {
    messageIds.forEach(id -> removeIncoming(connectorKey, id));
  }

  /**
   * How many of a connector's inbox messages failed permanently. Default: counts {@link
   * #failedIncoming}; a store that can count without reading them should.
   *
   * @since 0.1.0 (added for the admin status)
   */
  default int failedIncomingCount(String connectorKey) {
    return failedIncoming(connectorKey).size();
  }

  /**
   * When the message that has waited longest in a connector's outbox was added, epoch millis;
   * empty when the outbox is empty. Default: the first entry {@link #dueOutgoing} gives at the end
   * of time (entries come in the order they were added).
   *
   * @since 0.1.0 (added for the admin status)
   */
  default OptionalLong oldestOutgoing(String connectorKey) {
    List<OutboxEntry> first = dueOutgoing(connectorKey, Long.MAX_VALUE, 1);
    return first.isEmpty() ? OptionalLong.empty() : OptionalLong.of(first.get(0).addedAt());
  }

  /**
   * When the message that has waited longest in a connector's inbox (pending or failed) was
   * received, epoch millis; empty when the inbox is empty. Default: the earliest of the failed
   * entries and of each issue's first pending one (it reads them all; a store should override it
   * with one query).
   *
   * @since 0.1.0 (added for the admin status)
   */
  default OptionalLong oldestIncoming(String connectorKey) {
    long oldest = Long.MAX_VALUE;
    for (InboxEntry e : nextIncoming(connectorKey, Long.MAX_VALUE, Integer.MAX_VALUE)) {
      oldest = Math.min(oldest, e.receivedAt());
    }
    for (InboxEntry e : failedIncoming(connectorKey)) {
      oldest = Math.min(oldest, e.receivedAt());
    }
    return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
  }
}
