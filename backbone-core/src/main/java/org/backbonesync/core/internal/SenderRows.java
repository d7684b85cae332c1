package org.backbonesync.core.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our row for a partner's message: found by the message's issues, made again when the partner
 * names a pair whose row we lost, and told which of the partner's rows it talks with (sending our
 * issue whole to a partner row made again). The incoming queue's bookkeeping of rows; {@link
 * PartnerRows} judges a message against the row.
 */
final class SenderRows {
  private static final Logger log = LoggerFactory.getLogger(SenderRows.class);

  private final Connector connector;
  private final Stores stores;
  private final Resender resender;
  private final PartnerFinder finder;
  private final ReusedKeys reusedKeys;
  /**
   * The rows of an apply round's pairs by remote key, read at once ({@link #prefetch}); each
   * handed out once, and all forgotten when any row's keys or partner change, so a copy is never
   * older than the round's start or another pair's rekey.
   */
  private final Map<String, SyncInfo> prefetched = new HashMap<>();

  SenderRows(Connector connector, Stores stores, Resender resender, PartnerFinder finder,
      ReusedKeys reusedKeys) {
    this.connector = connector;
    this.stores = stores;
    this.resender = resender;
    this.finder = finder;
    this.reusedKeys = reusedKeys;
  }

  /**
   * The row of the pair a message belongs to: by its source issue as our remote key; or, when
   * the partner names our issue, the row of that issue still waiting for its remote key; empty
   * when we have neither (see {@link PartnerFinder}).
   *
   * @throws KeyPairedSince for a message naming an issue of ours for a row of ours since gone,
   *     or from a partner row older than the one ours talks with: to drop, not to fail
   */
  Optional<SyncInfo> rowFor(SyncMessage message) {
    SyncInfo read = prefetched.remove(message.sourceIssueKey());
    Optional<SyncInfo> byRemote = read != null ? Optional.of(read)
        : stores.syncInfo().findByRemoteKey(connector.key(), message.sourceIssueKey());
    String named = message.partnerIssueKey();
    if (named == null || byRemote.isPresent() && !toAnotherIssue(byRemote.get(), message)) {
      return byRemote;
    }
    Optional<SyncInfo> byLocal = stores.syncInfo().findByLocalKey(connector.key(), named);
    if (byRemote.isPresent()) {
      // The partner's site, restored from a backup, gave the key of the row's partner issue to
      // the copy it made for the issue of ours it names (ReusedKeys): the message is for that
      // issue's row, which takes the key with the PAIRED.
      Optional<SyncInfo> taker = byLocal.filter(r -> r.epoch() == message.receiverEpoch()
          || message.receiverEpoch() == 0 && r.remoteIssueKey() == null);
      if (taker.isPresent() || message.receiverEpoch() == 0) {
        return taker.or(() -> byRemote);
      }
      throw toRowGone(byRemote.get(), message);
    }
    if (byLocal.isPresent() && byLocal.get().remoteIssueKey() != null
        && !sameRows(byLocal.get(), message)) {
      if (toRowSinceGone(byLocal.get(), message)) {
        throw new KeyPairedSince(connector.key(), byLocal.get());
      }
      if (fromOlderPartnerRow(byLocal.get(), message)) {
        throw new KeyPairedSince(connector.key(), byLocal.get(), "it comes from a row of "
            + connector.partner.key() + " older than the one our row of " + named + " talks with");
      }
      throw new SyncException(
          connector.partner.key() + " says " + message.sourceIssueKey() + " is the partner of "
              + message.partnerIssueKey() + ", but that issue is paired with "
              + byLocal.get().remoteIssueKey(),
          null, connector.key(), message.partnerIssueKey(), null);
    }
    if (byLocal.isPresent() && gaveKeyUp(byLocal.get())
        && toRowSinceGone(byLocal.get(), message)) {
      throw new KeyPairedSince(connector.key(), named, "it was sent to a row of ours since"
          + " removed; " + named + " is another issue now, whose pair gave its partner issue's"
          + " key up");
    }
    return byLocal;
  }

