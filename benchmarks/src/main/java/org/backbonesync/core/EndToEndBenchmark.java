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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end through the in-memory trackers, stores and transport: a person edits the summary of
 * one of 50 synced issues in PA, and the engine polls, delivers and applies until PB shows it.
 * Target: at least 20,000 issue changes per second. The in-memory tracker is consistent, so the
 * change detection overlap is 0 here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EndToEndBenchmark {
  private static final int ISSUES = 50;
  // What the harness keeps: a few changelog entries per issue and the events of the last 1,024
  // changes. Kept whole, they grow by about 2 KB per change, and the pauses of copying them at
  // each young collection show up as the engine's (they made iterations differ 3x).
  private static final int HISTORY = 8;

  private SyncTestDriver sync;
  private InMemoryIssueTracker alice;
  private long change;

  @Setup(Level.Iteration)
  public void setUp() {
    sync = SyncTestDriver.builder()
        .projectA(p -> p.recordCalls(false).changelogLimit(HISTORY))
        .projectB(p -> p.recordCalls(false).changelogLimit(HISTORY))
        .engine(e -> e.changeDetectionOverlap(Duration.ZERO))
        .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
        .build();
    alice = sync.a("alice");
    for (int i = 0; i < ISSUES; i++) {
      alice.create("issue " + i);
    }
    sync.runUntilQuiet();
  }

  /** One change in PA, synced to PB. */
  @Benchmark
  public long change() {
    change++;
    String key = "PA-" + (1 + change % ISSUES);
    sync.advance(Duration.ofMillis(1));
    alice.edit(key, "summary", "change " + change);
    sync.step();
    if ((change & 1023) == 0) {
      sync.events().clear();
    }
    return change;
  }
}
