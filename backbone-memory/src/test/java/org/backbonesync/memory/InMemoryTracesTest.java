package org.backbonesync.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.junit.jupiter.api.Test;

/** The in-memory trace is bounded in all, not only per issue: the least recent issues go first. */
class InMemoryTracesTest {

  private static TraceEntry entry(String issue, long sequence) {
    return new TraceEntry(0, "PA", Direction.OUT, issue, "m", sequence, "CHANGE", Outcome.QUEUED,
        null, sequence);
  }

  @Test
  void pastTheLimitTheIssuesWrittenLeastRecentlyAreForgotten() {
    InMemoryTraces traces = new InMemoryTraces();
    int issues = InMemoryTraces.MAX_ENTRIES / 10;
    List<TraceEntry> batch = new ArrayList<>();
    for (int i = 0; i < issues; i++) {
      for (int s = 1; s <= 10; s++) {
        batch.add(entry("PA-" + i, s));
      }
    }
    traces.add(batch, 20); // exactly the limit
    traces.add(List.of(entry("PA-0", 11)), 20); // PA-0 is now the most recent

    traces.add(List.of(entry("PA-new", 1)), 20); // one over: the least recent issue goes

    assertEquals(0, traces.list("PA", Direction.OUT, "PA-1", 100).size());
    assertEquals(11, traces.list("PA", Direction.OUT, "PA-0", 100).size());
    assertEquals(10, traces.list("PA", Direction.OUT, "PA-2", 100).size());
    assertEquals(1, traces.list("PA", Direction.OUT, "PA-new", 100).size());
  }
}