  /**
   * Whether the row gave its partner issue's key up ({@link ReusedKeys}: it ignores, names no
   * partner issue, and talked with a row of the partner). A message naming its issue that is
   * addressed to another row of ours ({@link #toRowSinceGone}) was for a row removed when our
   * restored site gave the key to this row's issue: a copy of another partner issue, not that
   * row made again. Taken as the row's, it made the row talk with the sender's row, a copy of
   * our lost issue, and send its issue whole there; sent as from a linked row ({@link
   * Resender}), that whole waited at the partner for good for a sequence id that went to the
   * partner's row of the issue our row's issue was copied from (the simulation with site
   * restores, worklogs, link removals, webhooks and store faults, seed 12181).
   */
  private static boolean gaveKeyUp(SyncInfo row) {
    return row.incomingChangesIgnored() && row.remoteIssueKey() == null
        && row.partnerEpoch() != 0;
  }

  /**
   * A message naming our issue, whose key is paired with another partner issue now, for a row of
   * ours since gone (the pair lost when our site was restored from a backup: {@link ReusedKeys})
   * or from a partner row older than the one our row talks with (the partner's); dropped, not
   * failed for good.
   */
  static final class KeyPairedSince extends SyncException {
    private static final long serialVersionUID = 1L;

    KeyPairedSince(String connectorKey, SyncInfo row) {
      this(connectorKey, row, "it was sent to a row of ours since removed");
    }

    KeyPairedSince(String connectorKey, SyncInfo row, String why) {
      this(connectorKey, row.localIssueKey(),
          why + "; " + row.localIssueKey() + " is paired with " + row.remoteIssueKey() + " now");
    }

    KeyPairedSince(String connectorKey, String issueKey, String text) {
      super(text, null, connectorKey, issueKey, null);
    }
  }

  /**
   * Refuses a message found by its issue's key that names another issue of ours and is addressed
   * to a row of ours since gone (neither the row with the key nor the named issue's row): the
   * partner's site, restored from a backup, gave the key to a copy of an issue of ours whose row
   * was removed here too (both sites restored: {@link ReusedKeys}). From a newer row of the
   * partner than the one the row with the key talks with, the key names another issue now: that
   * row gives it up ({@link ReusedKeys#giveToRowGone}). Taken as the row's, the message made it
   * talk with the copy's row and send its issue whole there, linked with an issue that is not
   * its partner's, and the copy's pair dropped the row's changes from then on (simulation seed
   * 20896 with site restores).
   */
  private KeyPairedSince toRowGone(SyncInfo holder, SyncMessage message) {
    String why = "it names " + message.partnerIssueKey() + " and was sent to a row of ours"
        + " since removed";
    if (message.senderEpoch() == 0 || message.senderEpoch() <= holder.partnerEpoch()) {
      return new KeyPairedSince(connector.key(), holder, why + ", from a row of "
          + connector.partner.key() + " no newer than the one our row of "
          + holder.localIssueKey() + " talks with");
    }
    forgetPrefetched();
    stores.inTransaction(reusedKeys.giveToRowGone(holder, message));
    return new KeyPairedSince(connector.key(), holder.localIssueKey(), why + "; "
        + holder.localIssueKey() + ", paired with " + message.sourceIssueKey() + " before, is"
        + " unlinked: the key names another issue now");
  }

  /**
   * Whether a message naming our issue, paired with another partner issue, comes from a row of
   * the partner older than the one the row talks with: that partner's site, restored from a
   * backup, lost the copy the message's row was of, and its copy made since is the row's pair
   * (ReusedKeys gave the lost copy's key to a copy of another issue of ours, whose PAIRED may
   * wait behind this one). The message is stale, as any from an older partner row ({@link
   * PartnerRows}), and dropped with a warning as for a row since removed; failed, it held that
   * PAIRED back for good (simulation seed 614 with site restores, worklogs, link removals,
   * webhooks and store faults).
   */
  private static boolean fromOlderPartnerRow(SyncInfo row, SyncMessage message) {
    return message.senderEpoch() != 0 && message.senderEpoch() < row.partnerEpoch();
  }

