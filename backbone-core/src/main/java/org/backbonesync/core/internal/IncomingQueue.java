package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.spi.RetriableException;
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
 * became of a message not applied. The outcomes of a round of claimed pairs are recorded with one
 * commit ({@link GroupCommit}).
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
  private final Applier applier;
  private final UnappliedMessages unapplied;

  private final PairClaims pairs;
  private final SenderRows rows;
  /** Where applies record their outcomes, committed once per round of a chunk. */
  private final GroupCommit group;
  /**
   * The applies of the current round waiting for the group's commit, by message id: where
   * their outcome stands in the list returned, and the pair, which goes on after the commit.
   */
  private final Map<String, Waiting> waiting = new HashMap<>();

  private record Waiting(InboxEntry entry, long now, List<ApplyOutcome> outcomes, int at) {}

  /** The pairs of the current round whose outcome could not be recorded. */
  private final Set<String> stopped = new HashSet<>();

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
    this.group = new GroupCommit(stores, connector.key());
    this.applier = new Applier(connector, configuration, stores, events, replies,
        new ConflictResolver(connector, configuration, replies.values(),
            settings.off(TestOnlySwitch.OLDEST_WINS)), finder, group, this::recordFailed);
    this.inOrder = new InOrder(connector, stores, events, rows, applier,
        new GoneIssues(connector, stores, events, replies.outbox()),
        new PartnerGoneApplier(connector, stores, events));
    this.unapplied = new UnappliedMessages(connector, stores, events, settings);
  }

  synchronized List<ApplyOutcome> apply() {
    List<ApplyOutcome> outcomes = new ArrayList<>();
    List<InboxEntry> heads =
        stores.messages().nextIncoming(connector.key(), clock.millis(), settings.applyBatchSize());
    finder.prefetch(heads);
    for (int from = 0; from < heads.size(); from += CLAIM_CHUNK) {
      List<String> issues = new ArrayList<>(CLAIM_CHUNK);
      for (InboxEntry head : heads.subList(from, Math.min(from + CLAIM_CHUNK, heads.size()))) {
        issues.add(head.message().sourceIssueKey());
      }
      // One node (and thread) at a time applies an issue pair's messages, so they stay in
      // order. Claimed a few pairs at a time: one commit for the claims and one for the
      // releases, not one each.
      Set<String> mine = pairs.claim(issues, clock.millis());
      try {
        applyClaimed(issues.stream().filter(mine::contains).toList(), outcomes);
      } finally {
        pairs.release(mine);
      }
    }
    return outcomes;
  }

  /**
   * Applies the claimed pairs' messages round by round: each pair's next message, then one
   * commit records the round's outcomes together; a pair goes on in the next round while its
   * messages come in order.
   */
  private void applyClaimed(List<String> claimed, List<ApplyOutcome> outcomes) {
    List<String> round = claimed;
    boolean progressed = false;
    while (!round.isEmpty()) {
      List<String> next = new ArrayList<>();
      // the round's queued messages in one read (a pair's later reads are its own)
      Map<String, List<InboxEntry>> queued = stores.messages().incomingFor(connector.key(), round);
      applier.readValues(rowIds(queued.keySet()));
      try {
        for (String issue : round) {
          if (drain(issue, queued.getOrDefault(issue, List.of()), progressed, outcomes)) {
            next.add(issue);
          }
        }
      } finally {
        group.commit();
        applier.forgetValues();
      }
      next.removeAll(stopped);
      stopped.clear();
      waiting.clear();
      round = next;
      progressed = true;
    }
  }

  /** The ids of our rows paired with these source issues, read at once. */
  private List<Long> rowIds(Collection<String> sourceIssueKeys) {
    if (sourceIssueKeys.isEmpty()) {
      return List.of();
    }
    return stores.syncInfo().findByRemoteKeys(connector.key(), sourceIssueKeys).values().stream()
        .map(SyncInfo::id).toList();
  }

  /**
   * An applied message whose outcome the group could not record: it stays in the inbox,
   * retried or failed as a failed apply is, and its pair stops for this apply.
   */
  private void recordFailed(SyncMessage message, RuntimeException failure) {
    Waiting w = waiting.get(message.messageId());
    w.outcomes().set(w.at(), unapplied(w.entry(), failure, w.now()));
    stopped.add(message.sourceIssueKey());
  }

  /**
   * How many issue pairs an apply claims at once. Few enough that another node finds the next
   * ones free and that a chunk is applied well within a lease, many enough to share the commits.
   */
  private static final int CLAIM_CHUNK = 16;

  /**
   * Applies the source issue's messages in sequence order until one cannot be applied now, or
   * one was applied whose outcome waits for the group's commit.
   *
   * @param queued the pair's queued messages as read for the round
   * @param progressed whether the pair's message before was applied in this apply
   * @return whether the pair goes on after the group's commit
   */
  private boolean drain(String sourceIssueKey, List<InboxEntry> queued, boolean progressed,
      List<ApplyOutcome> outcomes) {
    List<InboxEntry> entries = queued;
    for (boolean first = true; true; first = false) {
      if (!first) {
        entries = stores.messages().incomingFor(connector.key(), sourceIssueKey);
        // what the pair's message before wrote, recorded alone, is not in the values the
        // round read at once
        applier.forgetValues();
      }
      if (entries.isEmpty()) {
        return false;
      }
      InboxEntry entry = entries.get(0);
      long now = clock.millis();
      // An entry that only waited for its predecessor (no failed attempt) is due once that one
      // is applied; one that failed transiently waits for its backoff.
      boolean due = entry.notBefore() <= now || (progressed && entry.attempts() == 0);
      if (entry.status() == InboxEntry.Status.FAILED || !due) {
        return false;
      }
      SyncMessage message = entry.message();
      // the message's issue and id on every line of its step, the failure's too
      Next next;
      try (LogContext step = LogContext.message(message.sourceIssueKey(), message.messageId())) {
        next = applyNext(entry, entries, now, outcomes);
      }
      if (next == Next.STOP) {
        return false;
      }
      if (waiting.containsKey(message.messageId())) {
        return true;
      }
      progressed |= next == Next.APPLIED;
    }
  }

  /** What became of a pair's next message. */
  private enum Next { APPLIED, DROPPED, STOP }

  /** Applies, drops or defers the pair's next message; a failure stops the pair. */
  private Next applyNext(InboxEntry entry, List<InboxEntry> entries, long now,
      List<ApplyOutcome> outcomes) {
    try {
      return take(entry, entries, now, outcomes);
    } catch (RuntimeException e) {
      outcomes.add(unapplied(entry, e, now));
    }
    return Next.STOP;
  }

  /** Retries a message after a transient failure; fails it (for an admin) after another. */
  private ApplyOutcome unapplied(InboxEntry entry, RuntimeException failure, long now) {
    return failure instanceof RetriableException e
        ? unapplied.retryLater(entry, e, now)
        : unapplied.failed(entry, failure);
  }

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
        applier.forgetValues(); // (our issue sent whole has new last synced values)
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
    applyInOrder(entry, row, now, outcomes);
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
   * Applies the pair's next message in order; its outcome, if recorded with the round's group,
   * waits for the group's commit (one that joins pairs is recorded alone).
   */
  private void applyInOrder(InboxEntry entry, Optional<SyncInfo> row, long now,
      List<ApplyOutcome> outcomes) {
    SyncMessage message = entry.message();
    boolean alone = joinsPairs(message);
    if (alone) {
      group.commit(); // (what the other pairs applied before, to read)
    }
    int before = group.size();
    ApplyOutcome outcome = inOrder.apply(row, message, now);
    if (group.size() > before) { // (its outcome is recorded at the group's commit)
      waiting.put(message.messageId(), new Waiting(entry, now, outcomes, outcomes.size()));
    }
    outcomes.add(outcome);
    if (alone) {
      group.commit(); // (for the other pairs to read)
    }
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
