package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The rounds in which the {@link IncomingQueue} applies its claimed pairs' messages: each pair's
 * next message, then one commit ({@link GroupCommit}) records the round's outcomes together; a
 * pair goes on in the next round while its messages come in order. Holds the group, the rows'
 * values read at once for a round ({@link RowValues}), the applies waiting for the group's
 * commit, and the apply's outcomes, where one that could not be recorded is set to what became
 * of it. Used under the queue's monitor.
 */
final class ApplyRounds {
  /** What became of a pair's next message. */
  enum Next { APPLIED, DROPPED, STOP }

  /** Takes a pair's next message: applies, drops or defers it (the {@link IncomingQueue}). */
  interface Step {
    /**
     * @param entries the pair's queued messages, the next first
     * @param outcomes the apply's outcomes, where the message's goes
     */
    Next take(InboxEntry entry, List<InboxEntry> entries, long now, List<ApplyOutcome> outcomes);
  }

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final UnappliedMessages unapplied;
  private final RowValues values;
  private final Step step;
  /** Where applies record their outcomes, committed once per round of a chunk. */
  private final GroupCommit group;
  /** The outcomes of the current apply, in order; handed out at its end. */
  private final List<ApplyOutcome> outcomes = new ArrayList<>();
  /**
   * The applies of the current round waiting for the group's commit, by message id: where
   * their outcome stands in the apply's outcomes, and the pair, which goes on after the commit.
   */
  private final Map<String, Waiting> waiting = new HashMap<>();

  private record Waiting(InboxEntry entry, long now, int at) {}

  /** The pairs of the current round whose outcome could not be recorded. */
  private final Set<String> stopped = new HashSet<>();

  /**
   * @param values the last synced values and pending changes the applies read, read here at
   *     once for each round's rows
   */
  ApplyRounds(Connector connector, Stores stores, Clock clock, UnappliedMessages unapplied,
      RowValues values, Step step) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.unapplied = unapplied;
    this.values = values;
    this.step = step;
    this.group = new GroupCommit(stores, connector.key());
  }

  /** Where an apply's outcome is recorded, together with the round's others at its commit. */
  GroupCommit group() {
    return group;
  }

  /** Hands out the current apply's outcomes and forgets them: the apply is done. */
  List<ApplyOutcome> outcomes() {
    List<ApplyOutcome> done = new ArrayList<>(outcomes);
    outcomes.clear();
    return done;
  }

  /**
   * Applies the claimed pairs' messages round by round: each pair's next message, then one
   * commit records the round's outcomes together; a pair goes on in the next round while its
   * messages come in order.
   *
   * @param until when to begin no more pairs (within the claim's lease): the others stay queued
   *     for the next apply
   */
  void applyClaimed(List<String> claimed, long until) {
    List<String> round = claimed;
    boolean progressed = false;
    while (!round.isEmpty() && clock.millis() < until) {
      List<String> next = new ArrayList<>();
      // the round's queued messages in one read (a pair's later reads are its own)
      Map<String, List<InboxEntry>> queued = stores.messages().incomingFor(connector.key(), round);
      values.read(rowIds(queued.keySet()), true);
      try {
        for (String issue : round) {
          if (clock.millis() >= until) {
            break;
          }
          if (drain(issue, queued.getOrDefault(issue, List.of()), progressed)) {
            next.add(issue);
          }
        }
      } finally {
        group.commit();
        values.clear();
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
    if (sourceIssueKeys.size() < 2) {
      return List.of(); // (one pair's values are read when applied: a query either way)
    }
    return stores.syncInfo().findByRemoteKeys(connector.key(), sourceIssueKeys).values().stream()
        .map(SyncInfo::id).toList();
  }

  /**
   * An applied message whose outcome the group could not record: it stays in the inbox,
   * retried or failed as a failed apply is, and its pair stops for this apply.
   */
  void recordFailed(SyncMessage message, RuntimeException failure) {
    Waiting w = waiting.get(message.messageId());
    outcomes.set(w.at(), unapplied(w.entry(), failure, w.now()));
    stopped.add(message.sourceIssueKey());
  }

  /**
   * Applies the source issue's messages in sequence order until one cannot be applied now, or
   * one was applied whose outcome waits for the group's commit.
   *
   * @param queued the pair's queued messages as read for the round
   * @param progressed whether the pair's message before was applied in this apply
   * @return whether the pair goes on after the group's commit
   */
  private boolean drain(String sourceIssueKey, List<InboxEntry> queued, boolean progressed) {
    List<InboxEntry> entries = queued;
    for (boolean first = true; true; first = false) {
      if (!first) {
        entries = stores.messages().incomingFor(connector.key(), sourceIssueKey);
        // what the pair's message before wrote, recorded alone, is not in the values the
        // round read at once
        values.clear();
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
        next = applyNext(entry, entries, now);
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

  /** Applies, drops or defers the pair's next message; a failure stops the pair. */
  private Next applyNext(InboxEntry entry, List<InboxEntry> entries, long now) {
    try {
      return step.take(entry, entries, now, outcomes);
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

  /**
   * Applies a pair's next message in order; its outcome, if recorded with the round's group,
   * waits for the group's commit.
   *
   * @param alone whether it is recorded alone (it joins pairs): what the other pairs applied
   *     before is committed first, for it to read, and its own at once, for them
   */
  void applyInOrder(InboxEntry entry, long now, boolean alone, Supplier<ApplyOutcome> apply) {
    if (alone) {
      group.commit(); // (what the other pairs applied before, to read)
    }
    int before = group.size();
    ApplyOutcome outcome = apply.get();
    if (group.size() > before) { // (its outcome is recorded at the group's commit)
      waiting.put(entry.message().messageId(), new Waiting(entry, now, outcomes.size()));
    }
    outcomes.add(outcome);
    if (alone) {
      group.commit(); // (for the other pairs to read)
    }
  }
}