  /** Whether a message naming our issue is addressed to another row of ours than this one. */
  private static boolean toRowSinceGone(SyncInfo row, SyncMessage message) {
    return message.receiverEpoch() != 0 && message.receiverEpoch() != row.epoch();
  }

  /**
   * Whether a message found by its issue's key names another issue of ours than the row's, and
   * is addressed to another row of ours, or to none yet (a row of the sender made again, by the
   * marker of its issue, before our row of the issue it names got its PAIRED): a key given again
   * since (see {@link #rowFor}).
   */
  private static boolean toAnotherIssue(SyncInfo row, SyncMessage message) {
    return !row.localIssueKey().equals(message.partnerIssueKey())
        && (message.receiverEpoch() == 0 || toRowSinceGone(row, message));
  }

  /** Whether another row of ours than {@code row} names the partner issue {@code remoteKey}. */
  boolean keyHeldByAnother(SyncInfo row, String remoteKey) {
    return stores.syncInfo().findByRemoteKey(connector.key(), remoteKey)
        .filter(r -> r.id() != row.id()).isPresent();
  }

  /**
   * Whether another row of ours than {@code row} names the message's issue as its partner and
   * talks with a newer row of the partner than the message's sender: the partner's site, restored
   * from a backup, gave the issue's key to a copy made since, whose pair that row is (ReusedKeys).
   * The sender's earlier messages of the issue were judged there, and dropped as from an older
   * row; the sender is superseded for the key.
   */
  boolean keyTakenByNewerSender(SyncInfo row, SyncMessage message) {
    long sender = message.senderEpoch();
    if (sender == 0 || message.sourceIssueKey().equals(row.remoteIssueKey())) {
      return false; // (the row names the issue: no other row does)
    }
    return stores.syncInfo()
        .findByRemoteKey(connector.key(), message.sourceIssueKey())
        .filter(r -> r.id() != row.id() && r.partnerEpoch() > sender).isPresent();
  }

  /**
   * Whether a queued PAIRED of the message's issue comes from a newer row of the partner, names
   * another issue of ours than {@code row}'s and is addressed to a row of ours since removed
   * ({@link #toRowSinceRemoved}): both sites were restored from backups, the partner's gave the
   * key of the issue {@code row} waits to be paired with to a copy of another issue of ours,
   * and that issue's row here was removed when ours gave its key again (ReusedKeys). No row of
   * ours talks with the copy's row, so {@link #keyTakenByNewerSender} cannot tell: the older
   * PAIRED is the lost copy's, and {@code row} gives the key up instead of taking it. Linked,
   * it stayed paired with the lost issue's key for good, and its changes were dropped at the
   * partner as sent to a row since removed (the simulation with site restores, worklogs, link
   * removals, webhooks and store faults, seed 29917).
   */
  boolean keyPairedSinceToRowGone(SyncInfo row, SyncMessage message, List<InboxEntry> queued) {
    return waitsForPairing(row, message) && queued.stream().map(InboxEntry::message)
        .anyMatch(m -> m.kind() == MessageKind.PAIRED
            && m.sourceIssueKey().equals(message.sourceIssueKey())
            && m.senderEpoch() > message.senderEpoch() && m.partnerIssueKey() != null
            && !m.partnerIssueKey().equals(row.localIssueKey()) && toRowSinceRemoved(m));
  }

