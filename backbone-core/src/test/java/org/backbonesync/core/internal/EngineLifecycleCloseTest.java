package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.backbonesync.spi.RetriableException;
import org.junit.jupiter.api.Test;

/**
 * A step the engine runs on its own when work arrives (apply on arrival) and that meets the
 * engine closed midway (SIGTERM) ends quietly: a service's graceful stop logged a warning with
 * a stack trace in 2 of 3 stops (found running the service as a process). A step failing while
 * the engine is open still warns.
 */
class EngineLifecycleCloseTest {
  private final List<RuntimeException> failed = new CopyOnWriteArrayList<>();

  /** What the engine's loggers print while a prompt runs its step (slf4j-simple: System.err). */
  private static String logged(ScheduledExecutorService scheduler, Runnable prompt)
      throws InterruptedException {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      prompt.run();
      scheduler.shutdown();
      assertTrue(scheduler.awaitTermination(1, TimeUnit.MINUTES));
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPromptedStepThatMeetsTheEngineClosedMidwayLogsNoWarning() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    EngineLifecycle lifecycle = new EngineLifecycle("s", scheduler, Duration.ofMinutes(1));
    boolean[] ran = {false};
    Runnable prompt = lifecycle.prompt("PB: apply on arrival", () -> {
      lifecycle.close(() -> { }); // SIGTERM while it applies
      ran[0] = true;
      lifecycle.checkOpen(); // its deliver after the apply meets the closed engine
    }, failed::add);

    String log = logged(scheduler, prompt);

    assertTrue(ran[0]);
    assertEquals("", log);
    assertEquals(List.of(), failed, "the close's end of it is no failure");
  }

  @Test
  void aPromptedStepFailingWhileTheEngineIsOpenWarns() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    EngineLifecycle lifecycle = new EngineLifecycle("s", scheduler, Duration.ofMinutes(1));
    Runnable prompt = lifecycle.prompt("PB: apply on arrival", () -> {
      throw new IllegalStateException("a bug");
    }, failed::add);

    String log = logged(scheduler, prompt);

    assertTrue(log.contains("WARN") && log.contains("s PB: apply on arrival failed; the periodic"
        + " run tries again: a bug") && log.contains("\tat "), log);
    assertEquals(List.of("a bug"), failed.stream().map(Throwable::getMessage).toList(),
        "told to the engine's listener, for a host's health");
  }

  /**
   * A prompted step's failure with a cause of its own (Jira's 503, the store gone) is one WARN
   * line with the synchronization and the text (the step's log context is closed when it is
   * logged), as the service logs a failed periodic step; before, the text was only in the
   * first of some 20 lines of stack, and the synchronization nowhere.
   */
  @Test
  void aPromptedStepsTypedFailureIsOneLineWithTheSynchronizationAndTheText() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    EngineLifecycle lifecycle = new EngineLifecycle("pa-pb", scheduler, Duration.ofMinutes(1));
    Runnable prompt = lifecycle.prompt("PA: detection of hinted issues", () -> {
      throw new RetriableException("GET /rest/api/3/search/jql answered 503", null);
    }, failed::add);

    String log = logged(scheduler, prompt);

    assertEquals(1, log.lines().count(), log);
    assertTrue(log.contains("WARN") && log.contains("pa-pb PA: detection of hinted issues"
        + " failed; the periodic run tries again: GET /rest/api/3/search/jql answered 503"), log);
    assertEquals(1, failed.size());
  }

  /**
   * A prompt that comes to run while the close writes the trace (state not {@code CLOSED} yet)
   * does not start its step, and does not wait for the close either: it read the state, whose
   * lock the close holds while it writes (up to 30 s with the store down), and then started its
   * step had the state not been {@code CLOSED} (on the close's own thread, at once). The
   * scheduler is held: its task runs when the test says.
   */
  @Test
  void aPromptComingToRunWhileTheEngineClosesDoesNotStartItsStep() throws Exception {
    Deque<Runnable> queued = new ConcurrentLinkedDeque<>();
    ScheduledExecutorService held = new ScheduledThreadPoolExecutor(1) {
      @Override
      public void execute(Runnable task) {
        queued.add(task);
      }
    };
    EngineLifecycle lifecycle = new EngineLifecycle("s", held, Duration.ofMinutes(1));
    List<String> started = new CopyOnWriteArrayList<>();
    Runnable prompt = lifecycle.prompt("PB: apply on arrival",
        () -> started.add("apply"), failed::add);
    prompt.run(); // messages arrived: the apply is queued
    CountDownLatch traceWritten = new CountDownLatch(1);
    Thread closer = new Thread(() -> lifecycle.close(() -> {
      try {
        traceWritten.await(); // the store is slow to take the trace
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    closer.start();
    try {
      while (!lifecycle.closing()) {
        Thread.onSpinWait();
      }
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> queued.remove().run(),
          "the scheduler's thread is not held for the trace");
      assertEquals(List.of(), started, "no step started on the closing engine");
    } finally {
      traceWritten.countDown();
      closer.join();
    }
    assertEquals(List.of(), started);
    assertEquals(List.of(), failed);
  }
}
