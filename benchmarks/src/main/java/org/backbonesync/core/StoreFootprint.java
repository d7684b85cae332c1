package org.backbonesync.core;

import org.backbonesync.testkit.InMemoryStores;

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
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
