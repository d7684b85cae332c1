package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.internal.PairOrder.Next;
import org.backbonesync.core.internal.PairOrder.Taken;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The rounds in which the {@link IncomingQueue} applies its claimed pairs' messages: each pair's
 * next message ({@link PairOrder} says which is next in order, {@link InOrder} applies it), then
 * one commit ({@link GroupCommit}) records the round's outcomes together; a pair goes on in the
 * next round while its messages come in order. The rows' values for a round are read at once
 * ({@link RowValues}); the outcomes go to {@link RoundOutcomes}. Used under the queue's monitor.
 */
final class ApplyRounds {
  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final RowValues values;
  /** Where applies record their outcomes, committed once per round of a chunk. */
  private final GroupCommit group;
  private final RoundOutcomes outcomes;
  private final PairOrder order;
  private final InOrder inOrder;
  /** The pairs whose row an apply of the round removed: their queue and row are read again. */
  private final RemovedRows removed;
  /** Prompts the partner's apply when a pair's apply handed it messages ({@link Handover}). */
  private final Runnable promptPartner;

  /**
   * @param values the last synced values and pending changes the applies read, read here at
   *     once for each round's rows
   * @param group where the applies record their outcomes
   * @param removed the pairs whose row an apply of the round removed ({@link ReusedKeys})
   * @param promptPartner prompts the partner's apply for the messages handed over so far
   */
  ApplyRounds(Connector connector, Stores stores, Clock clock, RowValues values,
      GroupCommit group, RoundOutcomes outcomes, PairOrder order, InOrder inOrder,
      RemovedRows removed, Runnable promptPartner) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.values = values;
    this.group = group;
    this.outcomes = outcomes;
    this.order = order;
    this.inOrder = inOrder;
    this.removed = removed;
    this.promptPartner = promptPartner;
  }

  /**
   * Applies the claimed pairs' messages round by round: each pair's next message, then one
   * commit records the round's outcomes together; a pair goes on in the next round while its
   * messages come in order. The last round's commit gives back the claims with it.
   *
   * @param heads the pairs' heads as read before the claim: the first round's read of their
   *     queues need not read their messages again
   * @param judgeAgain ids of messages that failed waiting for a gap, to judge again when they
   *     are their pair's next ({@link GapFailures})
   * @param over whether to begin no more pairs (half the claim's lease has passed, or the engine
   *     is closing): the others stay queued for the next apply
   * @param giveBack the store writes giving back the claims ({@link PairClaims#giveBack})
   * @return whether they were committed with the last round (else the caller gives them back)
   */
  boolean applyClaimed(List<String> claimed, List<InboxEntry> heads, Set<String> judgeAgain,
      BooleanSupplier over, Runnable giveBack) {
    List<String> round = claimed;
    List<InboxEntry> known = heads;
    boolean progressed = false;
    while (!round.isEmpty() && !over.getAsBoolean()) {
      List<String> next = new ArrayList<>();
      // the round's queued messages in one read (a pair's later reads are its own)
      // (the heads' messages as read before the claim; their bookkeeping read now)
      Map<String, List<InboxEntry>> queued =
          stores.messages().incomingFor(connector.key(), round, known);
      known = List.of();
      Map<String, SyncInfo> rows = roundRows(queued.keySet());
      order.prefetch(rows);
      values.read(ids(rows), true, carriesMerged(queued));
      // (their lock may take them as read, by stamp: the values were read after the rows)
      group.knowRows(rows.values(), values.syncedAsRead());
      boolean givenBack;
      boolean storeDown = false;
      try {
        for (String issue : round) {
          if (over.getAsBoolean()) {
            break;
          }
          if (drain(issue, queued.getOrDefault(issue, List.of()), progressed, judgeAgain)) {
            next.add(issue);
          }
          // What the pair's apply handed the partner (our issue whole to a row made again, a
          // PAIRED), committed and received: the partner applies it beside this apply, not after
          // the step's last round. A lost store re-pairs every issue with a whole each way and
          // one back: prompted at the step's end, each site waited for the other's whole step.
          promptPartner.run();
        }
        givenBack = group.commit(next.isEmpty() || over.getAsBoolean() ? giveBack : null);
      } catch (RuntimeException e) {
        storeDown = StoreDown.is(e);
        throw e;
      } finally {
        if (storeDown) { // (nothing is recorded: the round's messages are applied again)
          group.discard();
        } else {
          group.commit(); // (what was applied before a failure; after the commit above, nothing)
        }
        values.clear();
        order.forgetRows();
        group.forgetRows();
        removed.clear();
      }
      round = outcomes.roundDone(next);
      if (givenBack) {
        return true;
      }
      progressed = true;
    }
    return false;
  }

  /** Our rows paired with these source issues, by source issue, read at once. */
  private Map<String, SyncInfo> roundRows(Collection<String> sourceIssueKeys) {
    if (sourceIssueKeys.size() < 2) {
      return Map.of(); // (one pair's row and values are read when applied: a query either way)
    }
    return stores.syncInfo().findByRemoteKeys(connector.key(), sourceIssueKeys);
  }

  /** Whether a queued message carries a merged field: the round reads the skipped bases too. */
  private boolean carriesMerged(Map<String, List<InboxEntry>> queued) {
    if (connector.merging.isEmpty()) {
      return false;
    }
    for (List<InboxEntry> entries : queued.values()) {
      for (InboxEntry e : entries) {
        for (String id : e.message().fields().keySet()) {
          if (connector.merging.contains(id)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static List<Long> ids(Map<String, SyncInfo> rows) {
    if (rows.isEmpty()) {
      return List.of(); // (a round of one pair: see roundRows)
    }
    List<Long> ids = new ArrayList<>(rows.size());
    rows.values().forEach(row -> ids.add(row.id()));
    return ids;
  }

  /**
   * Applies the source issue's messages in sequence order until one cannot be applied now, or
   * one was applied whose outcome waits for the group's commit.
   *
   * @param queued the pair's queued messages as read for the round
   * @param progressed whether the pair's message before was applied in this apply
   * @param judgeAgain ids of messages failed waiting for a gap that the pair's heard more since
   * @return whether the pair goes on after the group's commit (it has more queued)
   */
  private boolean drain(String sourceIssueKey, List<InboxEntry> queued, boolean progressed,
      Set<String> judgeAgain) {
    List<InboxEntry> entries = queued;
    for (boolean first = true; true; first = false) {
      if (!first || removed.take(sourceIssueKey)) {
        entries = stores.messages().incomingFor(connector.key(), sourceIssueKey);
        // what the pair's message before wrote, recorded alone, is not in the values and rows
        // the round read at once (nor, for a pair whose row another pair's apply removed, what
        // that apply dropped: RemovedRows)
        values.clear();
        order.forgetRows();
      }
      if (entries.isEmpty()) {
        return false;
      }
      InboxEntry entry = entries.get(0);
      long now = clock.millis();
      if (GapFailures.waitedForGap(entry)
          && (progressed || judgeAgain.contains(entry.message().messageId()))) {
        // (what it failed waiting for may be applied now, or a message since made it obsolete;
        // read under the pair's claim: still failed so)
        entry = entry.withRetryRequested(now);
      }
      // An entry that only waited for its predecessor (no failed attempt) is due once that one
      // is applied; one that failed transiently waits for its backoff.
      boolean due = entry.notBefore() <= now || (progressed && entry.attempts() == 0);
      if (entry.status() == InboxEntry.Status.FAILED || !due) {
        return false;
      }
      SyncMessage message = entry.message();
      // the message's issue and id on every line of its step, the failure's too
      Taken taken;
      try (LogContext step = LogContext.message(message.sourceIssueKey(), message.messageId())) {
        taken = applyNext(entry, entries, now);
      }
      Next next = taken.next();
      if (next == Next.STOP) {
        return false;
      }
      if (outcomes.waits(next == Next.APPLIED ? taken.entry().message() : message)) {
        // (only if more was queued: one that came since waits for the next apply, and a chunk
        // whose pairs had one message each ends with this round, giving its claims back in it)
        return entries.size() > 1;
      }
      progressed |= next == Next.APPLIED;
    }
  }

  /**
   * Applies, drops or defers the pair's next message (or applies a later one first: {@link
   * PairOrder#take}); a failure stops the pair.
   */
  private Taken applyNext(InboxEntry entry, List<InboxEntry> entries, long now) {
    InboxEntry applying = entry;
    try {
      Taken taken = order.take(entry, entries, now, outcomes.list());
      if (taken.next() == Next.APPLIED) {
        applying = taken.entry();
        SyncMessage message = applying.message();
        // (a later message applied first: its id on its lines; the step's context else)
        try (LogContext other = applying == entry ? null
            : LogContext.message(message.sourceIssueKey(), message.messageId())) {
          applyInOrder(applying, taken.row(), now, entries);
        }
      }
      return taken;
    } catch (RuntimeException e) {
      if (StoreDown.is(e)) {
        throw e; // the store's failure, not the message's: the apply ends (see IncomingQueue)
      }
      outcomes.failed(applying, e, now);
    }
    return Taken.STOP;
  }

  /**
   * Applies a pair's next message in order; its outcome, if recorded with the round's group,
   * waits for the group's commit. One that joins pairs is recorded alone: what the other pairs
   * applied before is committed first, for it to read, and its own at once, for them.
   */
  private void applyInOrder(InboxEntry entry, Optional<SyncInfo> row, long now,
      List<InboxEntry> entries) {
    SyncMessage message = entry.message();
    boolean alone = joinsPairs(message);
    if (alone) {
      group.commit(); // (what the other pairs applied before, to read)
    }
    int before = group.size();
    ApplyOutcome outcome = inOrder.apply(row, message, now, entries);
    outcomes.add(entry, now, outcome, group.size() > before);
    if (alone) {
      group.commit(); // (for the other pairs to read)
    }
  }

  /** Whether the message's operations read what other pairs' applies write (issue links). */
  private boolean joinsPairs(SyncMessage message) {
    if (connector.flowsIn.isEmpty() || message.content().isEmpty()) {
      return false; // (without iterating: an iterator per message applied)
    }
    for (String id : message.content().keySet()) {
      ContentFlow flow = connector.flowsIn.get(id);
      if (flow != null && flow.joinsPairs()) {
        return true;
      }
    }
    return false;
  }
}
