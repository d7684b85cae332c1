package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;

/**
 * The outcomes of one apply, in order, and of its current round the applies whose outcome waits
 * for the group's commit: one that the commit could not record is set to what became of it (the
 * message stays in the inbox, retried or failed as a failed apply is) and its pair stops. Filled
 * by {@link ApplyRounds}, told of failed records by the {@link OutcomeRecorder}'s group parts.
 * Used under the incoming queue's monitor.
 */
final class RoundOutcomes {
  private final UnappliedMessages unapplied;
  /** The outcomes of the current apply, in order; handed out at its end. */
  private final List<ApplyOutcome> outcomes = new ArrayList<>();
  /**
   * The applies of the current round waiting for the group's commit, by message id: where their
   * outcome stands in the apply's outcomes.
   */
  private final Map<String, Waiting> waiting = new HashMap<>();
  /** The pairs of the current round whose outcome could not be recorded. */
  private final Set<String> stopped = new HashSet<>();

  private record Waiting(InboxEntry entry, long now, int at) {}

  RoundOutcomes(UnappliedMessages unapplied) {
    this.unapplied = unapplied;
  }

  /** Where a step adds the outcomes it decides at once (a message dropped, deferred). */
  List<ApplyOutcome> list() {
    return outcomes;
  }

  /** Adds an apply's outcome; {@code waits} when it is recorded at the group's next commit. */
  void add(InboxEntry entry, long now, ApplyOutcome outcome, boolean waits) {
    if (waits) {
      waiting.put(entry.message().messageId(), new Waiting(entry, now, outcomes.size()));
    }
    outcomes.add(outcome);
  }

  /** Whether the message's outcome waits for the group's commit. */
  boolean waits(SyncMessage message) {
    return waiting.containsKey(message.messageId());
  }

  /** Adds the outcome of a message whose apply failed: retried later, or failed for an admin. */
  void failed(InboxEntry entry, RuntimeException failure, long now) {
    outcomes.add(unapplied(entry, failure, now));
  }

  /**
   * An applied message whose outcome the group could not record: it stays in the inbox, retried
   * or failed as a failed apply is, and its pair stops for this apply.
   */
  void recordFailed(SyncMessage message, RuntimeException failure) {
    Waiting w = waiting.get(message.messageId());
    outcomes.set(w.at(), unapplied(w.entry(), failure, w.now()));
    stopped.add(message.sourceIssueKey());
  }

  /** The round is committed: the pairs that go on, less those whose record failed. */
  List<String> roundDone(List<String> goingOn) {
    goingOn.removeAll(stopped);
    stopped.clear();
    waiting.clear();
    return goingOn;
  }

  /** Hands out the current apply's outcomes and forgets them: the apply is done. */
  List<ApplyOutcome> handOut() {
    List<ApplyOutcome> done = new ArrayList<>(outcomes);
    outcomes.clear();
    waiting.clear(); // (an apply that failed left a round's; see roundDone)
    stopped.clear();
    return done;
  }

  private ApplyOutcome unapplied(InboxEntry entry, RuntimeException failure, long now) {
    return unapplied.afterFailure(entry, failure, now);
  }
}
