package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A step the engine runs on its own when work arrives (apply on arrival) and that meets the
 * engine closed midway (SIGTERM) ends quietly: a service's graceful stop logged a warning with
 * a stack trace in 2 of 3 stops (found running the service as a process). A step failing while
 * the engine is open still warns.
 */
class EngineLifecycleCloseTest {
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
    });

    String log = logged(scheduler, prompt);

    assertTrue(ran[0]);
    assertEquals("", log);
  }

  @Test
  void aPromptedStepFailingWhileTheEngineIsOpenWarns() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    EngineLifecycle lifecycle = new EngineLifecycle("s", scheduler, Duration.ofMinutes(1));
    Runnable prompt = lifecycle.prompt("PB: apply on arrival", () -> {
      throw new IllegalStateException("a bug");
    });

    String log = logged(scheduler, prompt);

    assertTrue(log.contains("WARN") && log.contains("PB: apply on arrival failed; the periodic"
        + " run tries again") && log.contains("a bug"), log);
  }
}
