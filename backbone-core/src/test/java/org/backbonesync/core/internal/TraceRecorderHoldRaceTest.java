package org.backbonesync.core.internal;

import static org.backbonesync.core.internal.KeptTrace.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A write that holds young steps back takes every gathered entry first and puts the held ones
 * back after: the engine's close, or a trace read, on another thread meanwhile must still find
 * them and write them, not see nothing gathered and go.
 */
class TraceRecorderHoldRaceTest {
  private final KeptTrace store = new KeptTrace();
  /** The thread whose next look at the clock waits (the one writing), null when none. */
  private volatile Thread paused;
  private final CountDownLatch atTheClock = new CountDownLatch(1);
  private final CountDownLatch goOn = new CountDownLatch(1);
  private final Clock clock = new MillisClock(() -> {
    if (Thread.currentThread() == paused) { // (the write's look, between taking and putting back)
      paused = null;
      atTheClock.countDown();
      try {
        goOn.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return 1_000_000;
  });

  private final TraceRecorder recorder = new TraceRecorder(store, clock, 20);

  @Test
  void theEnginesCloseDuringARunsWriteLosesNoHeldStep() throws Exception {
    recorder.received("PB", message("PA-1", 1));

    whileARunsWriteHoldsBack(recorder::close);

    assertEquals(List.of("PB RECEIVED PA-1 #1"), written(),
        "closed: no later step or run writes what the run's write put back");
  }

  @Test
  void aTraceReadDuringARunsWriteShowsTheStepJustReceived() throws Exception {
    recorder.received("PB", message("PA-1", 1));

    whileARunsWriteHoldsBack(recorder::flush);

    assertEquals(List.of("PB RECEIVED PA-1 #1"), written(), "a trace read writes every step first");
  }

  /**
   * Runs a periodic run's write on a thread of its own, and {@code meanwhile} on another once the
   * write took what was gathered; lets the write go on once {@code meanwhile} ended or waits.
   */
  private void whileARunsWriteHoldsBack(Runnable meanwhile) throws Exception {
    Thread run = new Thread(recorder::flushRun);
    paused = run;
    run.start();
    assertEquals(true, atTheClock.await(10, TimeUnit.SECONDS));
    Thread other = new Thread(meanwhile);
    other.start();
    while (other.getState() != Thread.State.TERMINATED
        && other.getState() != Thread.State.WAITING) {
      Thread.onSpinWait(); // (done, or waiting for the run's write)
    }
    goOn.countDown();
    run.join(10_000);
    other.join(10_000);
  }

  private List<String> written() {
    return store.written();
  }
}
