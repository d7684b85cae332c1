package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Steps of one connector run at once (two threads of one node, or two nodes of one database). A
 * poll, a resync and an apply never work on the same pair at once (see also {@code
 * ResyncDuringApplyTest}).
 */
class ConcurrentStepsTest {
  private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    otherThread.shutdownNow();
  }

  /** Holds the step running in {@link #otherThread} in an export until the test lets it go on. */
  static final class Pause {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch goOn = new CountDownLatch(1);
    volatile Thread pauseIn;

    void here() {
      if (Thread.currentThread() == pauseIn) {
        reached.countDown();
        try {
          assertTrue(goOn.await(30, TimeUnit.SECONDS), "the test never let the step go on");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private final ManualExecutor tasks = new ManualExecutor();
  private final Pause pausing = new Pause();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .provider(HookedMapping.beforeExport("test.pausing", issue -> pausing.here()))
      .engine(e -> e.taskExecutor(tasks))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("map-desc", "test.pausing", Direction.A_TO_B,
          "description", "description", null))
      .build();

  /** PA-1 synced; then B's change waits in A's inbox and A's own change waits for A's poll. */
  private SyncInfo bothSidesChanged() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    SyncInfo before = sync.stores().syncInfo().findByLocalKey("PA", "PA-1").orElseThrow();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PB");
    sync.deliver("PB");
    sync.a("alice").edit("PA-1", "description", "from A");
    return before;
  }

  /** Runs {@code step} in the other thread until it pauses in the description's export. */
  private Future<?> pausedIn(Runnable step) throws InterruptedException {
    Future<?> run = otherThread.submit(() -> {
      pausing.pauseIn = Thread.currentThread();
      step.run();
    });
    assertTrue(pausing.reached.await(30, TimeUnit.SECONDS), "never reached the export");
    return run;
  }

  private void bothWaysAfterwards() {
    sync.runUntilQuiet();
    sync.b("bob").edit("PB-1", "summary", "again from B");
    sync.runUntilQuiet();
    assertEquals("again from B", sync.a().value("PA-1", "summary").asText());
    assertEquals("from A", sync.b().value("PB-1", "description").asText());
  }

  @Test
  void anApplyLeavesAPairAloneWhileAPollExaminesItsIssue() throws Exception {
    SyncInfo before = bothSidesChanged();

    Future<?> poll = pausedIn(() -> sync.poll("PA"));
    List<ApplyOutcome> meanwhile = sync.apply("PA");
    pausing.goOn.countDown();
    poll.get(30, TimeUnit.SECONDS);

    assertEquals(List.of(), meanwhile, "the pair was the poll's");
    assertEquals("Printer on fire", sync.a().value("PA-1", "summary").asText());
    assertEquals(1, sync.apply("PA").size(), "applied once the poll let the pair go");
    SyncInfo after = sync.stores().syncInfo().findByLocalKey("PA", "PA-1").orElseThrow();
    assertEquals(before.incomingMessageSequenceId() + 1, after.incomingMessageSequenceId());
    assertEquals(before.outgoingMessageSequenceId() + 1, after.outgoingMessageSequenceId());
    bothWaysAfterwards();
  }

  @Test
  void aPairAnotherNodeIsApplyingIsExaminedByTheNextPoll() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "from A");
    long now = sync.clock().millis();
    // node-2 applies a message of the pair PA-1/PB-1 in connector PA right now
    assertTrue(sync.stores().leases().tryLease("inbox:PA", "PB-1", "node-2", now, now + 60_000));

    assertEquals(0, sync.poll("PA").messagesQueued(), "left to the next poll");
    sync.stores().leases().release("inbox:PA", "PB-1", "node-2");
    sync.advance(Duration.ofSeconds(10));

    assertEquals(1, sync.poll("PA").messagesQueued(), "examined again once the pair is free");
    sync.runUntilQuiet();
    assertEquals("from A", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void anApplyLeavesAPairAloneWhileAResyncSendsIt() throws Exception {
    SyncInfo before = bothSidesChanged();
    sync.poll("PA"); // A's own change is on its way; the resync sends the description again
    sync.engine().resync("PA", ResyncRequest.all(), "admin");

    Future<?> resync = pausedIn(tasks::runAll);
    List<ApplyOutcome> meanwhile = sync.apply("PA"); // while the resync holds the pair
    pausing.goOn.countDown();
    resync.get(30, TimeUnit.SECONDS);

    assertEquals(List.of(), meanwhile, "the pair was the resync's");
    assertEquals(1, sync.apply("PA").size(), "applied once the resync let the pair go");
    SyncInfo after = sync.stores().syncInfo().findByLocalKey("PA", "PA-1").orElseThrow();
    assertEquals(before.incomingMessageSequenceId() + 1, after.incomingMessageSequenceId(),
        "the applied message is counted");
    assertEquals(before.outgoingMessageSequenceId() + 2, after.outgoingMessageSequenceId(),
        "the poll's and the resync's messages are counted");
    assertEquals("from B", sync.a().value("PA-1", "summary").asText());
    bothWaysAfterwards();
  }
}
