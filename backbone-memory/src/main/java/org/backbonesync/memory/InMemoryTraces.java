package org.backbonesync.memory;

import java.util.ArrayList;
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

  /**
   * One issue's newest entries, oldest first, in a ring, with the ids the store gave them kept
   * beside them: an entry gets its id in a copy only when it is read, not for each one written.
   */
  private static final class Kept {
    private TraceEntry[] entries = new TraceEntry[4];
    private long[] ids = new long[4];
    private int first; // where the oldest is
    private int size;

    void add(TraceEntry entry, long id) {
      if (size == entries.length) {
        TraceEntry[] moreEntries = new TraceEntry[2 * size];
        long[] moreIds = new long[2 * size];
        for (int i = 0; i < size; i++) {
          moreEntries[i] = entries[(first + i) % size];
          moreIds[i] = ids[(first + i) % size];
        }
        entries = moreEntries;
        ids = moreIds;
        first = 0;
      }
      int at = (first + size) % entries.length;
      entries[at] = entry;
      ids[at] = id;
      size++;
    }

    void dropOldest() {
      entries[first] = null;
      first = (first + 1) % entries.length;
      size--;
    }

    /** The {@code i}th oldest, with its id. */
    TraceEntry get(int i) {
      int at = (first + i) % entries.length;
      return entries[at].withId(ids[at]);
    }
  }

  // in the order of their last use (written or read), least recent first
  private final Map<Key, Kept> byIssue = new LinkedHashMap<>(16, 0.75f, true);
  private long lastId;
  private int total;

  @Override
  public synchronized void add(List<TraceEntry> entries, int keep) {
    if (keep <= 0) {
      return;
    }
    for (TraceEntry e : entries) {
      Kept kept = byIssue.computeIfAbsent( // now the most recent
          new Key(e.connectorKey(), e.direction(), e.issueKey()), k -> new Kept());
      kept.add(e, ++lastId);
      total++;
      while (kept.size > keep) {
        kept.dropOldest();
        total--;
      }
    }
    Iterator<Kept> eldest = byIssue.values().iterator();
    while (total > MAX_ENTRIES && eldest.hasNext()) {
      total -= eldest.next().size;
      eldest.remove();
    }
  }

  @Override
  public synchronized List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
      String issueKey, int limit) {
    Kept kept = byIssue.get(new Key(connectorKey, direction, issueKey));
    if (kept == null) {
      return List.of();
    }
    int from = Math.max(0, kept.size - Math.max(0, limit));
    List<TraceEntry> newest = new ArrayList<>(kept.size - from);
    for (int i = from; i < kept.size; i++) {
      newest.add(kept.get(i));
    }
    return newest;
  }
}
