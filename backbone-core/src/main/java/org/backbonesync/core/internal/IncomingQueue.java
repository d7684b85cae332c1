package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.core.internal.ApplyRounds.Next;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * A connector's incoming queue: takes the {@link Inbox}'s messages strictly in sequence order per
 * issue pair and decides for each: which row of ours it is for ({@link PartnerRows}), whether it
 * is a duplicate or stale (dropped), early (waits for the gap), or next in order ({@link
 * InOrder}); a failure waits for a retry or an admin. {@link UnappliedMessages} records what
 * became of a message not applied. Claimed pairs are applied in {@link ApplyRounds}, whose
 * outcomes are recorded with one commit per round.
 */
final class IncomingQueue {
  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final EngineSettings settings;
  private final Replies replies;
  private final PartnerFinder finder;
  private final InOrder inOrder;
  private final UnappliedMessages unapplied;

  private final PairClaims pairs;
  private final SenderRows rows;
  /** The last synced values and pending changes of a round's rows, read at once. */
  private final RowValues values;
  private final ApplyRounds rounds;

  /**
   * How the incoming side answers a message: the values it weighs against the partner's, the
   * outbox for what an apply decides (a pair made, a merge both must get), and the resender for
   * our issue whole to a partner row made again.
   */
  record Replies(IssueValues values, Outbox outbox, Resender resender) {}

  IncomingQueue(
      Connector connector,
      SyncConfiguration configuration,
      Stores stores,
      Clock clock,
      Events events,
      EngineSettings settings,
      Replies replies,
      PairClaims pairs) {
    this.pairs = pairs;
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.settings = settings;
    this.replies = replies;
    this.finder = new PartnerFinder(connector, stores, settings);
    this.rows = new SenderRows(connector, stores, replies.resender(), finder);
    this.unapplied = new UnappliedMessages(connector, stores, events, settings);
    this.values = new RowValues(stores);
    this.rounds = new ApplyRounds(connector, stores, clock, unapplied, values, this::take);
    Applier applier = new Applier(connector, configuration, stores, events, replies,
        new ConflictResolver(connector, configuration, replies.values(),
            settings.off(TestOnlySwitch.OLDEST_WINS)), finder, values, rounds.group(),
        rounds::recordFailed);
    this.inOrder = new InOrder(connector, stores, events, rows, applier,
        new GoneIssues(connector, stores, events, replies.outbox()),
        new PartnerGoneApplier(connector, stores, events));
  }

  /** Applies the inbox's due messages, a chunk of claimed pairs at a time; their outcomes. */
  synchronized List<ApplyOutcome> apply() {
    List<ApplyOutcome> outcomes;
    try {
      applyDue();
    } finally {
      outcomes = rounds.outcomes(); // (forgotten, too, when the apply fails)
    }
    return outcomes;
  }

  private void applyDue() {
    List<InboxEntry> heads =
        stores.messages().nextIncoming(connector.key(), clock.millis(), settings.applyBatchSize());
    finder.prefetch(heads);
    for (int from = 0; from < heads.size(); from += CLAIM_CHUNK) {
      int to = Math.min(from + CLAIM_CHUNK, heads.size());
      List<String> issues = new ArrayList<>(to - from);
      for (InboxEntry head : heads.subList(from, to)) {
        issues.add(head.message().sourceIssueKey());
      }
      // One node (and thread) at a time applies an issue pair's messages, so they stay in
      // order. Claimed a few pairs at a time: one commit for the claims and one for the
      // releases, not one each.
      long claimed = clock.millis();
      Set<String> mine = pairs.claim(issues, claimed);
      try {
        // (a pair not begun by half the claim's lease waits for the next apply: each pair
        // applied holds its claim, and others' chunks are skipped by other nodes meanwhile)
        rounds.applyClaimed(mine.size() == issues.size() ? issues
            : issues.stream().filter(mine::contains).toList(),
            claimed + settings.leaseDuration().toMillis() / 2);
      } finally {
        pairs.release(mine);
      }
    }
  }

  /**
   * How many issue pairs an apply claims at once. Few enough that another node finds the next
   * ones free and that a chunk is applied well within a lease, many enough to share the commits:
   * each chunk costs a commit for its claims, one per round and one for its releases. With 16,
   * TwoNodeBenchmark's node spent 0.41 commits per change and applied 566 changes/s; with 64,
   * 0.25 and 790/s (two nodes about the same in both, 986 and 1,112/s).
   */
  private static final int CLAIM_CHUNK = 64;

  /** Finds the message's row and its place in the pair's sequence, then applies it in order. */
  private Next take(InboxEntry entry, List<InboxEntry> entries, long now,
      List<ApplyOutcome> outcomes) {
    SyncMessage message = entry.message();
    Optional<SyncInfo> row = rows.rowFor(message);
    if (row.isEmpty() && message.kind() == MessageKind.GONE
        && (message.partnerIssueKey() != null || message.sequenceId() == 1)) {
      // (it names a row of ours that is gone; else it waits for the message that makes ours)
      unapplied.drop(message, "no pair of " + message.sourceIssueKey() + " to unlink");
      outcomes.add(new ApplyOutcome.Duplicate(message));
      return Next.DROPPED;
    }
    if (row.isEmpty() && message.partnerIssueKey() != null && message.senderEpoch() != 0) {
      row = Optional.of(rows.pairAgain(message, now));
    }
    long expected = 1;
    if (row.isPresent()) {
      PartnerRows.Verdict verdict = PartnerRows.judge(row.get(), message, entries);
      if (verdict.learns()) {
        rows.learn(row.get(), message, verdict.replaced());
        values.clear(); // (our issue sent whole has new last synced values)
      }
      if (verdict.stale() != null) {
        dropStale(message, verdict, outcomes);
        return Next.DROPPED;
      }
      expected = verdict.expected();
    }
    if (message.sequenceId() < expected
        && !settings.off(TestOnlySwitch.NO_DUPLICATE_CHECK)) {
      unapplied.drop(message, (expected - 1) + " already applied");
      outcomes.add(new ApplyOutcome.Duplicate(message));
      return Next.DROPPED;
    }
    if (message.sequenceId() > expected) {
      outcomes.add(unapplied.waitForGap(entry, expected, now));
      return Next.STOP;
    }
    applyInOrder(entry, row, now);
    return Next.APPLIED;
  }

  /** Drops a stale message, and the pair's others the verdict names, unapplied. */
  private void dropStale(SyncMessage message, PartnerRows.Verdict verdict,
      List<ApplyOutcome> outcomes) {
    unapplied.drop(message, verdict.stale());
    outcomes.add(new ApplyOutcome.Duplicate(message));
    for (InboxEntry same : verdict.alsoStale()) {
      unapplied.drop(same.message(), verdict.stale());
      outcomes.add(new ApplyOutcome.Duplicate(same.message()));
    }
  }

  /**
   * Applies the pair's next message in order, with the round's others; one that joins pairs is
   * recorded alone.
   */
  private void applyInOrder(InboxEntry entry, Optional<SyncInfo> row, long now) {
    SyncMessage message = entry.message();
    rounds.applyInOrder(entry, now, joinsPairs(message), () -> inOrder.apply(row, message, now));
  }

  /** Whether the message's operations read what other pairs' applies write (issue links). */
  private boolean joinsPairs(SyncMessage message) {
    for (String id : message.content().keySet()) {
      ContentFlow flow = connector.flowsIn.get(id);
      if (flow != null && flow.joinsPairs()) {
        return true;
      }
    }
    return false;
  }
}
