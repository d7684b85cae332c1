package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * helper-151's review: the deadlines' timer thread lived as long as the JVM, so a host that
 * redeploys the library (a Jira app reloaded) kept a thread, and through it the old class
 * loader, per deployment.
 */
class AnswerDeadlineTest {
  @Test
  void theTimersThreadEndsWhenNoDeadlineIsLeft() throws Exception {
    try (AnswerDeadline deadline = new AnswerDeadline(new ByteArrayInputStream(new byte[0]),
        System.nanoTime() + 60_000_000_000L)) {
      assertFalse(deadline.passed());
    }
    Thread timer = timerThread().orElseThrow(() -> new AssertionError("no timer thread ran"));
    assertTrue(timer.isDaemon());

    timer.join(AnswerDeadline.IDLE.toMillis() + 10_000);

    assertFalse(timer.isAlive(), "the timer's thread is still there after its idle time");
  }

  private static Optional<Thread> timerThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("backbone-transport-deadlines")).findFirst();
  }
}