  /**
   * For a PAIRED refused as addressed to a row of ours since removed ({@link #rowFor}), a queued
   * PAIRED of the same issue from an older row of the partner (not failed), for a row of ours
   * that waits for it and gives the key up by it ({@link #keyPairedSinceToRowGone}); with that
   * row.
   */
  Optional<Map.Entry<InboxEntry, SyncInfo>> olderPairingGivingKeyUp(SyncMessage newer,
      List<InboxEntry> queued) {
    if (newer.kind() != MessageKind.PAIRED || !toRowSinceRemoved(newer)) {
      return Optional.empty();
    }
    for (InboxEntry e : queued) {
      SyncMessage m = e.message();
      if (m.kind() != MessageKind.PAIRED || m.partnerIssueKey() == null
          || m.senderEpoch() >= newer.senderEpoch() || e.status() == InboxEntry.Status.FAILED) {
        continue;
      }
      Optional<SyncInfo> row = stores.syncInfo().findByLocalKey(connector.key(),
          m.partnerIssueKey()).filter(r -> r.epoch() == m.receiverEpoch()
              && keyPairedSinceToRowGone(r, m, queued));
      if (row.isPresent()) {
        return Optional.of(Map.entry(e, row.get()));
      }
    }
    return Optional.empty();
  }

  /** Whether the message is a PAIRED of a partner row for a row of ours still unpaired. */
  private static boolean waitsForPairing(SyncInfo row, SyncMessage message) {
    return message.kind() == MessageKind.PAIRED && message.senderEpoch() != 0 && row.id() != 0
        && row.remoteIssueKey() == null && !row.incomingChangesIgnored();
  }

  /**
   * Whether a message naming an issue of ours is addressed to a row of ours since removed: the
   * issue's row now is another, and pairs it with another partner issue (what {@link #rowFor}
   * refuses with {@link KeyPairedSince}).
   */
  boolean toRowSinceRemoved(SyncMessage message) {
    String named = message.partnerIssueKey();
    return named != null && message.receiverEpoch() != 0
        && stores.syncInfo().findByLocalKey(connector.key(), named)
            .filter(r -> r.remoteIssueKey() != null
                && !r.remoteIssueKey().equals(message.sourceIssueKey())
                && toRowSinceGone(r, message)).isPresent();
  }

  /**
   * The row of ours removed when a restored site gave its issue's key to another issue ({@link
   * ReusedKeys}) that talked with the message's sender row, if the store keeps it.
   */
  Optional<RemovedRow> removedRowOf(SyncMessage message) {
    return message.senderEpoch() == 0 ? Optional.empty() : stores.syncInfo()
        .removedRow(connector.key(), message.sourceIssueKey(), message.senderEpoch());
  }

  /**
   * Records the message's sender row as one we no longer talk with ({@link RemovedRow}, none
   * applied): a newer row of the partner sent for the issue first, and the message, finding no
   * row of ours, is dropped ({@link PairOrder}). A later message of the superseded row (held on
   * the way) then finds no row and no sequence id before it: without the record it waited for
   * good (simulation seed 32582 with site restores); with it, it is dropped at the gap timeout
   * as for a removed row. A record kept already (a row of ours removed) stays as it is.
   */
  void superseded(SyncMessage message) {
    if (message.senderEpoch() != 0 && removedRowOf(message).isEmpty()) {
      stores.syncInfo().putRemovedRow(new RemovedRow(connector.key(), message.sourceIssueKey(),
          message.senderEpoch(), 0));
    }
  }

  /** Keeps a round's rows, read at once by remote key, for {@link #rowFor}. */
  void prefetch(Map<String, SyncInfo> byRemoteKey) {
    prefetched.clear();
    prefetched.putAll(byRemoteKey);
  }

  /** Forgets the rows read at once (the round is over, or a row may have changed). */
  void forgetPrefetched() {
    prefetched.clear();
  }

  /**
   * Whether the message comes from the partner row our row talks with, to our row: then the
   * partner's issue has a new key (see {@link #partnersNewKey}), not another pair.
   */
  private boolean sameRows(SyncInfo row, SyncMessage message) {
    return message.senderEpoch() != 0 && message.senderEpoch() == row.partnerEpoch()
        && message.receiverEpoch() == row.epoch()
        && partnersNewKey(row.remoteIssueKey(), message.sourceIssueKey());
  }

