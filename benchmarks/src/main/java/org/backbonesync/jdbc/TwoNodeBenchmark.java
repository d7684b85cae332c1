package org.backbonesync.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.RecordingListener;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Engine nodes sharing one PostgreSQL database (needs {@code BACKBONE_PG_URL}): 200 issues of PA
 * change, and one node, or two nodes on their own threads, run until PB has applied every change.
 * With {@code synchronizations} above 1 the 200 changes are spread over that many synchronizations
 * (PA1 to PB1, PA2 to PB2, ...), each node running an engine of each in turn as a host's
 * scheduler would. Throughput in changes per second; the report prints two nodes' as a ratio to
 * one node's of the same run and synchronizations (target, issue 24: at least 1.8). On the
 * 2-core machine with PostgreSQL beside the nodes, neither gets near it (1.02x and 1.06x at
 * b60e706), and the database's WAL flushes decide: with {@code synchronous_commit} off two nodes
 * ran 1.37x and 1.40x one, and their CPU per change then bounds them at about 1.65x. A
 * connector's poll, which one node at a time runs (about half of a node's time, JFR), is not
 * what holds two nodes back: four synchronizations gain no more. Every iteration checks that no
 * message was applied twice.
 * Trackers are in memory, so the database and the engine are what is measured. The stores run on
 * a HikariCP pool per node that counts statements (a JDBC batch once) and commits in the warm-up
 * iterations (counting costs time and allocation, so the measured iterations do without); the
 * trial's end prints them per change, and PostgreSQL's CPU per change in the measured
 * iterations when the server runs on this machine ({@link PostgresCpu}), with this JVM's own CPU
 * beside it and the bound the two set on this machine (its cores over their sum per change: no
 * number of nodes on it can pass that). Eight warm-up
 * iterations: C2 compiles the path for about 12 s on two cores (its thread took 8.5 s of CPU in
 * the first 12 s), beside PostgreSQL; with two, the measured iterations ran about 15 % slower
 * (1,174 against 1,364 changes/s at e37ff92).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TwoNodeBenchmark {
  static final int CHANGES = 200;

  @Param({"1", "2"})
  public int nodes;

  @Param({"1", "4"})
  public int synchronizations;

  /**
   * Per node, the threads of the scheduler its engines are built with (0: none). With 0 the
   * node's one thread runs every step ({@code runOnce}); with a scheduler, each engine also
   * applies on it what arrives at once, beside that thread's next steps (the service's scheduler
   * has a thread per synchronization, at most 4, and one more).
   */
  @Param({"0", "2"})
  public int schedulerThreads;

  private final ManualClock clock = ManualClock.startingAt2026();
  private final List<InMemoryIssueTracker> pas = new ArrayList<>();
  private final List<String> pbKeys = new ArrayList<>();
  private RecordingListener events;
  /** Per node, an engine of each synchronization. */
  private List<List<SyncEngine>> engines;
  private final List<CountingDataSource> pools = new ArrayList<>();
  private ExecutorService threads;
  /** Per node, its scheduler, or null. */
  private final List<ScheduledExecutorService> schedulers = new ArrayList<>();
  private PostgresSchema schema;
  private long round;
  private long countedChanges;
  private long statements;
  private long commits;
  private boolean counted;
  private Map<String, Long> pgCpuAtStart;
  private long pgCpuMicros;
  private long ownCpuAtStart;
  private long ownCpuMicros;
  private long measuredChanges;

  @Setup(Level.Trial)
  public void open() throws Exception {
    schema = new PostgresSchema("nodes" + nodes + "s" + synchronizations, "TwoNodeBenchmark");
    events = new RecordingListener();
    engines = new ArrayList<>();
    List<CountingDataSource> nodePools = new ArrayList<>();
    for (int n = 1; n <= nodes; n++) {
      CountingDataSource pool = new CountingDataSource(schema.url, 4);
      pools.add(pool);
      nodePools.add(pool);
      engines.add(new ArrayList<>());
      schedulers.add(schedulerThreads == 0 ? null
          : Executors.newScheduledThreadPool(schedulerThreads));
    }
    for (int s = 1; s <= synchronizations; s++) {
      String suffix = synchronizations == 1 ? "" : String.valueOf(s);
      String a = "PA" + suffix;
      String b = "PB" + suffix;
      InMemoryIssueTracker pa = InMemoryIssueTracker.builder(a).clock(clock).syncUser("sync-a")
          .recordCalls(false).changelogLimit(8).build();
      InMemoryIssueTracker pb = InMemoryIssueTracker.builder(b).clock(clock).syncUser("sync-b")
          .recordCalls(false).changelogLimit(8).build();
      pas.add(pa);
      pbKeys.add(b);
      for (int n = 1; n <= nodes; n++) {
        engines.get(n - 1).add(engine("nodes" + suffix, a, b, pa, pb,
            nodePools.get(n - 1), "node-" + n, schedulers.get(n - 1)));
      }
      for (int i = 0; i < perSynchronization(); i++) {
        pa.as("alice").create("issue " + i);
      }
    }
    threads = Executors.newFixedThreadPool(nodes);
    runUntilApplied(CHANGES);
  }

  private int perSynchronization() {
    return CHANGES / synchronizations;
  }

  private SyncEngine engine(String id, String a, String b, InMemoryIssueTracker pa,
      InMemoryIssueTracker pb, CountingDataSource pool, String node,
      ScheduledExecutorService scheduler) {
    SyncEngine.Builder builder = SyncEngine.builder();
    if (scheduler != null) {
      builder.scheduler(scheduler);
    }
    return builder
        .configuration(SyncConfiguration.builder(id)
            .connectorA(ConnectorConfig.of(a, a, "sync-a"))
            .connectorB(ConnectorConfig.of(b, b, "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
            .build())
        .tracker(a, pa).tracker(b, pb)
        .stores(JdbcStores.open(pool.dataSource))
        .clock(clock).listener(events)
        .changeDetectionOverlap(Duration.ZERO)
        .node(node, Duration.ofMinutes(5))
        .build();
  }

  /** Counts statements in the warm-up iterations only: see {@link CountingDataSource}. */
  @Setup(Level.Iteration)
  public void countInWarmUp(IterationParams iteration) {
    counted = iteration.getType() == IterationType.WARMUP;
    pools.forEach(pool -> pool.counting(counted));
    pgCpuAtStart = counted ? null : PostgresCpu.snapshot();
    ownCpuAtStart = ownCpuNanos();
  }

  /** PostgreSQL's CPU over the measured iterations, when it runs on this machine. */
  @TearDown(Level.Iteration)
  public void addPostgresCpu() {
    if (pgCpuAtStart != null) {
      long used = PostgresCpu.microsBetween(pgCpuAtStart, PostgresCpu.snapshot());
      pgCpuMicros += Math.max(0, used);
      ownCpuMicros += (ownCpuNanos() - ownCpuAtStart) / 1_000;
    }
  }

  /** This JVM's CPU time: the engine nodes, the in-memory trackers' edits and JMH's own. */
  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The people's edits before each run, not timed. */
  @Setup(Level.Invocation)
  public void edits() {
    round++;
    clock.advance(Duration.ofSeconds(1));
    events.clear();
    for (InMemoryIssueTracker pa : pas) {
      for (int i = 1; i <= perSynchronization(); i++) {
        pa.as("alice").edit(pa.projectKey() + "-" + i, "summary", "round " + round);
      }
    }
  }

  private void runUntilApplied(int count) throws Exception {
    List<Future<?>> runs = new ArrayList<>();
    for (List<SyncEngine> node : engines) {
      runs.add(threads.submit(() -> {
        while (applied() < count) {
          node.forEach(SyncEngine::runOnce);
          // time passes as on a real host, so that a message a race deferred (a retry after a
          // backoff) comes due
          clock.advance(Duration.ofMillis(20));
        }
        return null;
      }));
    }
    try {
      for (Future<?> run : runs) {
        run.get(2, TimeUnit.MINUTES);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      runs.forEach(r -> r.cancel(true));
      java.util.Map<RecordingListener.Type, Long> byType = new java.util.TreeMap<>();
      events.events().forEach(ev -> byType.merge(ev.type(), 1L, Long::sum));
      List<String> failed = new ArrayList<>();
      for (int s = 0; s < synchronizations; s++) {
        for (String key : List.of(pas.get(s).projectKey(), pbKeys.get(s))) {
          engines.get(0).get(s).failedMessages(key).forEach(f -> failed.add(
              f.message().messageId() + ": " + f.error()));
        }
      }
      throw new IllegalStateException("round " + round + " stuck: " + byType + ", failed "
          + failed + ", details " + events.events().stream()
          .filter(ev -> ev.type() != RecordingListener.Type.POLLED
              && ev.type() != RecordingListener.Type.APPLIED
              && ev.type() != RecordingListener.Type.SENT
              && ev.type() != RecordingListener.Type.QUEUED
              && ev.type() != RecordingListener.Type.RECEIVED).limit(5).toList(), e);
    }
  }

  private long applied() {
    long applied = 0;
    for (String b : pbKeys) {
      applied += events.count(RecordingListener.Type.APPLIED, b);
    }
    return applied;
  }

  @Benchmark
  @OperationsPerInvocation(CHANGES)
  public long changesApplied() throws Exception {
    pools.forEach(CountingDataSource::reset);
    runUntilApplied(CHANGES);
    if (!counted) {
      measuredChanges += CHANGES;
    } else {
      countedChanges += CHANGES;
      for (CountingDataSource pool : pools) {
        statements += pool.statements();
        commits += pool.commits();
      }
    }
    Set<String> applied = new HashSet<>();
    for (RecordingListener.Event e : events.events(RecordingListener.Type.APPLIED)) {
      if (!applied.add(e.connectorKey() + " " + e.message().messageId())) {
        throw new IllegalStateException("applied twice: " + e.message().messageId());
      }
    }
    return applied.size();
  }

  private String name() {
    return "nodes=" + nodes + " synchronizations=" + synchronizations
        + (schedulerThreads == 0 ? "" : " schedulerThreads=" + schedulerThreads);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    if (countedChanges == 0) {
      System.out.printf("%n%s: statements not counted (no warm-up iteration)%n", name());
    } else {
      System.out.printf("%n%s: %.2f statements and %.2f commits per change (%d changes,"
          + " the warm-up iterations)%n", name(), statements / (double) countedChanges,
          commits / (double) countedChanges, countedChanges);
    }
    if (pgCpuMicros > 0 && measuredChanges > 0) {
      System.out.printf("%s: PostgreSQL's CPU %.1f microseconds per change (the measured"
          + " iterations, %d changes)%n", name(), pgCpuMicros / (double) measuredChanges,
          measuredChanges);
      double both = (pgCpuMicros + ownCpuMicros) / (double) measuredChanges;
      int cores = Runtime.getRuntime().availableProcessors();
      System.out.printf("%s: this JVM's CPU %.1f microseconds per change; with"
          + " PostgreSQL's, %.1f: this machine's %d cores allow at most %,.0f changes/s%n", name(),
          ownCpuMicros / (double) measuredChanges, both, cores, cores * 1e6 / both);
    }
    threads.shutdownNow();
    engines.forEach(node -> node.forEach(SyncEngine::close));
    for (ScheduledExecutorService scheduler : schedulers) {
      if (scheduler != null) {
        scheduler.shutdown();
        scheduler.awaitTermination(1, TimeUnit.MINUTES);
      }
    }
    pools.forEach(CountingDataSource::close);
    schema.close();
  }
}
