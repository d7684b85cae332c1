package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.transport.MessageReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's inbox: stores the messages that arrive (once each, refusing one not addressed to
 * this connector), and lets an admin retry or skip a failed one. The {@link IncomingQueue} takes
 * them from the store in order.
 */
final class Inbox implements MessageReceiver {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final Runnable arrived;

  /** @param arrived called after new messages are stored (the engine applies them soon) */
  Inbox(Connector connector, Stores stores, Clock clock, Events events, Runnable arrived) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.arrived = arrived;
  }

  @Override
  public boolean receive(SyncMessage message) {
    Arguments.required("message", message);
    return receiveAll(List.of(message)).contains(message.messageId());
  }

  @Override
  public Set<String> receiveAll(List<SyncMessage> messages) {
    Arguments.required("messages", messages);
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i) == null) {
        throw new IllegalArgumentException("messages[" + i + "] is null, not a message");
      }
      checkAddressed(messages.get(i));
      checkStorable(messages.get(i));
    }
    Set<String> added = stores.messages().addIncoming(messages, clock.millis());
    for (SyncMessage message : messages) {
      if (added.contains(message.messageId())) {
        events.received(connector.key(), message);
      } else {
        log.debug("{}: message {} delivered again; already in the inbox",
            connector.key(), message.messageId());
        events.duplicate(connector.key(), message);
      }
    }
    if (!added.isEmpty()) {
      arrived.run();
    }
    return ids(messages); // (every one is stored now: added, or there before)
  }

  /**
   * After the commit that put a message of the partner's straight into this inbox ({@link
   * Handover}): its event. The apply comes with {@link #prompt}.
   */
  void handedOver(SyncMessage message) {
    events.received(connector.key(), message);
  }

  /** Asks for an apply soon: messages were handed straight to this inbox. */
  void prompt() {
    arrived.run();
  }

  private static Set<String> ids(List<SyncMessage> messages) {
    if (messages.size() == 1) { // (most deliveries)
      return Set.of(messages.get(0).messageId());
    }
    Set<String> ids = new HashSet<>(2 * messages.size());
    for (SyncMessage message : messages) {
      ids.add(message.messageId());
    }
    return ids;
  }

  private void checkAddressed(SyncMessage message) {
    if (!connector.syncId.equals(message.synchronizationId())
        || !connector.key().equals(message.toConnector())
        || !connector.partner.key().equals(message.fromConnector())) {
      throw new SyncException(
          "message " + message.messageId() + " from " + message.fromConnector() + " to "
              + message.toConnector() + " in synchronization " + message.synchronizationId()
              + " is not for connector " + connector.key() + " (synchronization "
              + connector.syncId + ", partner " + connector.partner.key() + ")",
          null, connector.key(), message.sourceIssueKey(), null);
    }
  }

  /**
   * Refuses a message whose id or issue keys the stores' columns cannot hold (JDBC: 512 and 255
   * characters; PostgreSQL refuses a NUL) or an admin could not name: one that failed would wait
   * for a retry or skip that {@code SyncAdmin} and {@link
   * org.backbonesync.core.SyncEngine#skip} refuse to take for its id, and block its pair for
   * good. The codec reads such a message, so the check is here, where every transport delivers.
   */
  private void checkStorable(SyncMessage message) {
    refuseIf(message, "messageId", message.messageId(), Arguments.MAX_MESSAGE_ID_LENGTH);
    refuseIf(message, "sourceIssueKey", message.sourceIssueKey(),
        Arguments.MAX_ISSUE_KEY_LENGTH);
    if (message.partnerIssueKey() != null) {
      refuseIf(message, "partnerIssueKey", message.partnerIssueKey(),
          Arguments.MAX_ISSUE_KEY_LENGTH);
    }
    if (message.parentIssueKey() != null) {
      refuseIf(message, "parentIssueKey", message.parentIssueKey(),
          Arguments.MAX_ISSUE_KEY_LENGTH);
    }
  }

  private void refuseIf(SyncMessage message, String field, String value, int max) {
    String problem = Arguments.textProblem(value, max);
    if (problem != null) {
      String which = field.equals("messageId") ? "a message"
          : "message " + Shown.quoted(message.messageId());
      throw new SyncException(which + " from " + message.fromConnector() + " is refused: "
          + Arguments.refusal(field, problem, value), null, connector.key(), null, null);
    }
  }

  /** Applies a failed message again at the next apply, prompted now (on a scheduler). */
  void retry(String messageId) {
    InboxEntry entry = failed(messageId);
    stores.messages().updateIncoming(entry.withRetryRequested(clock.millis()));
    events.retried(connector.key(), entry.message());
    arrived.run();
  }

  /**
   * Gives up a failed message: the pair's sequence moves past it, its changes are not applied;
   * the next apply, prompted now (on a scheduler), applies those waiting behind it.
   */
  void skip(String messageId) {
    InboxEntry entry = failed(messageId);
    SyncMessage message = entry.message();
    long now = clock.millis();
    stores.inTransaction(
        () -> {
          Optional<SyncInfo> row =
              stores.syncInfo().findByRemoteKey(connector.key(), message.sourceIssueKey());
          if (row.isPresent()) {
            SyncInfo current = connector.lockRow(stores, row.get().id());
            if (current.incomingMessageSequenceId() < message.sequenceId()) {
              stores.syncInfo().update(current.withReceived(message.sequenceId(), now));
            }
          }
          stores.messages().removeIncoming(connector.key(), messageId);
        });
    log.info("{}: message {} for {} skipped by an admin",
        connector.key(), messageId, message.sourceIssueKey());
    events.skipped(connector.key(), message);
    arrived.run(); // (the messages waiting behind it)
  }

  private InboxEntry failed(String messageId) {
    return stores.messages().incoming(connector.key(), messageId)
        .filter(e -> e.status() == InboxEntry.Status.FAILED)
        .orElseThrow(() -> new IllegalArgumentException(
            "connector " + connector.key() + " has no failed message with id " + messageId));
  }
}
