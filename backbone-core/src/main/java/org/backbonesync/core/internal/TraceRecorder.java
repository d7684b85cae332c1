package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.spi.store.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the engine's events into trace entries and keeps them: gathered, and written in one store
 * call at the end of a step once the oldest has waited {@link #MAX_WAIT_MILLIS} or {@link
 * #MAX_GATHERED} have gathered ({@link #flushIfDue}), and always at the end of a periodic run,
 * before a trace is read and when the engine closes ({@link #close}; a step still running then
 * writes what it gathers when it ends). So a busy engine pays one
 * trace write a second, not one per step. Writes are one at a time, in the order the entries were
 * gathered, so the store's ids follow the events. The trace is for operators, not a guarantee: a
 * write that fails is logged and its entries dropped; the step goes on.
 *
 * <p>A write leaves out the steps another entry of the same message in it implies ({@link
 * #withoutImplied}): a message queued and sent within one write shows as sent, one received and
 * applied as applied. Those were half of the trace's rows in a steady flow of changes (four per
 * change), and a trace of {@code keep} entries then covers twice as many messages; a message
 * that got no further before the write shows as queued or received, as before.
 */
final class TraceRecorder implements SyncListener {
  private static final Logger log = LoggerFactory.getLogger(TraceRecorder.class);
  /** Entries gathered before a write even within a step, so that a long step holds few. */
  static final int MAX_GATHERED = 500;
  /** How long an entry may wait for the write at a step's end. */
  static final long MAX_WAIT_MILLIS = 1000;
  /**
   * Outcomes that say a message got past the step before: queued, then sent or not; received,
   * then taken from the inbox (not {@code DUPLICATE}: a copy dropped says nothing of the first).
   */
  private static final Set<Outcome> FURTHER = EnumSet.of(Outcome.SENT, Outcome.DELIVERY_FAILED,
      Outcome.APPLIED, Outcome.CREATED, Outcome.IGNORED, Outcome.FAILED, Outcome.RETRIED,
      Outcome.SKIPPED);

  private final TraceStore store;
  private final Clock clock;
  private final int keep;
  /** Guards {@link #gathered}: a list, not a concurrent queue, so an entry costs no node. */
  private final Object gathering = new Object();
  private List<TraceEntry> gathered = new ArrayList<>();
  /** How many are gathered; written under {@link #gathering}, read without it. */
  private volatile int size;
  /** One write at a time, so that entries gathered later get later ids. */
  private final ReentrantLock writing = new ReentrantLock();
  /** When the oldest entry not written was gathered (epoch millis); valid while size > 0. */
  private volatile long oldestAt;
  /** Set by {@link #close}: from then on every step's end writes what it gathered. */
  private volatile boolean closed;
  /**
   * The export failures recorded, by connector and issue, with their text: a failure comes back
   * at every poll, and is recorded again only with another text or after the issue was queued.
   * At most {@link #EXPORT_FAILURES_KEPT}: when full it is emptied, and each failure still
   * standing is recorded once more. Looked at for every message queued (empty, most often).
   */
  private final Map<String, String> exportFailures = new ConcurrentHashMap<>();
  static final int EXPORT_FAILURES_KEPT = 10_000;

  /** @param keep entries kept per connector, direction and issue; 0 records nothing */
  TraceRecorder(TraceStore store, Clock clock, int keep) {
    this.store = store;
    this.clock = clock;
    this.keep = store == TraceStore.NONE ? 0 : keep;
  }

  /** Whether this recorder keeps anything; when not, the engine does not call it. */
  boolean records() {
    return keep > 0;
  }

  /** Writes what was gathered when it is due; called when a step ends. */
  void flushIfDue() {
    if (closed) {
      flush(); // (the last step's entries: no later step or run would write them)
      return;
    }
    if (size > 0 && clock.millis() - oldestAt >= MAX_WAIT_MILLIS && writing.tryLock()) {
      try {
        write(); // (when another thread writes now, it takes these too, or the next step does)
      } finally {
        writing.unlock();
      }
    }
  }

  /**
   * Writes what was gathered, when the engine closes; a step running on meanwhile writes its own
   * when it ends ({@link #flushIfDue}).
   */
  void close() {
    closed = true;
    flush();
  }

  /** Writes what was gathered, after a write another thread is making. */
  void flush() {
    if (size == 0) {
      return;
    }
    writing.lock();
    try {
      write();
    } finally {
      writing.unlock();
    }
  }

  private void write() {
    List<TraceEntry> batch;
    synchronized (gathering) {
      batch = gathered;
      gathered = new ArrayList<>(Math.max(10, batch.size())); // (about as many next time)
      size = 0;
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      store.add(withoutImplied(batch), keep);
    } catch (RuntimeException e) {
      log.warn("{} trace entries could not be kept; the trace misses them", batch.size(), e);
    }
  }

  /**
   * The entries without each {@code QUEUED} or {@code RECEIVED} that another entry of the same
   * connector, direction, issue and message in the write goes past ({@link #FURTHER}), whichever
   * was gathered first (a delivery thread may report a message sent before the poll's thread
   * reports it queued): that one says it was queued or received, and when it got further.
   */
  static List<TraceEntry> withoutImplied(List<TraceEntry> batch) {
    Set<List<String>> further = new HashSet<>();
    for (TraceEntry e : batch) {
      if (e.messageId() != null && FURTHER.contains(e.outcome())) {
        further.add(message(e));
      }
    }
    if (further.isEmpty()) {
      return batch;
    }
    List<TraceEntry> kept = new ArrayList<>(batch.size());
    for (TraceEntry e : batch) {
      boolean step = e.outcome() == Outcome.QUEUED || e.outcome() == Outcome.RECEIVED;
      if (!step || e.messageId() == null || !further.contains(message(e))) {
        kept.add(e);
      }
    }
    return kept;
  }

  private static List<String> message(TraceEntry e) {
    return List.of(e.connectorKey(), e.direction().name(), e.issueKey(), e.messageId());
  }

  private void add(String connectorKey, Direction direction, SyncMessage m, Outcome outcome,
      String detail) {
    gather(new TraceEntry(0, connectorKey, direction, m.sourceIssueKey(), m.messageId(),
        m.sequenceId(), m.kind().name(), outcome, detail, clock.millis()));
  }

  private void gather(TraceEntry entry) {
    int now;
    synchronized (gathering) {
      gathered.add(entry);
      now = gathered.size();
      if (now == 1) {
        oldestAt = entry.at(); // (before size: a reader without the lock sees it with size 1)
      }
      size = now;
    }
    if (now >= MAX_GATHERED) {
      flush();
    }
  }

  private void out(String connectorKey, SyncMessage m, Outcome outcome, String detail) {
    add(connectorKey, Direction.OUT, m, outcome, detail);
  }

  private void in(String connectorKey, SyncMessage m, Outcome outcome, String detail) {
    add(connectorKey, Direction.IN, m, outcome, detail);
  }

  @Override
  public void queued(String connectorKey, SyncMessage message) {
    if (!exportFailures.isEmpty()) { // (no key made per message queued when none failed)
      exportFailures.remove(connectorKey + " " + message.sourceIssueKey());
    }
    out(connectorKey, message, Outcome.QUEUED, null);
  }

  @Override
  public void exportFailed(String connectorKey, String issueKey, String error) {
    if (exportFailures.size() >= EXPORT_FAILURES_KEPT) {
      exportFailures.clear();
    }
    if (error.equals(exportFailures.put(connectorKey + " " + issueKey, error))) {
      return; // (the same failure at the next poll)
    }
    gather(new TraceEntry(0, connectorKey, Direction.OUT, issueKey, null, 0, null,
        Outcome.EXPORT_FAILED, error, clock.millis()));
  }

  @Override
  public void sent(String connectorKey, SyncMessage message) {
    out(connectorKey, message, Outcome.SENT, null);
  }

  @Override
  public void deliveryFailed(String connectorKey, SyncMessage message, String reason) {
    out(connectorKey, message, Outcome.DELIVERY_FAILED, reason);
  }

  @Override
  public void received(String connectorKey, SyncMessage message) {
    in(connectorKey, message, Outcome.RECEIVED, null);
  }

  @Override
  public void applied(String connectorKey, SyncMessage message, String localIssueKey,
      boolean created) {
    in(connectorKey, message, created ? Outcome.CREATED : Outcome.APPLIED,
        (created ? "created " : "applied to ") + localIssueKey);
  }

  @Override
  public void ignored(String connectorKey, SyncMessage message, String reason) {
    in(connectorKey, message, Outcome.IGNORED, reason);
  }

  @Override
  public void duplicate(String connectorKey, SyncMessage message) {
    in(connectorKey, message, Outcome.DUPLICATE,
        "delivered again or sequence id " + message.sequenceId() + " already applied");
  }

  @Override
  public void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {
    in(connectorKey, message, Outcome.FAILED, (permanent
        ? GapFailures.isGapReason(error)
            ? "failed; waits for a message of its issue, or an operator's retry or skip: "
            : "failed; waits for an operator's retry or skip: "
        : "failed; retried after a backoff: ") + error);
  }

  @Override
  public void retried(String connectorKey, SyncMessage message) {
    in(connectorKey, message, Outcome.RETRIED, null);
  }

  @Override
  public void skipped(String connectorKey, SyncMessage message) {
    in(connectorKey, message, Outcome.SKIPPED, "its changes are lost to this side");
  }

  @Override
  public void conflict(String connectorKey, ConflictRecord r) {
    if (r.remoteIssueKey() == null) {
      return;
    }
    boolean rejected = r.winner() == ConflictRecord.Winner.REJECTED;
    String detail = rejected
        ? "the change of " + r.fieldMappingId() + " was refused: " + r.localIssueKey()
            + " is this side's responsibility (conflict record " + r.id() + ")"
        : "conflict on " + r.fieldMappingId() + " with a local change of " + r.localIssueKey()
            + ": " + winner(r.winner()) + " by " + r.rule() + " (conflict record " + r.id() + ")";
    gather(new TraceEntry(0, connectorKey, Direction.IN, r.remoteIssueKey(), null, 0, null,
        rejected ? Outcome.REJECTED : Outcome.CONFLICT, detail, clock.millis()));
  }

  private static String winner(ConflictRecord.Winner winner) {
    switch (winner) {
      case LOCAL:
        return "the local value kept";
      case REMOTE:
        return "the partner's value applied";
      default:
        return "both merged";
    }
  }
}
