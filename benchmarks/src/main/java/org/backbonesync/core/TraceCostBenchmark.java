package org.backbonesync.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the operator's per-issue trace costs per message: one message through one engine (poll,
 * deliver, apply, as {@link EngineBenchmark}), with the trace kept ({@code traceLength=20}, the
 * default) and not ({@code traceLength=0}), on the in-memory stores and on H2 files (every commit
 * written). The engine writes a step's trace entries in one extra store call after the step (a
 * message makes four: queued, sent, received, applied, in three steps). Report {@code
 * traceLength=20} over {@code traceLength=0} of the same stores: the share of throughput the trace
 * costs. One thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// (12 x 2 s: on 2 cores the engine's path takes about 20 s to compile; 3 x 2 s measured the
// climb from about 10,000 to 150,000 ops/s, with allocations not yet eliminated)
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TraceCostBenchmark {

  @Param({"memory", "h2"})
  public String stores;

  @Param({"0", "20"})
  public int traceLength;

  private Path dir;
  private JdbcStores jdbc;
  private SyncEngine engine;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Stores chosen;
    if (stores.equals("h2")) {
      dir = Files.createTempDirectory("backbone-trace");
      jdbc = JdbcStores.inDirectory(dir);
      chosen = jdbc;
    } else {
      chosen = new InMemoryStores();
    }
    engine = EngineBenchmark.paired(chosen, traceLength);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    engine.close();
    if (jdbc != null) {
      jdbc.close();
      ScratchDirectory.delete(dir);
    }
  }


  /** One message through the engine, with or without its trace. */
  @Benchmark
  public int message() {
    return EngineBenchmark.message(engine);
  }
}
