package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a key that a Jira site restored from a backup gave again, to a copy the sync made there
 * since, from the lost issue's pair to the copy's. A row pairs keys, one pair per key on each
 * side, and the lost pair still holds it: where the site was restored, its row is removed when
 * the copy is paired (it cannot keep a key that names another issue, and the copy's pair may not
 * wait for good); the partner learns it from the copy's PAIRED, and there the row that named the
 * key gives it up: unlinked, its issue marked at most, as for a partner replaced, and naming no
 * partner issue from then on.
 */
final class ReusedKeys {
  private static final Logger log = LoggerFactory.getLogger(ReusedKeys.class);

  /** What {@link #giveRemoteKey} returns when no other row names the key: nothing to write. */
  static final Runnable NOTHING = () -> { };

  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final PartnerGoneApplier partnerGone;
  private final RemovedRows removed;

  /** @param removed told of each row removed, for the apply round that read it before */
  ReusedKeys(Connector connector, Stores stores, Events events, PartnerGoneApplier partnerGone,
      RemovedRows removed) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.partnerGone = partnerGone;
    this.removed = removed;
  }

  /**
   * Removes the row of a lost pair that holds the key of an issue the sync made (or found by its
   * origin marker) for the message's issue, before the new pair is recorded; call inside that
   * transaction. A key the partner named is left to the store's refusal: the partner may be
   * wrong about it.
   */
  void freeLocalKey(String localKey, SyncMessage message) {
    if (message.partnerIssueKey() != null) {
      return;
    }
    Optional<SyncInfo> lost = stores.syncInfo().findByLocalKey(connector.key(), localKey);
    if (lost.isEmpty() || message.sourceIssueKey().equals(lost.get().remoteIssueKey())) {
      return;
    }
    SyncInfo row = connector.lockRow(stores, lost.get().id());
    stores.syncInfo().delete(connector.key(), row.id());
    keepRemoved(row);
    removed.removed(row.remoteIssueKey());
    log.warn("{}: {}, made for {}, has the key of an issue lost when the site was restored from"
        + " a backup, paired with {} (sync information {}): that row is removed, and {} unlinks"
        + " {} when it learns the key's new pair", connector.key(), localKey,
        message.sourceIssueKey(), row.remoteIssueKey(), row.id(), connector.partner.key(),
        row.remoteIssueKey());
    events.unlinked(connector.key(), message, localKey, row.remoteIssueKey());
    dropQueuedFor(row);
  }

  /**
   * Records the removed row's partner row and the last of its messages applied ({@link
   * RemovedRow}): a message of that partner row that comes later finds no row of ours, and
   * would wait for good for a sequence id the removed row applied (simulation seeds 1580, 1627,
   * 5005, 7547 with site restores); {@link PairOrder} drops it by this record instead.
   */
  private void keepRemoved(SyncInfo row) {
    if (row.partnerEpoch() != 0 && row.remoteIssueKey() != null) {
      stores.syncInfo().putRemovedRow(new RemovedRow(connector.key(), row.remoteIssueKey(),
          row.partnerEpoch(), row.incomingMessageSequenceId()));
    }
  }

  /**
   * Drops the messages queued for the removed row from the partner row it talked with: changes
   * of the lost pair's partner, for an issue that is gone. Left queued, the next of them would
   * find no row of its issue and wait for good for the ones the removed row applied, as a new
   * issue's change waits for its create (simulation seeds 2010, 2335 with site restores). Not
   * when one of them is the sender's create or its issue whole: an apply round that read them
   * before may still make a copy of it (a create sent again, as for any copy), and what follows
   * must then reach that copy (seed 635 with hand-over dropped a GONE so).
   */
  private void dropQueuedFor(SyncInfo removed) {
    long sender = removed.partnerEpoch();
    if (sender == 0 || removed.remoteIssueKey() == null) {
      return;
    }
    List<SyncMessage> queued = new ArrayList<>();
    for (InboxEntry e : stores.messages().incomingFor(connector.key(), removed.remoteIssueKey())) {
      if (e.message().senderEpoch() == sender) {
        if (e.message().sequenceId() == 1 || connector.carriesWhole(e.message())) {
          return;
        }
        queued.add(e.message());
      }
    }
    List<String> dropped = new ArrayList<>();
    for (SyncMessage m : queued) {
      dropped.add(m.messageId());
      events.duplicate(connector.key(), m);
    }
    if (!dropped.isEmpty()) {
      stores.messages().removeIncoming(connector.key(), dropped);
      log.warn("{}: {} message(s) of {} for the removed row are dropped: {}", connector.key(),
          dropped.size(), removed.remoteIssueKey(), dropped);
    }
  }

  /**
   * Unlinks the row of ours that names {@code remoteKey}, other than {@code taker}, which the
   * partner says is paired with it now: the partner's site gave the key of the row's partner
   * issue, lost in a restore, to another issue. Its issue is first marked as {@code
   * onPartnerGone} says for a partner replaced (unless unlinked before), then the row ignores the
   * partner's changes and names no partner issue. The store writes are returned, to run in the
   * transaction that gives the key to {@code taker}.
   */
  Runnable giveRemoteKey(SyncInfo taker, String remoteKey, SyncMessage message) {
    Optional<SyncInfo> holder = stores.syncInfo().findByRemoteKey(connector.key(), remoteKey)
        .filter(r -> r.id() != taker.id());
    if (holder.isEmpty()) {
      return NOTHING;
    }
    SyncInfo lost = holder.get();
    log.warn("{}: {} says {} is the partner of {} now (its site was restored from a backup and"
        + " gave the key again): {}, paired with it before, is unlinked", connector.key(),
        connector.partner.key(), remoteKey, taker.localIssueKey(), lost.localIssueKey());
    return unlink(lost, remoteKey, message);
  }

  /**
   * Gives up {@code row}, which waits for a PAIRED of {@code message}'s issue (or names it), when
   * another row of ours talks with a newer row of the partner for that issue ({@link
   * SenderRows#keyTakenByNewerSender}): the message comes from a row of the lost issue's pair,
   * superseded there by the copy the restored site gave its key to. The row is unlinked as in
   * {@link #giveRemoteKey}, its issue marked at most; the store writes are returned.
   */
  Runnable giveUp(SyncInfo row, SyncMessage message) {
    return giveUp(row, message, "it comes from a row of " + message.sourceIssueKey()
        + " older than the one another row of ours talks with");
  }

  /**
   * {@link #giveUp}, saying why the message's sender row is not the key's pair ({@code why});
   * also for a newer row of the partner whose PAIRED names another issue of ours, for a row of
   * ours since removed ({@link SenderRows#keyPairedSinceToRowGone}).
   */
  Runnable giveUp(SyncInfo row, SyncMessage message, String why) {
    log.warn("{}: {} is not applied: {} (its site was restored from a backup and gave the key"
        + " again): {}, which was to be paired with it, is unlinked", connector.key(),
        Shown.quoted(message.messageId()), why, row.localIssueKey());
    return unlink(row, message.sourceIssueKey(), message);
  }

  /**
   * Gives up {@code holder}'s partner issue key when the partner names another issue of ours for
   * it, to a row of ours since gone ({@link SenderRows#toRowGone}): both sites were restored, and
   * the partner's gave the key to a copy of our issue whose row was removed here. The row is
   * unlinked as in {@link #giveRemoteKey}, its issue marked at most; the store writes are
   * returned.
   */
  Runnable giveToRowGone(SyncInfo holder, SyncMessage message) {
    log.warn("{}: {} says {} is the partner of {}, through a row of ours since removed (its site"
        + " was restored from a backup and gave the key again): {}, paired with it before, is"
        + " unlinked", connector.key(), connector.partner.key(), message.sourceIssueKey(),
        message.partnerIssueKey(), holder.localIssueKey());
    return unlink(holder, message.sourceIssueKey(), message);
  }

  private Runnable unlink(SyncInfo lost, String remoteKey, SyncMessage message) {
    if (!lost.incomingChangesIgnored()) {
      PartnerGone.Action done = partnerGone.replaced(lost.localIssueKey(), remoteKey);
      events.partnerGone(connector.key(), message, lost.localIssueKey(), done);
    }
    return () -> stores.syncInfo().update(connector.lockRow(stores, lost.id())
        .withRemoteIssueKey(null).withIncomingChangesIgnored(true));
  }
}
