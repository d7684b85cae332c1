package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * Records what the {@link Applier} wrote to an issue, in the {@link GroupCommit} of the pairs
 * applied with it: the row's place in the partner's sequence, the values the partner has now,
 * the conflicts, the content links, and the message sent back; the incoming message is then
 * consumed. Its events come after the commit.
 */
final class OutcomeRecorder {
  private final Connector connector;
  private final Stores stores;
  private final Outbox outbox;
  private final Events events;
  private final GroupCommit group;
  private final BiConsumer<SyncMessage, RuntimeException> recordFailed;

  private final Clock clock;

  OutcomeRecorder(Connector connector, Stores stores, Outbox outbox, Events events,
      GroupCommit group, BiConsumer<SyncMessage, RuntimeException> recordFailed, Clock clock) {
    this.clock = clock;
    this.connector = connector;
    this.stores = stores;
    this.outbox = outbox;
    this.events = events;
    this.group = group;
    this.recordFailed = recordFailed;
  }

  /**
   * Records the outcome of a message written to its issue with the group's next commit, its
   * events after; a failure to record is told to {@code recordFailed}.
   */
  void recordWithGroup(long rowId, ApplyTarget target, List<ContentFlow.Links> content,
      SyncMessage message, long now) {
    // the last incoming change is when the issue was written, not when the apply began (a poll
    // tells a row written after its search by the store's stamp, not by this time)
    group.add(new Recording(rowId, target, content, message, Math.max(now, clock.millis())));
  }

  /**
   * The outcome of a message written to its issue, recorded with the group's next commit (the
   * message stays in the inbox until then: a crash before applies it again, as it would one
   * crashed before its own commit), its events only after.
   */
  private final class Recording implements GroupCommit.Part {
    private final long rowId;
    private final ApplyTarget target;
    private final List<ContentFlow.Links> content;
    private final SyncMessage message;
    private final long now;
    private final List<ConflictRecord> recorded = new ArrayList<>();
    private SyncMessage sentBack;

    Recording(long rowId, ApplyTarget target, List<ContentFlow.Links> content,
        SyncMessage message, long now) {
      this.rowId = rowId;
      this.target = target;
      this.content = content;
      this.message = message;
      this.now = now;
    }

    @Override
    public long order() {
      return rowId;
    }

    @Override
    public void write() {
      recorded.clear(); // (written again alone after the group's rollback)
      sentBack = record(rowId, target, content, message, now, recorded);
    }

    @Override
    public void committed() {
      // (the message's issue and id on its events' log lines, as on its step's)
      try (LogContext step = LogContext.message(message.sourceIssueKey(), message.messageId())) {
        recorded.forEach(r -> events.conflict(connector.key(), r));
        if (sentBack != null) {
          outbox.committed(sentBack);
        }
        events.applied(connector.key(), message, target.localKey(), target.created());
      }
    }

    @Override
    public void failed(RuntimeException failure) {
      try (LogContext step = LogContext.message(message.sourceIssueKey(), message.messageId())) {
        recordFailed.accept(message, failure);
      }
    }
  }

  /**
   * Records the outcome: the row has received the message, what the partner has now (last
   * synced values), the conflicts, the changes of ours settled, the partner's skipped changes
   * taken ({@link SkippedChanges}), the comment and attachment
   * links; sends back what the resolution decided. Call inside a transaction.
   *
   * @return the message sent back, or null
   */
  SyncMessage record(long id, ApplyTarget target, List<ContentFlow.Links> content,
      SyncMessage message, long now, List<ConflictRecord> recorded) {
    SyncInfo current = connector.lockRow(stores, id);
    if (message.senderEpoch() != 0 && message.senderEpoch() < current.partnerEpoch()) {
      return linkedSince(id, content, message);
    }
    // A row that gave its partner issue's key up (InOrder.lostPartnersChange) names none, and
    // sends nothing back: the row it talked with is gone.
    boolean gaveKeyUp = current.remoteIssueKey() == null && current.incomingChangesIgnored();
    SyncInfo done = (current.remoteIssueKey() == null && !gaveKeyUp
        ? current.withRemoteIssueKey(message.sourceIssueKey()) : current)
        .withReceived(message.sequenceId(), now);
    stores.syncInfo().update(done);
    Map<String, JsonNode> received = Outbox.values(target.applied(), connector);
    // A row made here went with our issue whole, as it is after this message: that is what the
    // partner ends with, its synced values and pending changes stay.
    boolean wholeSent = target.makeRow() != null;
    SyncMessage back = null;
    ConflictResolver.Resolution settled = target.resolution();
    if (settled != null) {
      settled.records().forEach(r -> recorded.add(stores.conflicts()
          .add(r, SyncEngine.CONFLICTS_KEPT)));
    }
    if (!wholeSent) {
      if (settled != null && !settled.partnerValues().isEmpty()) {
        received = new HashMap<>(received); // (one write: the resolution's values win)
        received.putAll(settled.partnerValues());
      }
      stores.syncInfo().putSyncedValues(id, received);
    }
    if (settled != null && !wholeSent) {
      settled.settled().forEach(f -> stores.syncInfo().removePendingChange(id, f));
    }
    if (settled != null && !settled.skippedTaken().isEmpty()) {
      stores.syncInfo().removeSkippedBases(id, settled.skippedTaken());
    }
    if (settled != null && !settled.sendBack().isEmpty() && !gaveKeyUp) {
      // (after a whole too: the whole holds a merge of the partner's change, but it says it saw
      // none of the partner's messages, so the partner would go on waiting for the merge)
      back = outbox.send(done,
          Outbox.Draft.of(target.decidedOn(), MessageKind.CHANGE, settled.sendBack()), now);
    }
    content.forEach(links -> links.applyTo(stores.syncInfo(), id));
    stores.messages().removeIncoming(connector.key(), message.messageId());
    return back;
  }

  /**
   * Records a change of a lost partner applied to a row that gave its key up ({@code
   * InOrder.lostPartnersChange}) when a new copy's PAIRED, applied in the same round and
   * committed first, linked the row again: the row talks with the copy's row now, counts its
   * messages and holds what it sent the copy whole, read after the change was written (the
   * simulation with site restores, worklogs, link removals, webhooks and store faults, seed
   * 19959: the change's sequence id, recorded on the row, broke the new pair's count). Only the
   * items the change wrote are recorded, and the message consumed; nothing goes back.
   */
  private SyncMessage linkedSince(long id, List<ContentFlow.Links> content,
      SyncMessage message) {
    content.forEach(links -> links.applyTo(stores.syncInfo(), id));
    stores.messages().removeIncoming(connector.key(), message.messageId());
    return null;
  }
}
