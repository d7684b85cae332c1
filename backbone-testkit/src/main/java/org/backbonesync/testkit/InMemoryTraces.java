package org.backbonesync.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;

/**
 * The trace of {@link InMemoryStores}: the newest entries of each connector, direction and issue
 * in a bounded deque. Outside the stores' transactions (the engine writes a trace after them) and
 * under its own lock, so that reading a trace never waits for an engine step.
 */
final class InMemoryTraces implements TraceStore {
  private record Key(String connectorKey, TraceEntry.Direction direction, String issueKey) {}

  private final Map<Key, Deque<TraceEntry>> byIssue = new HashMap<>();
  private long lastId;

  @Override
  public synchronized void add(List<TraceEntry> entries, int keep) {
    for (TraceEntry e : entries) {
      Deque<TraceEntry> kept = byIssue.computeIfAbsent(
          new Key(e.connectorKey(), e.direction(), e.issueKey()), k -> new ArrayDeque<>());
      kept.addLast(e.withId(++lastId));
      while (kept.size() > keep) {
        kept.removeFirst();
      }
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
