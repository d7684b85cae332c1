package org.backbonesync.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.spi.store.AsyncTask;

/**
 * A resync of a 100,000-issue project in a 64 MB heap, printing its progress page by page (the
 * issues done and the heap in use) and, at the end, the most heap in use seen at a page's end,
 * the heap pools' peaks summed (an upper bound) and the time. The
 * project is made up as it is read (nothing of it is kept), and the store is H2 files in a
 * temporary folder, so what the heap holds is the engine's. Run:
 * {@code java -Xmx64m -cp benchmarks/target/benchmarks.jar org.backbonesync.core.ResyncAtScale
 * [issues]}.
 */
public final class ResyncAtScale {
  private ResyncAtScale() {}

  public static void main(String[] args) throws Exception {
    int issues = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path dir = Files.createTempDirectory("backbone-resync-");
    SyncConfiguration configuration = SyncConfiguration.builder("resync-at-scale")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("m-priority", "priority", Direction.BOTH))
        .build();
    long started = System.nanoTime();
    int[] pages = {0};
    long[] largest = {0};
    Executor onThisThread = Runnable::run;
    try (JdbcStores stores = JdbcStores.inDirectory(dir)) {
      SyncEngine engine = SyncEngine.builder()
          .configuration(configuration)
          .tracker("PA", StubTracker.ofSize("PA", issues))
          .tracker("PB", new StubTracker("PB", 0))
          .stores(stores)
          .clock(Clock.systemUTC())
          .taskExecutor(onThisThread)
          .pollPageSize(100)
          .listener(new SyncListener() {
            @Override
            public void resyncPage(String connectorKey, String taskId, long done, long total) {
              largest[0] = Math.max(largest[0], used());
              if (++pages[0] % 100 == 0 || done == total) {
                System.out.printf("resynced %,d of %,d issues; heap in use %d MB%n", done, total,
                    used() / (1024 * 1024));
              }
            }
          })
          .fieldMappingRegistry(FieldMappingRegistry.builtIns())
          .build();
      AsyncTask task = engine.resync("PA", ResyncRequest.all(), "admin");
      AsyncTask done = engine.task(task.id()).orElseThrow();
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      System.out.printf("%s: %d %% (%s), %s%n", done.message(), done.progress(),
          done.result(), done.failureMessage() == null ? "no failure" : done.failureMessage());
      System.out.printf("resync of %,d issues: %d pages, %d s; heap in use at a page's end at"
          + " most %d MB; heap pools' peaks summed %d MB (an upper bound); -Xmx %d MB%n", issues,
          pages[0], seconds, largest[0] / (1024 * 1024), peak() / (1024 * 1024),
          Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
  }

  private static long used() {
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }

  /** The peak use of the heap's pools since the start. */
  private static long peak() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
