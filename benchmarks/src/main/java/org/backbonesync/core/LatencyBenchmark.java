package org.backbonesync.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
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
 * Latency from detection to applied at half load, through the in-memory trackers, stores and
 * transport. Each sampled invocation is one engine run over one poll's changes: it detects them,
 * sends them and applies them in PB, so its duration bounds the detection-to-applied latency of
 * every change in it. The people's edits are made outside the timing. JMH reports the
 * percentiles; target: p99 under 50 ms.
 *
 * <p>The load is the number of issues changed between two polls: 1,000 is half of the 20,000
 * changes/s target with a poll every 100 ms; 2,000 is half of the measured end-to-end maximum
 * (170,000 to 210,000 changes/s, {@link EndToEndBenchmark}) with a poll every 20 ms. (At any load that
 * is half of the maximum, one run takes about half a poll interval, so the interval decides.)
 *
 * <p>Twelve warm-up iterations, as for {@link EngineBenchmark}: with three, C2 was still compiling
 * the engine's path in the first measured iteration, whose median was 31 ms at 1,000 per poll
 * against 4.3 ms in the last (p99 110 ms against 12 ms), so the reported p99 (62.8 and 151.5 ms
 * in the full run at 5d474c3) measured the start, not the running engine. With twelve, at
 * 8f79d12, the measured iterations' medians were 4.4 to 5.0 ms, and the p99 16.6 and 33.7 ms.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LatencyBenchmark {
  @Param({"1000", "2000"})
  public int changesPerPoll;

  private SyncTestDriver sync;
  private InMemoryIssueTracker alice;
  private long round;

  /**
   * A fresh pair per iteration, whose trackers keep a few changelog entries per issue: kept whole,
   * the history of 1,000 edits per round fills the heap, and copying it is what the young
   * collections' pauses were made of (90 ms; the engine itself retains next to nothing).
   */
  @Setup(Level.Iteration)
  public void setUp() {
    sync = SyncTestDriver.builder()
        .projectA(p -> p.recordCalls(false).changelogLimit(8))
        .projectB(p -> p.recordCalls(false).changelogLimit(8))
        .engine(e -> e.changeDetectionOverlap(Duration.ZERO).pollPageSize(1000)
            .deliveryBatchSize(changesPerPoll).applyBatchSize(changesPerPoll))
        .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
        .build();
    alice = sync.a("alice");
    for (int i = 0; i < changesPerPoll; i++) {
      alice.create("issue " + i);
    }
    sync.runUntilQuiet();
    round = 0;
  }

  /** The people's edits between two polls, not timed. */
  @Setup(Level.Invocation)
  public void edits() {
    round++;
    sync.events().clear(); // the test driver's event log would grow without end
    sync.advance(Duration.ofMillis(100));
    for (int i = 1; i <= changesPerPoll; i++) {
      alice.edit("PA-" + i, "summary", "round " + round);
    }
  }

  /** One run of the engine: poll, deliver, apply. */
  @Benchmark
  public long pollDeliverApply() {
    sync.step();
    return round;
  }

  @TearDown(Level.Iteration)
  public void check() {
    String last = sync.b().value("PB-" + changesPerPoll, "summary").asText();
    if (!last.equals("round " + round)) {
      throw new IllegalStateException("not applied within the run: " + last + " at round "
          + round);
    }
  }
}
