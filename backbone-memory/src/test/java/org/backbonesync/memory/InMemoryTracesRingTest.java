package org.backbonesync.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.junit.jupiter.api.Test;

/** The ring against a deque model: random batches, keep changing between calls, any limit. */
class InMemoryTracesRingTest {
  @Test
  void theRingAnswersAsADequeWould() {
    for (long seed = 0; seed < 300; seed++) {
      Random r = new Random(seed);
      InMemoryTraces traces = new InMemoryTraces();
      Map<String, Deque<TraceEntry>> model = new HashMap<>();
      long id = 0;
      for (int step = 0; step < 200; step++) {
        int keep = r.nextInt(12) - 1; // -1 .. 10
        List<TraceEntry> batch = new ArrayList<>();
        int n = r.nextInt(15);
        for (int i = 0; i < n; i++) {
          batch.add(new TraceEntry(0, "PA", Direction.OUT, "PA-" + r.nextInt(3), "m", step,
              "CHANGE", Outcome.QUEUED, null, step));
        }
        traces.add(batch, keep);
        if (keep > 0) {
          for (TraceEntry e : batch) {
            Deque<TraceEntry> d = model.computeIfAbsent(e.issueKey(), k -> new ArrayDeque<>());
            d.addLast(e.withId(++id));
            while (d.size() > keep) {
              d.removeFirst();
            }
          }
        }
        for (String issue : List.of("PA-0", "PA-1", "PA-2")) {
          int limit = r.nextInt(14) - 2; // -2 .. 11
          Deque<TraceEntry> d = model.getOrDefault(issue, new ArrayDeque<>());
          List<TraceEntry> all = new ArrayList<>(d);
          List<TraceEntry> want = all.subList(Math.max(0, all.size() - Math.max(0, limit)),
              all.size());
          assertEquals(want, traces.list("PA", Direction.OUT, issue, limit),
              "seed " + seed + " step " + step + " " + issue + " limit " + limit);
        }
      }
    }
  }
}
