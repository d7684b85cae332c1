package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * trace write a second, not one per step. Writes are one at a time, each issue's entries in the
 * order they were gathered, so the store's ids follow each issue's events (a trace read orders
 * an issue pair's two lists by time). The trace is for operators, not a guarantee: a write that
 * fails is logged and its entries dropped; the step goes on.
 *
 * <p>A write leaves out the steps another entry of the same message in it implies ({@link
 * #withoutImplied}): a message queued and sent within one write shows as sent, one received and
 * applied as applied. Those were half of the trace's rows in a steady flow of changes (four per
 * change), and a trace of {@code keep} entries then covers twice as many messages. A step
 * gathered less than {@link #MAX_WAIT_MILLIS} before a write waits for the next one with the
 * entries of its issue after it ({@link #heldBack}, at most {@link #MAX_HELD}), where the entry
 * of its message's next step most often is: a write falling between a message's receipt and its
 * apply, as most did in {@code TwoNodeBenchmark}, otherwise kept both (three rows per change
 * instead of two). A message that got no further within that wait shows as queued or received,
 * as before; a trace read and {@link #close} write every step at once.
 */
final class TraceRecorder implements SyncListener {
  private static final Logger log = LoggerFactory.getLogger(TraceRecorder.class);
  /** Entries gathered before a write even within a step, so that a long step holds few. */
  static final int MAX_GATHERED = 500;
  /** How long an entry may wait for the write at a step's end. */
  static final long MAX_WAIT_MILLIS = 1000;
  /** The most steps a write holds back for the next one: a bound on what waits in memory. */
  static final int MAX_HELD = MAX_GATHERED / 2;
  /**
   * The most writes at one reading of the clock that hold steps back: a clock that stands still
   * (a fixed one, a test's manual one) would never age them. Two, for a step's write and the
   * periodic run's end within one reading of a manual clock ({@code TwoNodeBenchmark}'s).
   */
  static final int MAX_HOLDS_AT_ONE_TIME = 2;
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
  /**
   * The clock's time when a write last held steps back ({@link #heldBack}), and how many writes
   * did at that time, under {@link #writing}: a clock that does not move would never age them.
   */
  private long heldAt = Long.MIN_VALUE;
  private int holdsAtHeldAt;
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
        write(true); // (when another thread writes now, it takes these too, or the next step does)
      } finally {
        writing.unlock();
      }
    }
  }

  /**
   * Writes what was gathered at the end of a periodic run, but the young steps ({@link
   * #MAX_HELD}): an idle engine's last entries wait no longer than the run after
   * {@link #MAX_WAIT_MILLIS}.
   */
  void flushRun() {
    flush(true);
  }

  /**
   * Writes what was gathered, when the engine closes; a step running on meanwhile writes its own
   * when it ends ({@link #flushIfDue}).
   */
  void close() {
    closed = true;
    flush();
  }

  /** Writes everything gathered, young steps too, after a write another thread is making. */
  void flush() {
    flush(false);
  }

  private void flush(boolean holdSteps) {
    if (size == 0 && holdSteps) {
      // (not for a trace read or close: a write under way took every entry, and puts young
      // steps back before it ends, which they must then write)
      return;
    }
    writing.lock();
    try {
      write(holdSteps);
    } finally {
      writing.unlock();
    }
  }

  /** @param holdSteps whether young steps wait for the next write ({@link #heldBack}) */
  private void write(boolean holdSteps) {
    List<TraceEntry> batch;
    synchronized (gathering) {
      batch = gathered;
      gathered = new ArrayList<>(Math.max(10, batch.size())); // (about as many next time)
      size = 0;
    }
    if (batch.isEmpty()) {
      return;
    }
    List<TraceEntry> entries = withoutImplied(batch);
    if (holdSteps && !closed) {
      entries = heldBack(entries);
    }
    if (entries.isEmpty()) {
      return;
    }
    try {
      store.add(entries, keep);
    } catch (RuntimeException e) {
      if (StoreDown.is(e)) { // (an outage the steps report too: one line, no stack trace)
        log.warn("{} trace entries could not be kept, the store is unavailable; the trace misses"
            + " them: {}", entries.size(), e.toString());
      } else {
        log.warn("{} trace entries could not be kept; the trace misses them", entries.size(), e);
      }
    }
  }

  /**
   * Puts back, before what was gathered since, each issue's entries from its first step gathered
   * less than {@link #MAX_WAIT_MILLIS} ago on (so that an issue's entries keep their order in the
   * store), for as many issues as {@link #MAX_HELD} entries allow, and returns the others, to
   * write now. None after {@link #MAX_HOLDS_AT_ONE_TIME} writes that held some at the clock's
   * present time (a fixed clock, a test's manual one), nor a step stamped later than the clock
   * (set back since): their wait would have no end.
   */
  private List<TraceEntry> heldBack(List<TraceEntry> entries) {
    long time = clock.millis();
    if (time != heldAt) {
      holdsAtHeldAt = 0;
    } else if (holdsAtHeldAt >= MAX_HOLDS_AT_ONE_TIME) {
      return entries;
    }
    Issue[] issues = new Issue[entries.size()];
    Map<Issue, int[]> from = fittingInRoom(youngFrom(entries, time, issues));
    if (from.isEmpty()) {
      return entries;
    }
    List<TraceEntry> held = new ArrayList<>();
    List<TraceEntry> now = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      int[] issue = from.get(issues[i]);
      (issue != null && i >= issue[0] ? held : now).add(entries.get(i));
    }
    heldAt = time;
    holdsAtHeldAt++;
    putBack(held);
    return now;
  }

  /**
   * Each issue whose first young step (gathered after {@code time} less {@link
   * #MAX_WAIT_MILLIS}, not after {@code time}) is among these entries: the step's index, and
   * how many entries of the issue are there from it on.
   *
   * @param issues filled with each entry's issue, by index, for the caller to look up (an issue
   *     made again per entry there was about a two-hundredth of what a change allocated, {@code
   *     TwoNodeBenchmark}, JFR)
   */
  private static Map<Issue, int[]> youngFrom(List<TraceEntry> entries, long time,
      Issue[] issues) {
    long young = time - MAX_WAIT_MILLIS;
    Map<Issue, int[]> from = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      TraceEntry e = entries.get(i);
      Issue issue = new Issue(e.connectorKey(), e.direction(), e.issueKey());
      issues[i] = issue;
      int[] held = from.get(issue);
      if (held != null) {
        held[1]++;
      } else if (isStep(e) && e.messageId() != null && e.at() > young && e.at() <= time) {
        from.put(issue, new int[] {i, 1});
      }
    }
    return from;
  }

  /** The issues, in order, whose entries {@link #MAX_HELD} has room for; the others removed. */
  private static Map<Issue, int[]> fittingInRoom(Map<Issue, int[]> from) {
    int room = MAX_HELD;
    for (Iterator<int[]> it = from.values().iterator(); it.hasNext(); ) {
      int[] held = it.next();
      if (held[1] <= room) {
        room -= held[1];
      } else {
        it.remove();
      }
    }
    return from;
  }

  /** Puts the held entries back before what was gathered since, for the next write. */
  private void putBack(List<TraceEntry> held) {
    synchronized (gathering) {
      held.addAll(gathered);
      gathered = held;
      oldestAt = held.get(0).at(); // (before size, as in gather)
      size = held.size();
    }
  }

  private static boolean isStep(TraceEntry e) {
    return e.outcome() == Outcome.QUEUED || e.outcome() == Outcome.RECEIVED;
  }

  /** An issue's entries of one connector and direction: one list of the store. */
  private record Issue(String connectorKey, Direction direction, String issueKey) {}

  /**
   * The entries without each {@code QUEUED} or {@code RECEIVED} that another entry of the same
   * connector, direction, issue and message in the write goes past ({@link #FURTHER}), whichever
   * was gathered first (a delivery thread may report a message sent before the poll's thread
   * reports it queued): that one says it was queued or received, and when it got further.
   */
  static List<TraceEntry> withoutImplied(List<TraceEntry> batch) {
    Set<TraceEntry> further = new TreeSet<>(SAME_MESSAGE);
    for (TraceEntry e : batch) {
      if (e.messageId() != null && FURTHER.contains(e.outcome())) {
        further.add(e);
      }
    }
    if (further.isEmpty()) {
      return batch;
    }
    List<TraceEntry> kept = new ArrayList<>(batch.size());
    for (TraceEntry e : batch) {
      if (!isStep(e) || e.messageId() == null || !further.contains(e)) {
        kept.add(e);
      }
    }
    return kept;
  }

  /**
   * Entries of the same message, connector, direction and issue compare equal: a set of entries
   * ordered so finds one of the same message without a key made per entry (a list of the four
   * per entry written and per entry looked up was about a fiftieth of what a change allocated,
   * {@code TwoNodeBenchmark}, JFR).
   */
  private static final Comparator<TraceEntry> SAME_MESSAGE =
      Comparator.comparing(TraceEntry::messageId).thenComparing(TraceEntry::issueKey)
          .thenComparing(TraceEntry::connectorKey).thenComparing(TraceEntry::direction);

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
      flush(true); // (what it holds back is at most half of what triggers it)
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
