package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a connector's outbox: sends due messages in batches, removes the acknowledged ones,
 * backs off the others, and parks those the partner can never take until an admin retries or
 * skips them.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final EngineSettings settings;
  private final MessageTransport transport;

  Delivery(Connector connector, Stores stores, Clock clock, Events events,
      EngineSettings settings, MessageTransport transport) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.settings = settings;
    this.transport = transport;
  }

  /** The next attempt of an outbox entry the transport will never deliver as it is: never. */
  static final long UNDELIVERABLE = Long.MAX_VALUE;

  /** How many outbox entries {@link #undeliverable()} looks through. */
  private static final int OUTBOX_SCAN = 10_000;

  /** The outbox entries parked as undeliverable, among the first 10,000, oldest first. */
  List<OutboxEntry> undeliverable() {
    return stores.messages().dueOutgoing(connector.key(), UNDELIVERABLE, OUTBOX_SCAN).stream()
        .filter(e -> e.notBefore() == UNDELIVERABLE)
        .toList();
  }

  /** Delivers a parked message again at the next delivery (the partner may accept it now). */
  void retryUndeliverable(String messageId) {
    OutboxEntry e = parked(messageId);
    stores.messages().updateOutgoing(
        new OutboxEntry(e.message(), e.addedAt(), e.attempts(), clock.millis(), e.lastError()));
  }

  /**
   * Gives up a parked message: its changes do not reach the partner. An empty message of the
   * same sequence id takes its place, so the partner's sequence goes on without a gap.
   */
  void skipUndeliverable(String messageId) {
    OutboxEntry e = parked(messageId);
    SyncMessage m = e.message();
    if (m.kind() != MessageKind.PAIRED && m.partnerIssueKey() == null
        && m.sequenceId() == 1) {
      throw new IllegalStateException("message " + messageId + " would create the partner of "
          + m.sourceIssueKey() + ": without it the issue is never paired; retry it once the"
          + " partner takes it, or delete the sync information of " + m.sourceIssueKey());
    }
    SyncMessage empty = SyncMessage.builder()
        .formatVersion(m.formatVersion())
        .messageId(m.messageId())
        .synchronizationId(m.synchronizationId())
        .fromConnector(m.fromConnector())
        .toConnector(m.toConnector())
        .sourceIssueKey(m.sourceIssueKey())
        .partnerIssueKey(m.partnerIssueKey())
        .sequenceId(m.sequenceId())
        .kind(m.kind() == MessageKind.PAIRED ? MessageKind.PAIRED : MessageKind.CHANGE)
        .issueType(m.issueType())
        .createdAt(m.createdAt())
        .parentIssueKey(m.parentIssueKey())
        .seenSequenceId(m.seenSequenceId())
        .senderEpoch(m.senderEpoch())
        .receiverEpoch(m.receiverEpoch())
        .partnerSince(m.partnerSince())
        .build();
    stores.inTransaction(() -> {
      stores.messages().removeOutgoing(connector.key(), messageId);
      stores.messages().addOutgoing(empty, clock.millis());
    });
    log.info("{}: undeliverable message {} for {} skipped by an admin; its changes are not sent",
        connector.key(), messageId, m.sourceIssueKey());
  }

  private OutboxEntry parked(String messageId) {
    return stores.messages().outgoing(connector.key(), messageId)
        .filter(e -> e.notBefore() == UNDELIVERABLE)
        .orElseThrow(() -> new IllegalArgumentException("connector " + connector.key()
            + " has no undeliverable message with id " + messageId));
  }

  synchronized int deliver() {
    long now = clock.millis();
    if (!stores.messages().hasDueOutgoing(connector.key(), now)) {
      return 0; // an idle outbox: no lease taken, no store write, no message read
    }
    HeldLease lease =
        HeldLease.tryTake(stores, LeaseScope.DELIVER, connector.key(), settings, now);
    if (lease == null) {
      return 0; // another node delivers this connector's outbox now
    }
    try (lease) {
      return deliverHoldingLease(lease, now);
    }
  }

  private int deliverHoldingLease(HeldLease lease, long now) {
    List<OutboxEntry> due =
        stores.messages().dueOutgoing(connector.key(), now, settings.deliveryBatchSize());
    if (due.isEmpty()) {
      return 0;
    }
    List<SyncMessage> batch = new ArrayList<>(due.size());
    for (OutboxEntry e : due) {
      batch.add(e.message());
    }
    Set<String> acked;
    String failure = null;
    try {
      acked = transport.send(batch);
    } catch (RuntimeException e) {
      acked = Set.of();
      failure = "transport failed: " + e.getMessage();
      log.warn("{}: delivery of {} messages failed, will retry: {}",
          connector.key(), batch.size(), e.toString());
    }
    List<OutboxEntry> done = new ArrayList<>(due.size());
    Map<String, String> refused = failure == null ? transport.undeliverable() : Map.of();
    for (OutboxEntry e : due) {
      if (acked.contains(e.message().messageId())) {
        done.add(e);
      } else {
        notDelivered(e, refused.get(e.message().messageId()), failure, now);
      }
    }
    // one round trip for the acknowledged ones, then their events
    List<String> ids = new ArrayList<>(done.size());
    for (OutboxEntry e : done) {
      ids.add(e.message().messageId());
    }
    lease.lastWrite(() -> stores.messages().removeOutgoing(connector.key(), ids));
    done.forEach(e -> events.sent(connector.key(), e.message()));
    return done.size();
  }

  /**
   * Records a message the partner did not take: refused ({@code refusal}, parked as undeliverable)
   * or not acknowledged (tried again after a backoff).
   *
   * @param failure why the whole send failed, or null when the transport answered
   */
  private void notDelivered(OutboxEntry e, String refusal, String failure, long now) {
    if (refusal != null) {
      // parked until an admin retries or skips it; the other messages flow meanwhile
      String reason = "undeliverable: " + refusal;
      stores.messages().updateOutgoing(e.withFailedAttempt(UNDELIVERABLE, reason));
      log.warn("{}: message {} for {} is undeliverable; it waits for an admin: {}",
          connector.key(), e.message().messageId(), e.message().sourceIssueKey(), refusal);
      events.deliveryFailed(connector.key(), e.message(), reason);
    } else {
      String reason = failure != null ? failure : "not acknowledged by the partner";
      long next = now + settings.backoffMillis(e.attempts() + 1);
      stores.messages().updateOutgoing(e.withFailedAttempt(next, reason));
      events.deliveryFailed(connector.key(), e.message(), reason);
    }
  }
}
