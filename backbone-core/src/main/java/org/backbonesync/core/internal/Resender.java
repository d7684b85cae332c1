package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.core.internal.IssueValues.Change;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an issue whole, or chosen mappings again: a new issue (or one whose pair is restored
 * from its origin marker), an admin's resync, and a partner row made again. Reads the issue and
 * weighs its values ({@link IssueValues}); the message goes through the {@link Outbox}. A poll
 * and the resends of one connector take turns on this object's monitor.
 */
final class Resender {
  private static final Logger log = LoggerFactory.getLogger(Resender.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final IssueValues values;
  private final OutgoingContent content;
  private final Outbox outbox;
  private final PairClaims pairs;
  /** Unlinks a pair whose key names another issue, which nothing here sends. */
  private final GoneIssues gone;
  /** The row this engine made or made anew with the greatest epoch: see {@link #insertNew}. */
  private final AtomicReference<Made> lastMade = new AtomicReference<>(new Made(0, 0, 0));

  Resender(Connector connector, Stores stores, Clock clock, Events events, IssueValues values,
      OutgoingContent content, Outbox outbox, PairClaims pairs) {
    this.connector = connector;
    this.gone = new GoneIssues(connector, stores, events, outbox);
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.values = values;
    this.content = content;
    this.outbox = outbox;
    this.pairs = pairs;
  }

  /**
   * Inserts a new row pairing {@code localKey} with {@code remoteKey}, first synced at {@code
   * now} (the step's time), made at the clock read as it is inserted, with an epoch greater than
   * that of any row this engine made for the connector; call inside a transaction. A row's epoch
   * is its {@code madeAt}, then its id's last ten bits, and the partner drops messages of a row
   * older than the one it talks with: a step that read the clock before another made the issue's
   * row (then deleted by an admin) made the next one older, and the pair stayed apart for good
   * ({@code RowMadeAgainDuringStepsTest}); so did a row made again in the millisecond of the one
   * it replaced when the ids crossed a multiple of 1,024. Such a row's {@code madeAt} goes a
   * millisecond past its predecessor's; else it is never later than a time the clock gave: the
   * partner also weighs epochs against its own rows' as times. Another node does not know this
   * one's latest; nodes' clocks seconds apart widen that to seconds.
   */
  SyncInfo insertNew(String localKey, String remoteKey, long now) {
    Made latest = lastMade.get();
    SyncInfo made = stores.syncInfo().insert(SyncInfo.newPair(connector.key(), localKey,
        remoteKey, now).withMadeAt(Math.max(clock.millis(), latest.madeAt())));
    // (an id at or below the latest's is one a rolled-back insert had: no row of it remains)
    if (made.epoch() <= latest.epoch() && made.id() > latest.id()) { // the id's bits wrapped
      stores.syncInfo().update(made.withMadeAt(latest.madeAt() + 1));
      made = stores.syncInfo().findById(connector.key(), made.id()).orElseThrow();
    }
    record(made);
    return made;
  }

  /** Of the row this engine made or made anew latest, by epoch. */
  private record Made(long madeAt, long epoch, long id) {}

  private void record(SyncInfo row) {
    Made made = new Made(row.madeAt(), row.epoch(), row.id());
    lastMade.accumulateAndGet(made, (a, b) -> a.epoch() >= b.epoch() ? a : b);
  }

  /** What a resync did with one issue. */
  enum Resynced {
    SENT, NOTHING_TO_SEND, OUT_OF_PROJECT, CREATED_BY_SYNC,
    /**
     * Another step (an apply, another node's poll) holds the pair now, or wrote it meanwhile:
     * nothing was done; to be tried again later.
     */
    BUSY
  }

  /**
   * Sends an issue's current values for the given mappings, whether or not they changed (no echo
   * suppression: the admin asked). An issue not synced yet is sent whole, as a new issue. A
   * paired issue is sent as a poll examines one: holding its pair's claim, so that no apply
   * writes the issue and its last synced values meanwhile, from a snapshot not older than its
   * row (read again when an apply wrote the row after the search began: the search's would undo
   * the partner's change on this side only, {@code ResyncDuringApplyTest}), and only while the
   * row is still as read when the message is queued (an apply the claim does not keep out, one
   * under a renamed partner's new key or of a row without a partner yet, may have written it).
   * When that cannot be had now, nothing is done and it says {@link Resynced#BUSY}.
   *
   * @param found the issue as the resync's search found it, with its changelog from the start
   *     (the search starts at 0): a new issue is weighed by it, with no request of its own
   * @param mappingIds the mappings to send
   * @param searched when the search that found it began
   */
  synchronized Resynced resync(IssueChanges found, Set<String> mappingIds,
      SearchStart searched) {
    TrackedIssue issue = found.issue();
    if (!connector.inProject(issue.key())) {
      return Resynced.OUT_OF_PROJECT;
    }
    Optional<SyncInfo> existing = stores.syncInfo().findByLocalKey(connector.key(), issue.key());
    if (existing.isEmpty()) {
      String partner = connector.partnerInMarker(issue.originMarker());
      if (partner != null && !restorePair(found, 0, partner)) {
        return Resynced.CREATED_BY_SYNC;
      }
      return partner != null || sendNew(found, 0, null)
          ? Resynced.SENT : Resynced.NOTHING_TO_SEND;
    }
    SyncInfo row = existing.get();
    if (row.remoteIssueKey() == null) { // (claimed by nobody: an apply may pair it meanwhile)
      // The partner has answered none of its messages, perhaps never will (its create failed
      // there and an admin skipped it): the issue goes whole, every mapping whatever the resync
      // named, which makes it there after any gap (PairOrder).
      return searched.wroteSince(row) ? Resynced.BUSY
          : resyncRow(issue, connector.sendingIds(), true, row, null);
    }
    PairClaims.Held held = pairs.claimRows(List.of(row), clock.millis());
    // given back with the message when the lease store joins its transaction (one commit less
    // per issue, as a poll's page gives its claims back with its commit)
    Runnable giveBack = pairs.giveBack(held);
    Resynced outcome = null;
    try {
      outcome = held.holds(row) ? resyncHeld(issue, mappingIds, searched, row, giveBack)
          : Resynced.BUSY;
      return outcome;
    } finally {
      pairs.end(held, outcome == Resynced.SENT && giveBack != null);
    }
  }

  /**
   * A paired issue whose pair is held, from a snapshot not older than its row: the search's, or
   * the issue read again when the row was written since the search began. (The row is not read
   * again: one written since this read, under the claim or just before it, fails the send's
   * check of its stamp, and the issue is tried again.)
   */
  private Resynced resyncHeld(TrackedIssue found, Set<String> mappingIds, SearchStart searched,
      SyncInfo row, Runnable giveBack) {
    if (!searched.wroteSince(row)) {
      return resyncRow(found, mappingIds, false, row, giveBack);
    }
    Optional<TrackedIssue> current = connector.ownIssue(found.key());
    return current.isEmpty() ? Resynced.NOTHING_TO_SEND // (moved or deleted: the poll tells)
        : resyncRow(current.get(), mappingIds, false, row, giveBack);
  }

  /**
   * Sends a paired issue's values from a snapshot not older than {@code row}, if the row is
   * still as read when the message is queued; else {@link Resynced#BUSY}.
   *
   * @param whole whether the issue goes whole (each value with when it last changed, every
   *     content item as new) rather than what differs from the last synced values
   * @param giveBack the store writes giving the pair's claim back, run with the message; null
   *     when not claimed, or when the lease store cannot join the transaction
   */
  private Resynced resyncRow(TrackedIssue issue, Set<String> mappingIds, boolean whole,
      SyncInfo row, Runnable giveBack) {
    if (GoneIssues.replaced(row, issue)) { // (a resync after a Jira restore, before a poll)
      gone.unlinkReplaced(row, clock.millis());
      return Resynced.NOTHING_TO_SEND;
    }
    Resend resend = resend(issue, mappingIds, whole, Map.of(), row.id(), false);
    if (resend.isEmpty()) {
      return Resynced.NOTHING_TO_SEND;
    }
    Optional<SyncMessage> queued = ifUnchanged(row, locked -> {
      SyncMessage message = outbox.send(locked, resend.draft(issue, false), clock.millis());
      if (giveBack != null) {
        giveBack.run();
      }
      return message;
    });
    if (queued == null) {
      return Resynced.BUSY;
    }
    queued.ifPresent(outbox::committed);
    return Resynced.SENT;
  }

  /**
   * Runs {@code send} in a transaction on the row locked, if it still has the stamp it was read
   * with ({@code row}'s): what it returns, or null when the row was written or deleted since
   * (nothing written).
   */
  private Optional<SyncMessage> ifUnchanged(SyncInfo row, Function<SyncInfo, SyncMessage> send) {
    return stores.inTransaction(() -> {
      Optional<SyncInfo> locked = stores.syncInfo().findByIdForUpdate(connector.key(), row.id());
      return locked.isEmpty() || locked.get().stamp() != row.stamp() ? null
          : Optional.ofNullable(send.apply(locked.get()));
    });
  }

  /**
   * Sends an issue whole to a partner row made again (deleted there, or its store lost), which
   * knows none of it: every mapping, and every comment and attachment as new (the partner links
   * those it holds already, by body and by content). {@code row} gives our row talking with that
   * partner row (locked, or made) inside the same transaction, so that a failed read of the issue
   * changes nothing and the next attempt sends it again. The row is written also when the issue
   * under its key is another issue now ({@link GoneIssues#replaced}): nothing of it is sent, and
   * the pair is unlinked, but the row talks with that partner row all the same, so that the
   * GONE reaches it (written only with a whole, the row kept talking with a partner row since
   * removed, where the GONE was dropped, and the new partner row's next message waited for good
   * for the PAIRED the row had consumed: simulation seed 1676 with site restores, webhooks and
   * store faults).
   *
   * @param applied the values a message applied to the issue just before, by mapping id: one
   *     the issue still has goes with its time if later ({@link IssueValues#whole}); none else
   */
  void sendWhole(TrackedIssue issue, long rowId, Map<String, FieldValue> applied,
      Supplier<SyncInfo> row) {
    sendWhole(issue, rowId, applied, row, false);
  }

  /**
   * {@link #sendWhole(TrackedIssue, long, Map, Supplier)}, carrying when {@code carry} the
   * comments, worklogs and files the sync user wrote that the row's links know: the row is
   * linked again with a new copy of its issue, made after a Jira site restore lost its partner
   * issue, and those are the copies of the lost issue's items, the only ones left. They go as
   * this side's own, and their links say so from then on ({@link ContentFlow#whole}).
   */
  synchronized void sendWhole(TrackedIssue issue, long rowId, Map<String, FieldValue> applied,
      Supplier<SyncInfo> row, boolean carry) {
    Resend resend = resend(issue, connector.sendingIds(), true, applied, rowId, carry);
    SyncInfo[] replaced = new SyncInfo[1];
    SyncMessage message = stores.inTransaction(() -> {
      SyncInfo ours = row.get();
      if (GoneIssues.replaced(ours, issue)) {
        stores.syncInfo().update(ours);
        replaced[0] = ours;
        return null;
      }
      return queueWhole(issue, carry ? linkedAgain(ours) : ours, resend, false);
    });
    if (message != null) {
      outbox.committed(message);
    }
    if (replaced[0] != null) {
      gone.unlinkReplaced(replaced[0], clock.millis());
    }
  }

  /**
   * The row linked again with a new copy, as its whole goes: no longer ignoring, so that the
   * partner weighs the whole as from a linked row (merges it and sends the merge back), and with
   * no last synced value of a merged field, whose whole then replaces nothing there. Those values
   * went to the lost issue; the copy was made from our create, and a whole that said it replaced
   * them had the partner take them as removed on our side (the simulation with site restores,
   * seeds 41133, 84250). Call inside a transaction.
   */
  private SyncInfo linkedAgain(SyncInfo row) {
    Map<String, JsonNode> none = new LinkedHashMap<>();
    connector.merging.forEach(id -> none.put(id, NullNode.getInstance()));
    if (!none.isEmpty()) {
      stores.syncInfo().putSyncedValues(row.id(), none);
    }
    return row.withIncomingChangesIgnored(false);
  }

  /** What taking a pair back did. */
  enum TakenBack {
    SENT,
    /** The issue is no longer this connector's (moved or deleted): nothing was done. */
    GONE,
    /** The row was written meanwhile: nothing was done; read it again and try again. */
    BUSY
  }

  /**
   * Takes back a pair that ignored its partner: the row made anew ({@link SyncInfo#madeAnew},
   * its {@code madeAt} kept as this engine's latest: made anew twice in one millisecond it goes a
   * millisecond past the clock, and a row made after it must not be older) and the issue sent
   * whole, saying it saw none of the partner's messages (so that the partner weighs
   * its changes as unseen, and answers with its own whole). The issue is read on this
   * connector's turn, and the message queued only while the row is as {@code row}, read before,
   * says: a poll of another node that wrote the row meanwhile has sent a newer value, and a whole
   * read before it would overtake it (the partner takes the whole and drops the messages sent
   * before it to the old row; a take-back that read "A119" while waiting for this turn, sent
   * after the poll's "A145", left the pair apart). Any other write of the row (an apply's commit,
   * an admin's) has it read again too. An apply in flight, whose row is written after, is not
   * kept out: what it wrote comes back with the partner's whole, which the new epoch asks for.
   */
  synchronized TakenBack takeBack(SyncInfo row) {
    Optional<TrackedIssue> issue = connector.ownIssue(row.localIssueKey());
    if (issue.isEmpty()) {
      return TakenBack.GONE;
    }
    Resend resend = resend(issue.get(), connector.sendingIds(), true, Map.of(), row.id(), false);
    Optional<SyncMessage> queued = ifUnchanged(row,
        locked -> queueWhole(issue.get(), madeAnew(locked, issue.get()), resend, true));
    if (queued == null) {
      return TakenBack.BUSY;
    }
    queued.ifPresent(outbox::committed);
    return TakenBack.SENT;
  }

  /**
   * The row taken back: not ignoring, made anew at least at this engine's latest. An admin who
   * takes a pair back says its issues belong together: one unlinked because its key names an
   * issue created after the pair saw a change ({@link GoneIssues#replaced}) is linked with that
   * issue, whose creation the row has seen from now on.
   */
  private SyncInfo madeAnew(SyncInfo row, TrackedIssue issue) {
    SyncInfo anew = row.withIncomingChangesIgnored(false)
        .withLastChangeSeen(Math.max(row.lastChangeSeen(), issue.created()))
        .madeAnew(Math.max(clock.millis(), lastMade.get().madeAt()));
    record(anew);
    return anew;
  }

  /**
   * Queues an issue whole for {@code row}, or only writes the row when there is nothing to
   * send; call inside a transaction.
   *
   * @param seenNone whether the message says it saw none of the partner's messages whatever the
   *     row applied (a row that ignored them: the partner's changes are then weighed as unseen)
   * @return the message, or null when none was queued
   */
  private SyncMessage queueWhole(TrackedIssue issue, SyncInfo row, Resend resend,
      boolean seenNone) {
    if (resend.isEmpty()) {
      stores.syncInfo().update(row);
      return null;
    }
    return outbox.send(row, resend.draft(issue, seenNone), clock.millis());
  }

  /** What a resync sends: the values, and the content flows' operations with their links. */
  private record Resend(Map<String, FieldValue> fields, Map<String, ContentFlow.Out> content) {
    /** Whether there is nothing to send (link changes alone go with no message). */
    boolean isEmpty() {
      return fields.isEmpty() && !OutgoingContent.sends(content);
    }

    Outbox.Draft draft(TrackedIssue issue, boolean seenNone) {
      return new Outbox.Draft(issue, MessageKind.RESYNC, fields, content, 0, seenNone);
    }
  }

  /**
   * A value of a whole that links the row again with a new copy: one the sync user wrote last
   * came from the lost issue (a person's change there, of which it is the only copy left) and
   * goes with the time it was written here, not as no person's change (time 0), which lost
   * against the copy's value made from our create (time 0 too) wherever the copy's side wins a
   * tie (the simulation with site restores, seed 41133). A person's change of the copy, made
   * after the restore, is newer and still wins.
   */
  private FieldValue carried(FieldValue value, Change change) {
    return change != null && value.changedAt() == 0
        && connector.config.syncUser().equals(change.author())
        ? new FieldValue(value.value(), change.timestamp(), value.changedBy(), value.previous(),
            value.document())
        : value;
  }

  /**
   * Reads what a resync of the mappings sends (tracker calls; no store write).
   *
   * @param carry whether a whole carries the sync user's items the row's links know ({@link
   *     OutgoingContent#collectWhole})
   */
  private Resend resend(TrackedIssue issue, Set<String> mappingIds, boolean whole,
      Map<String, FieldValue> applied, long rowId, boolean carry) {
    // Sent whole, each value carries when it last changed (as a new issue's do), so that a
    // change the partner made meanwhile wins over an older value here.
    Map<String, Change> latest = whole
        ? values.latestChanges(connector.tracker.changelog(issue.key(), 0), true) : Map.of();
    // a value sent before and not settled yet keeps the time it was sent with, so that the
    // partner weighs it the same however it gets it
    Map<String, PendingChange> pending = whole && rowId != 0
        ? stores.syncInfo().pendingChanges(rowId) : Map.of();
    Map<String, JsonNode> synced = !whole && rowId != 0
        ? stores.syncInfo().syncedValues(rowId) : Map.of();
    // the latest changes, read only for a resync's value that differs from the synced one
    Supplier<Map<String, Change>> people = Context.once(
        () -> values.latestChanges(connector.tracker.changelog(issue.key(), 0), true));
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    for (Connector.Outgoing out : connector.outgoing) {
      if (mappingIds.contains(out.id())) {
        Change change = whole ? IssueValues.latestOf(out, latest) : null;
        JsonNode value = values.export(out, issue);
        FieldValue sent = !whole
            ? values.resynced(out, value, synced.get(out.id()), people)
            : values.whole(value, change, pending.get(out.id()), applied.get(out.id()), issue);
        fields.put(out.id(), carry ? carried(sent, change) : sent);
      }
    }
    // Content: only items not synced yet, edited or deleted; a resync never copies one twice.
    IssueChanges changes = new IssueChanges(issue, List.of());
    Map<String, ContentFlow.Out> content = whole
        ? this.content.collectWhole(changes, rowId, carry, mappingIds::contains)
        : this.content.collect(changes, rowId, mappingIds::contains);
    return new Resend(fields, content);
  }

  /**
   * An issue our incoming queue created for {@code partner} whose row is gone (deleted, or the
   * store lost) and whose create is not pending: the marker is the truth, so the pair is made
   * again and the issue sent whole to the partner, which finds its own row or issue by the key
   * named. Left alone when another issue of ours is paired with that partner now.
   */
  synchronized boolean restorePair(IssueChanges changes, long since, String partner) {
    String local = changes.issue().key();
    if (stores.syncInfo().pendingCreate(connector.key(), partner).isPresent()) {
      return false; // being created now, or recovered by the incoming queue
    }
    Optional<SyncInfo> taken = stores.syncInfo().findByRemoteKey(connector.key(), partner);
    if (taken.isPresent()) {
      log.warn("{}: {} carries the origin marker of {}, which is paired with {}; left alone",
          connector.key(), local, partner, taken.get().localIssueKey());
      return false;
    }
    log.info("{}: restoring the pair {} - {} from its origin marker", connector.key(), local,
        partner);
    return sendNew(changes, since, partner);
  }

  /**
   * Sends an issue not paired here whole, making its row.
   *
   * @param found the issue, with its changelog from {@code since} on
   * @param since where {@code found}'s changelog starts; {@code Long.MAX_VALUE} when it has none
   * @param partner the partner issue when known (a pair restored from a marker), else null
   */
  synchronized boolean sendNew(IssueChanges found, long since, String partner) {
    if (connector.outgoing.isEmpty() && connector.flowsOut.isEmpty()) {
      return false;
    }
    TrackedIssue issue = found.issue();
    // An issue older than the search (its row lost, or in scope only now) came with the
    // changelog from there on: it is weighed by its whole changelog (one request, only here).
    IssueChanges changes = issue.created() >= since ? found
        : new IssueChanges(issue, connector.tracker.changelog(issue.key(), 0), found.comments(),
            found.attachments());
    Map<String, Change> latest = values.latestChanges(changes.changelog(), true);
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    for (Connector.Outgoing out : connector.outgoing) {
      JsonNode value = values.export(out, issue);
      fields.put(out.id(), values.weighed(value, IssueValues.latestOf(out, latest), issue));
    }
    Map<String, ContentFlow.Out> content = this.content.collect(changes, 0);
    long now = clock.millis();
    long lastSeen = Math.max(issue.created(), IssueValues.maxTimestamp(changes.changelog()));
    SyncMessage message =
        stores.inTransaction(() -> outbox.send(
            insertNew(issue.key(), partner, now),
            new Outbox.Draft(issue, MessageKind.CHANGE, fields, content, lastSeen, false), now));
    outbox.committed(message);
    return true;
  }
}
