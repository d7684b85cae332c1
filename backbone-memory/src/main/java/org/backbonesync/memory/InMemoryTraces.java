package org.backbonesync.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;

/**
 * The trace of {@link InMemoryStores}: the newest entries of each connector, direction and issue
 * in a bounded deque, and at most {@link #MAX_ENTRIES} in all: past that, the issues used least
 * recently (written or read) are forgotten first, so that the heap the trace takes is bounded
 * whatever the number of pairs (about 12 MB when full; StoreFootprint prints it). Outside the
 * stores' transactions (the engine writes a trace after them) and under its own lock, so that
 * reading a trace never waits for an engine step.
 */
final class InMemoryTraces implements TraceStore {
  /** The most entries kept in all. */
  static final int MAX_ENTRIES = 50_000;

  private record Key(String connectorKey, TraceEntry.Direction direction, String issueKey) {}

  // in the order of their last use (written or read), least recent first
  private final Map<Key, Deque<TraceEntry>> byIssue = new LinkedHashMap<>(16, 0.75f, true);
  private long lastId;
  private int total;

  @Override
  public synchronized void add(List<TraceEntry> entries, int keep) {
    if (keep <= 0) {
      return;
    }
    for (TraceEntry e : entries) {
      Deque<TraceEntry> kept = byIssue.computeIfAbsent( // now the most recent
          new Key(e.connectorKey(), e.direction(), e.issueKey()), k -> new ArrayDeque<>());
      kept.addLast(e.withId(++lastId));
      total++;
      while (kept.size() > keep) {
        kept.removeFirst();
        total--;
      }
    }
    Iterator<Deque<TraceEntry>> eldest = byIssue.values().iterator();
    while (total > MAX_ENTRIES && eldest.hasNext()) {
      total -= eldest.next().size();
      eldest.remove();
    }
  }

  @Override
  public synchronized List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
      String issueKey, int limit) {
    Deque<TraceEntry> kept = byIssue.get(new Key(connectorKey, direction, issueKey));
    if (kept == null) {
      return List.of();
    }
    List<TraceEntry> newest = new ArrayList<>();
    for (Iterator<TraceEntry> i = kept.descendingIterator(); i.hasNext() && newest.size() < limit;) {
      newest.add(0, i.next());
    }
    return newest;
  }
}
