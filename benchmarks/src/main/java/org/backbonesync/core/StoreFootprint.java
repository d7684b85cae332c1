package org.backbonesync.core;

import java.util.List;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.TraceEntry;

/**
 * Prints the heap the in-memory stores retain per 100,000 synced pairs (each with five last
 * synced values). Target: at most 64 MB. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * org.backbonesync.core.StoreFootprint}.
 */
public final class StoreFootprint {
  private StoreFootprint() {}

  public static void main(String[] args) {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long before = usedAfterGc();
    InMemoryStores stores = ScaleBenchmark.filled(pairs);
    long after = usedAfterGc();
    double mb = (after - before) / (1024.0 * 1024.0);
    System.out.printf("in-memory stores: %.1f MB retained for %,d synced pairs (%.0f bytes per"
        + " pair; target at most 64 MB)%n", mb, pairs, (after - before) / (double) pairs);
    if (stores.syncInfo().list("PA").size() != pairs) {
      throw new AssertionError("stores lost pairs");
    }
    traceFootprint();
  }

  /**
   * The heap of the in-memory trace when full: 200,000 entries offered (a message's four
   * outcomes on each of 50,000 pairs' issues), each with its own message id and detail as the
   * engine makes them; the store keeps its bound of 50,000.
   */
  private static void traceFootprint() {
    long before = usedAfterGc();
    InMemoryStores stores = new InMemoryStores();
    for (int i = 0; i < 50_000; i++) {
      String id = "PA:PA-" + i + ":" + (1_767_258_000_000L + i) + ":2";
      stores.trace().add(List.of(
          entry("PA", TraceEntry.Direction.OUT, "PA-" + i, id, TraceEntry.Outcome.QUEUED, null),
          entry("PA", TraceEntry.Direction.OUT, "PA-" + i, id, TraceEntry.Outcome.SENT, null),
          entry("PB", TraceEntry.Direction.IN, "PA-" + i, id, TraceEntry.Outcome.RECEIVED, null),
          entry("PB", TraceEntry.Direction.IN, "PA-" + i, id, TraceEntry.Outcome.APPLIED,
              "applied to PB-" + i)), 20);
    }
    long after = usedAfterGc();
    int kept = 0;
    for (int i = 0; i < 50_000; i++) {
      kept += stores.trace().list("PA", TraceEntry.Direction.OUT, "PA-" + i, 20).size()
          + stores.trace().list("PB", TraceEntry.Direction.IN, "PA-" + i, 20).size();
    }
    System.out.printf("in-memory trace: %.1f MB retained when full (%,d entries kept of 200,000"
        + " written; %.0f bytes per entry)%n", (after - before) / (1024.0 * 1024.0), kept,
        (after - before) / (double) kept);
  }

  private static TraceEntry entry(String connector, TraceEntry.Direction direction, String issue,
      String messageId, TraceEntry.Outcome outcome, String detail) {
    return new TraceEntry(0, connector, direction, issue, new String(messageId), 2, "CHANGE",
        outcome, detail, 1_767_258_000_000L);
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
