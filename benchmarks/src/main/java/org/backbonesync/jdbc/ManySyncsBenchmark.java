package org.backbonesync.jdbc;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.TrackerCall;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many synchronizations on one node: {@code syncs} engines (two in-memory trackers each, one
 * issue made on each side and synced) sharing one node's thread and one store (H2 in memory, or
 * PostgreSQL with {@code -p store=postgres} and {@code BACKBONE_PG_URL}), driven round by round
 * as a host's scheduler would (each round runs every engine once).
 *
 * <ul>
 *   <li>{@code idleRound}: one round when nobody edits anything, its time, and as counters per
 *       round: change searches per connector (target 1), store writes per synchronization
 *       (target 0, counted by {@link CountingStores}), and the heap each synchronization keeps
 *       (a GC'd heap delta over building and first syncing them all, divided by their number;
 *       the trackers are built before, so they are not in it; target at most 200 KB).
 *   <li>{@code busyChanges}: 10 of them busy (10 issues each edited in every invocation), the
 *       others idle; rounds until every change is applied, in changes per second.
 * </ul>
 *
 * <p>No engine change was needed to host them: {@link SyncEngine.Builder#stores} takes one
 * store for all (rows are keyed by connector key, unique per synchronization), and {@code
 * scheduler} takes a scheduler the caller owns and shares (here the benchmark thread drives
 * {@link SyncEngine#runOnce()} itself).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ManySyncsBenchmark {
  static final int BUSY = 10;
  static final int BUSY_ISSUES = 10;
  static final int CHANGES = BUSY * BUSY_ISSUES;

  @Param({"1000"})
  public int syncs;

  @Param({"h2"})
  public String store;

  final ManualClock clock = ManualClock.startingAt2026();
  final LongAdder searches = new LongAdder();
  final AtomicLong applied = new AtomicLong();
  final List<SyncEngine> engines = new ArrayList<>();
  final List<InMemoryIssueTracker> busy = new ArrayList<>();
  CountingStores stores;
  private JdbcStores jdbc;
  private PostgresSchema schema;
  double heapKbPerSync;
  long round;
  /** Rounds run by {@link #runUntilApplied}, printed at the end. */
  long busyRounds;

  @Setup(Level.Trial)
  public void open() throws Exception {
    String url;
    if (store.equals("h2")) {
      url = "jdbc:h2:mem:many-syncs-" + ProcessHandle.current().pid() + ";DB_CLOSE_DELAY=-1";
    } else {
      schema = new PostgresSchema("many", "store=postgres");
      url = schema.url;
    }
    jdbc = JdbcStores.atUrl(url, null, null);
    stores = new CountingStores(jdbc);
    List<IssueTracker[]> trackers = new ArrayList<>();
    for (int i = 0; i < syncs; i++) {
      trackers.add(new IssueTracker[] {tracker("A" + i, "sync-a", i < BUSY ? BUSY_ISSUES : 1),
          tracker("B" + i, "sync-b", 1)});
    }
    SyncListener counting = new SyncListener() {
      @Override
      public void applied(String connectorKey, SyncMessage message, String localIssueKey,
          boolean created) {
        applied.incrementAndGet();
      }
    };
    long before = heapAfterGc();
    for (int i = 0; i < syncs; i++) {
      String a = "A" + i;
      String b = "B" + i;
      engines.add(SyncEngine.builder()
          .configuration(SyncConfiguration.builder("sync-" + i)
              .connectorA(ConnectorConfig.of(a, a, "sync-a"))
              .connectorB(ConnectorConfig.of(b, b, "sync-b"))
              .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
              .fieldMapping(FieldMapping.passthrough("m-priority", "priority", Direction.BOTH))
              .build())
          .tracker(a, trackers.get(i)[0]).tracker(b, trackers.get(i)[1])
          .stores(stores).clock(clock).listener(counting)
          .build());
    }
    long created = 2L * syncs + BUSY * (BUSY_ISSUES - 1);
    runUntilApplied(created);
    for (int i = 0; i < 2; i++) { // the polls see the sync's own writes, then find nothing new
      clock.advance(Duration.ofSeconds(1));
      engines.forEach(SyncEngine::runOnce);
    }
    heapKbPerSync = (heapAfterGc() - before) / 1024.0 / syncs;
    System.out.printf("%n%,d synchronizations on one node (%s): %.1f KB of heap each (target"
        + " at most 200 KB)%n", syncs, store, heapKbPerSync);
  }

  private InMemoryIssueTracker tracker(String project, String syncUser, int issues) {
    InMemoryIssueTracker t = InMemoryIssueTracker.builder(project).clock(clock)
        .syncUser(syncUser).recordCalls(false).changelogLimit(8).build();
    t.intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince")) {
          searches.increment();
        }
      }
    });
    for (int n = 0; n < issues; n++) {
      t.as("alice").create("Issue " + n + " of " + project);
    }
    if (issues > 1) {
      busy.add(t);
    }
    return t;
  }

  /** Rounds of every engine until {@code count} messages have been applied in all. */
  void runUntilApplied(long count) {
    for (int rounds = 0; applied.get() < count; rounds++, busyRounds++) {
      if (rounds == 50) {
        throw new IllegalStateException(applied.get() + " of " + count + " applied in 50 rounds");
      }
      clock.advance(Duration.ofMillis(100));
      engines.forEach(SyncEngine::runOnce);
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** What one idle round cost, reported by JMH as counters next to its time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class IdleWork {
    /** Change searches per connector in the round (target 1). */
    public double searchesPerConnector;
    /** Store writes per synchronization in the round (target 0). */
    public double writesPerSync;
    /** Store calls per synchronization in the round, reads included. */
    public double storeCallsPerSync;
    /** Heap kept per synchronization, KB (target at most 200). */
    public double heapKbPerSync;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  public void idleRound(IdleWork work) {
    clock.advance(Duration.ofSeconds(1));
    stores.reset();
    searches.reset();
    engines.forEach(SyncEngine::runOnce);
    work.searchesPerConnector = searches.sum() / (2.0 * syncs);
    work.writesPerSync = stores.writes() / (double) syncs;
    work.storeCallsPerSync = stores.total() / (double) syncs;
    work.heapKbPerSync = heapKbPerSync;
    if (stores.writes() > 0) {
      System.out.println("idle round wrote: " + stores.calls());
    }
  }

  /** The edits of one invocation of {@code busyChanges}, not timed. */
  @State(Scope.Thread)
  public static class Edits {
    long target;

    @Setup(Level.Invocation)
    public void edit(ManySyncsBenchmark bench) {
      bench.round++;
      bench.clock.advance(Duration.ofSeconds(1));
      for (InMemoryIssueTracker t : bench.busy) {
        for (int n = 1; n <= BUSY_ISSUES; n++) {
          t.as("alice").edit(t.projectKey() + "-" + n, "summary", "round " + bench.round);
        }
      }
      target = bench.applied.get() + CHANGES;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(CHANGES)
  public long busyChanges(Edits edits) {
    runUntilApplied(edits.target);
    return applied.get();
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    System.out.printf("%nbusy: %d rounds for %d invocations after the first sync%n", busyRounds,
        round);
    engines.forEach(SyncEngine::close);
    jdbc.close();
    if (schema != null) {
      schema.close();
    }
  }
}
