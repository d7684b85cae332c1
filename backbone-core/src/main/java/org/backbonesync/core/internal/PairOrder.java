package org.backbonesync.core.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.SyncInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what becomes of an issue pair's next queued message: finds the row of ours it is for
 * ({@link SenderRows}, learning the partner's row from it), and whether it is a duplicate or
 * stale (dropped), early (waits for the gap), or next in order (to apply). Applies nothing: the
 * {@link ApplyRounds} apply what it finds next in order.
 */
final class PairOrder {
  private static final Logger log = LoggerFactory.getLogger(PairOrder.class);
  /** What became of a pair's next message. */
  enum Next { APPLIED, DROPPED, STOP }

  /**
   * The verdict on a message: {@code row} is the one to apply {@code entry} to (empty: none
   * yet); {@code entry} is the message taken, or a later one of the pair to apply first.
   */
  record Taken(Next next, Optional<SyncInfo> row, InboxEntry entry) {
    static final Taken DROPPED = new Taken(Next.DROPPED, Optional.empty(), null);
    static final Taken STOP = new Taken(Next.STOP, Optional.empty(), null);
  }

  private final EngineSettings settings;
  private final SenderRows rows;
  private final UnappliedMessages unapplied;
  private final RowValues values;
  private final Predicate<SyncMessage> carriesWhole;
  private final SkippedChanges skipped;

  /**
   * @param values the round's values read at once, cleared when a row learns anew
   * @param carriesWhole whether a message carries the sender's issue whole ({@link
   *     Connector#carriesWhole})
   * @param skipped keeps what a stale message of the partner row we talk with replaced
   */
  PairOrder(EngineSettings settings, SenderRows rows, UnappliedMessages unapplied,
      RowValues values, Predicate<SyncMessage> carriesWhole, SkippedChanges skipped) {
    this.settings = settings;
    this.rows = rows;
    this.unapplied = unapplied;
    this.values = values;
    this.carriesWhole = carriesWhole;
    this.skipped = skipped;
  }

  /** The round's rows, read at once by remote key: {@link SenderRows#prefetch}. */
  void prefetch(Map<String, SyncInfo> byRemoteKey) {
    rows.prefetch(byRemoteKey);
  }

  /** Forgets the round's rows read at once. */
  void forgetRows() {
    rows.forgetPrefetched();
  }

  /**
   * The verdict on the pair's next message; a message dropped or deferred is told to the
   * unapplied messages and its outcome added to {@code outcomes} (one to apply is not).
   *
   * @param entries the pair's queued messages, the next first
   */
  Taken take(InboxEntry entry, List<InboxEntry> entries, long now,
      List<ApplyOutcome> outcomes) {
    SyncMessage message = entry.message();
    Optional<SyncInfo> row;
    try {
      row = rows.rowFor(message);
    } catch (SenderRows.KeyPairedSince pairedSince) {
      Optional<Map.Entry<InboxEntry, SyncInfo>> older =
          rows.olderPairingGivingKeyUp(message, entries);
      if (older.isPresent()) {
        // (the lost copy's PAIRED first: its row gives the key up while this one, queued,
        // tells why; dropped first, that row took the lost key for good: seed 29917)
        rows.learn(older.get().getValue(), older.get().getKey().message(), false);
        return new Taken(Next.APPLIED, Optional.of(older.get().getValue()), older.get().getKey());
      }
      return droppedVisibly(message, pairedSince.getMessage(), outcomes);
    }
    if (row.isEmpty() && fromPairGivenUp(message)) {
      return droppedVisibly(message, "it comes from a row of " + message.fromConnector()
          + " whose partner issue's key was given to another issue (ReusedKeys)", outcomes);
    }
    if (row.isEmpty() && message.kind() == MessageKind.GONE
        && (message.partnerIssueKey() != null || message.sequenceId() == 1)) {
      // (it names a row of ours that is gone; else it waits for the message that makes ours)
      return dropped(message, "no pair of " + message.sourceIssueKey() + " to unlink", outcomes);
    }
    if (row.isEmpty() && message.senderEpoch() != 0
        && PartnerRows.newerSenderSent(message, entries)) {
      // (with a row of ours, its verdict drops it; with none, it would wait for its row's gap
      // before the newer row's messages for good: helper-86)
      rows.superseded(message);
      return dropped(message, PartnerRows.NEWER_SENDER, outcomes);
    }
    if (row.isEmpty() && message.partnerIssueKey() != null && message.senderEpoch() != 0) {
      row = Optional.of(rows.pairAgain(message, now));
    }
    long expected = 1;
    if (row.isEmpty() && namesNoPairOfOurs(message) && message.sequenceId() > expected) {
      // The sender's issue, not made here yet, after a gap (its first message skipped by an
      // admin, or late): a resync that sent it whole makes it (those before it are duplicates
      // then; the row it makes counts from it, Applier.pair). A change waits for the gap,
      // whatever it carries.
      if (carriesWhole.test(message)) {
        expected = message.sequenceId();
      } else {
        Optional<InboxEntry> whole = latestWhole(message, entries, now);
        if (whole.isPresent()) {
          // applied first (this one is then a duplicate); dropped now, this one would be
          // missed when the first message came before the whole was applied
          return take(whole.get(), entries, now, outcomes);
        }
        if (laterToRowSinceRemoved(message, entries)) {
          return droppedVisibly(message, "it was sent before its sender heard from a row of"
              + " ours since removed (a later message of it names that row), whose issue's key"
              + " is paired with another issue now (ReusedKeys): the gap went to that row",
              outcomes);
        }
      }
    }
    if (row.isPresent()) {
      PartnerRows.Verdict verdict = PartnerRows.judge(row.get(), message, entries);
      if (verdict.learns()) {
        rows.learn(row.get(), message, verdict.replaced());
        values.clear(); // (our issue sent whole has new last synced values)
      }
      if (verdict.stale() != null) {
        Optional<Taken> lostPairing = lostPairing(entry, row.get(), entries, now, outcomes);
        if (lostPairing.isPresent()) {
          return lostPairing.get();
        }
        skipped.dropped(row.get(), message);
        dropStale(message, verdict, outcomes);
        return Taken.DROPPED;
      }
      expected = verdict.expected();
    }
    if (message.sequenceId() < expected
        && !settings.off(TestOnlySwitch.NO_DUPLICATE_CHECK)) {
      return dropped(message, (expected - 1) + " already applied", outcomes);
    }
    if (message.sequenceId() > expected) {
      if (row.isPresent() && bothGaveUp(row.get(), message)) {
        return dropped(message, "the pair is unlinked on both sides, and this row gave its"
            + " partner issue's key up (ReusedKeys): nothing comes to fill the gap", outcomes);
      }
      if (row.isPresent() && rows.keyTakenByNewerSender(row.get(), message)) {
        if (message.kind() == MessageKind.GONE || !row.get().incomingChangesIgnored()) {
          // (it unlinks the row, InOrder: nothing before it counts)
          return new Taken(Next.APPLIED, row, entry);
        }
        return dropped(message, "another row of ours talks with a newer row of "
            + message.sourceIssueKey() + " (ReusedKeys): what this one's sender sent before went"
            + " there, and nothing comes to fill the gap", outcomes);
      }
      Optional<RemovedRow> removed = row.isEmpty() && unapplied.gapTimedOut(entry, now)
          ? rows.removedRowOf(message) : Optional.empty();
      if (removed.isPresent()) {
        return droppedVisibly(message, forRemovedRow(message, removed.get()), outcomes);
      }
      outcomes.add(unapplied.waitForGap(entry, expected, now));
      return Taken.STOP;
    }
    return new Taken(Next.APPLIED, row, entry);
  }

  /**
   * A stale PAIRED for a row of ours that waits for its pairing, from a copy lost when the
   * partner's site was restored from a backup, whose key a newer copy of another issue of ours
   * took: the row is the lost pair's partner and gives the key up ({@link InOrder}, as for a
   * late lost copy's PAIRED) once the newer copy's pair is ours, whose PAIRED, queued, is applied
   * first. Dropped as stale, the row would wait for good, linked with no partner (the simulation
   * with site restores, seed 381). Empty for any other stale message.
   */
  private Optional<Taken> lostPairing(InboxEntry entry, SyncInfo row, List<InboxEntry> entries,
      long now, List<ApplyOutcome> outcomes) {
    SyncMessage message = entry.message();
    if (message.kind() != MessageKind.PAIRED || row.incomingChangesIgnored()
        || row.remoteIssueKey() != null) {
      return Optional.empty();
    }
    if (rows.keyTakenByNewerSender(row, message)
        || rows.keyPairedSinceToRowGone(row, message, entries)) {
      // (the row talked with the lost copy's: a copy made later for our issue, our create sent
      // again, is then a newer partner row that links it again, InOrder.gaveKeyUp)
      rows.learn(row, message, false);
      return Optional.of(new Taken(Next.APPLIED, Optional.of(row), entry));
    }
    return entries.stream()
        .filter(e -> e.message().kind() == MessageKind.PAIRED
            && e.message().senderEpoch() > message.senderEpoch()
            && e.message().partnerIssueKey() != null
            && !e.message().partnerIssueKey().equals(row.localIssueKey()))
        .findFirst()
        .map(newer -> take(newer, entries, now, outcomes));
  }

  /**
   * Why a message that finds no row of ours is dropped when its wait for the gap timed out
   * ({@link EngineSettings#gapTimeout}), not flagged failed: its sender row talked with a row of
   * ours removed when our restored site gave that row's issue key to another issue ({@link
   * ReusedKeys}). The removed row applied what came before, and the partner unlinks its issue
   * once it learns the key's new pair: the gap is never filled, and failed, the message waited
   * for an operator for good (simulation seeds 1580, 1627, 5005, 7547 with site restores: sent
   * before its sender heard from our row, or sent again when its acknowledgement was lost). Not
   * dropped before the timeout: the sender's create, sent again when its acknowledgement was
   * lost, makes a copy of its issue (as for any copy), and what follows is then applied there.
   * A sender row superseded by a newer one before any row of ours talked with it is recorded so
   * too ({@link SenderRows#superseded}).
   */
  private static String forRemovedRow(SyncMessage message, RemovedRow removed) {
    if (removed.incomingSequenceId() == 0) {
      return "its sender row is one we no longer talk with: a newer row of "
          + message.fromConnector() + " sent for " + removed.remoteIssueKey() + " first (or a row"
          + " of ours that applied none of its messages was removed, ReusedKeys), and nothing is"
          + " left to apply it to";
    }
    String when = message.sequenceId() <= removed.incomingSequenceId()
        ? "that row applied it (up to sequence id " + removed.incomingSequenceId() + ")"
        : "it comes after sequence id " + removed.incomingSequenceId() + ", the last that row"
            + " applied, and nothing is left to apply it to";
    return "its sender row talked with a row of ours paired with " + removed.remoteIssueKey()
        + ", removed when our restored site gave its issue's key to another issue (ReusedKeys): "
        + when;
  }

  /**
   * Whether our row gave its partner issue's key up to a copy's pair (a restore of the partner's
   * site gave the key again: it ignores, names no partner issue, and another row of ours has the
   * key now) and the message's sender ignores ours too. What the sender sent before may have
   * reached the new pair's row and been dropped there as stale, so a gap before such a message is
   * never filled: it is dropped, not left waiting for good (simulation seed 837 with site
   * restores). A row unlinked otherwise before its PAIRED came (its issue deleted) names no
   * partner either, but no other row has the key: its messages wait as before (seed 422761230
   * with deletes).
   */
  private boolean bothGaveUp(SyncInfo row, SyncMessage message) {
    return row.id() != 0 && row.incomingChangesIgnored() && row.remoteIssueKey() == null
        && message.incomingChangesIgnored() && message.kind() != MessageKind.PAIRED
        && rows.keyHeldByAnother(row, message.sourceIssueKey());
  }

  /**
   * Whether a queued message after {@code message} of the same sender row is addressed to a row
   * of ours since removed, whose issue is paired with another partner issue now ({@link
   * SenderRows#toRowSinceRemoved}): the sender's row talked with that row, which applied (or was
   * to apply) what came before {@code message}; nothing fills the gap (simulation seed 463 with
   * site restores). Such a message is dropped itself when it comes next.
   */
  private boolean laterToRowSinceRemoved(SyncMessage message, List<InboxEntry> entries) {
    return message.senderEpoch() != 0 && entries.stream().map(InboxEntry::message)
        .anyMatch(m -> m.senderEpoch() == message.senderEpoch()
            && m.sequenceId() > message.sequenceId() && rows.toRowSinceRemoved(m));
  }

  /**
   * The latest queued message after {@code message} of the same sender row that carries the
   * issue whole and is due to be applied now, if any.
   */
  private Optional<InboxEntry> latestWhole(SyncMessage message, List<InboxEntry> entries,
      long now) {
    // (one naming a pair of ours is judged as such, and may wait itself: a round would then
    // find it again and again, 500 times in simulation seed 56018)
    return entries.stream()
        .filter(e -> e.message().senderEpoch() == message.senderEpoch()
            && e.message().sequenceId() > message.sequenceId()
            && namesNoPairOfOurs(e.message()) && carriesWhole.test(e.message())
            && e.status() != InboxEntry.Status.FAILED && e.notBefore() <= now)
        .reduce((first, later) -> later);
  }

  /**
   * Whether the message comes from a partner row that gave up the key of its partner issue, ours
   * (lost in a restore of our site, and given again to another issue): it ignores our changes,
   * names no issue of ours, and talked with a row of ours since removed. Not applied: it would
   * make a copy that nobody asked for.
   */
  private static boolean fromPairGivenUp(SyncMessage message) {
    return message.partnerIssueKey() == null && message.receiverEpoch() != 0
        && message.incomingChangesIgnored();
  }

  /** Whether the sender knows no issue or row of ours for the message's pair. */
  private static boolean namesNoPairOfOurs(SyncMessage message) {
    return message.partnerIssueKey() == null && message.receiverEpoch() == 0;
  }

  /** Drops a stale message, and the pair's others the verdict names, unapplied. */
  private void dropStale(SyncMessage message, PartnerRows.Verdict verdict,
      List<ApplyOutcome> outcomes) {
    dropped(message, verdict.stale(), outcomes);
    for (InboxEntry same : verdict.alsoStale()) {
      dropped(same.message(), verdict.stale(), outcomes);
    }
  }

  /** Drops a message unapplied, its outcome a duplicate. */
  /**
   * {@link #dropped}, with a warning: a message of a pair given up for a key a restored site gave
   * again. In a restore it is expected, and ends once the partner learns the key's new pair;
   * outside one (pairings that contradict each other, say an import on one of two engines) every
   * change of the partner issue is dropped, which an operator must see, not only at DEBUG.
   */
  private Taken droppedVisibly(SyncMessage message, String why, List<ApplyOutcome> outcomes) {
    log.warn("{}: message {} of {} is not applied: {}", message.toConnector(),
        Shown.quoted(message.messageId()), Shown.quoted(message.sourceIssueKey()), why);
    return dropped(message, why, outcomes);
  }

  private Taken dropped(SyncMessage message, String why, List<ApplyOutcome> outcomes) {
    unapplied.drop(message, why);
    outcomes.add(new ApplyOutcome.Duplicate(message));
    return Taken.DROPPED;
  }
}