  /**
   * Whether the partner's issue may have a new key: within the partner's configured project, or
   * with the same number under another project key (the partner's project renamed: PA-7 is PX-7
   * now; the partner follows a rename only within its project, by the project's stable id).
   * Anything else would be a move out of the partner's project, which the partner tells with a
   * GONE, never with a change under the new key.
   */
  private boolean partnersNewKey(String oldKey, String newKey) {
    return newKey.startsWith(connector.partner.projectKey() + "-")
        || oldKey != null && IssueKeys.sameNumber(oldKey, newKey);
  }

  /**
   * The row, knowing the partner's issue by the key the message has: a message applied in order
   * after the partner's issue got a new key (see {@link #rowFor}, which takes such a message
   * only from the partner row ours talks with) moves the row's remote key on.
   */
  SyncInfo followPartnerKey(SyncInfo row, SyncMessage message) {
    String key = message.sourceIssueKey();
    if (row.remoteIssueKey() == null || row.remoteIssueKey().equals(key) || row.id() == 0
        || !partnersNewKey(row.remoteIssueKey(), key)) {
      return row;
    }
    forgetPrefetched(); // (another pair's copy may have the old key)
    SyncInfo[] followed = new SyncInfo[1];
    stores.inTransaction(() -> {
      followed[0] = connector.lockRow(stores, row.id()).withRemoteIssueKey(key);
      stores.syncInfo().update(followed[0]);
    });
    log.info("{}: partner issue {} of {} is now {}", connector.key(), row.remoteIssueKey(),
        row.localIssueKey(), key);
    return followed[0];
  }

  /**
   * Makes our row again for a pair the partner names (ours was deleted or lost) and sends our
   * issue whole, so that the partner learns of the row; the partner's messages for the row
   * before are not applied (see {@link PartnerRows}).
   */
  SyncInfo pairAgain(SyncMessage message, long now) {
    forgetPrefetched();
    String local = finder.existing(message);
    TrackedIssue issue =
        connector.ownIssue(local).orElseThrow(() -> connector.gone(local));
    long[] id = new long[1];
    resender.sendWhole(issue, 0, Map.of(), () -> {
      SyncInfo made = resender.insertNew(local, message.sourceIssueKey(), now)
          .withPartnerRow(message.senderEpoch(), false);
      id[0] = made.id();
      return made;
    });
    log.info("{}: {} names {} as the partner of {}; paired them again",
        connector.key(), connector.partner.key(), local, message.sourceIssueKey());
    return stores.syncInfo().findById(connector.key(), id[0]).orElseThrow();
  }

  /**
   * Talks with the message's sender row from now on. When it replaces the partner row we talked
   * with (deleted there, or its store lost), it knows nothing of our issue: send it whole. When it
   * is the PAIRED of a new copy that links the row again after a restore lost its partner issue
   * ({@link InOrder#gaveKeyUp}), the whole carries the copies the row holds of the lost issue's
   * comments, worklogs and files ({@link Resender#sendWhole(TrackedIssue, long, Map, Supplier,
   * boolean)}): the new copy was made from our create, and they are the only ones left.
   */
  void learn(SyncInfo row, SyncMessage message, boolean replaced) {
    forgetPrefetched();
    long sender = message.senderEpoch();
    UnaryOperator<SyncInfo> talk = current -> current.partnerEpoch() == 0
        || sender > current.partnerEpoch() ? current.withPartnerRow(sender, replaced) : current;
    Optional<TrackedIssue> issue =
        replaced ? connector.ownIssue(row.localIssueKey()) : Optional.empty();
    if (issue.isPresent()) {
      log.info("{}: the row of {} at {} was made again; sending {} whole",
          connector.key(), message.sourceIssueKey(), connector.partner.key(),
          row.localIssueKey());
      boolean carry = message.kind() == MessageKind.PAIRED && InOrder.gaveKeyUp(row, message);
      resender.sendWhole(issue.get(), row.id(), Map.of(),
          () -> talk.apply(connector.lockRow(stores, row.id())), carry);
    } else {
      stores.inTransaction(() -> {
        stores.syncInfo().update(talk.apply(connector.lockRow(stores, row.id())));
      });
    }
  }
}
