package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes an answer's body at a deadline: its request's (an acknowledgement), or the end of the
 * timeout from a read (an attachment's content, which may be large). The HTTP client's request
 * timeout ends once the headers are in; a partner (or a proxy at its URL) that sent them and then
 * stalled its body held the reading thread for good. Closing the body ends a read blocked on it
 * with an {@link IOException}, which the reader then reports as the timeout ({@link #passed}).
 */
final class AnswerDeadline implements AutoCloseable {
  /** How long the timer's thread waits for a new deadline before it ends. */
  static final Duration IDLE = Duration.ofSeconds(1);

  /**
   * One daemon thread for every transport's deadlines, gone after {@link #IDLE} without one (a
   * host that redeploys the library keeps no thread of an old class loader); a deadline met is
   * removed at once.
   */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final AtomicBoolean passed = new AtomicBoolean();
  private final ScheduledFuture<?> closing;

  /**
   * @param body the answer's body, closed at the deadline unless this is closed first
   * @param deadline the request's deadline ({@link System#nanoTime})
   */
  AnswerDeadline(InputStream body, long deadline) {
    closing = TIMER.schedule(() -> {
      passed.set(true);
      try {
        body.close();
      } catch (IOException ignored) { // (closing the client's stream cancels the exchange)
        // nothing left to end
      }
    }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Whether the deadline came before the body was read: a failed read is the timeout's. */
  boolean passed() {
    return passed.get();
  }

  /** The body was read (or given up): the deadline no longer matters. */
  @Override
  public void close() {
    closing.cancel(false);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, "backbone-transport-deadlines");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(IDLE.toMillis(), TimeUnit.MILLISECONDS);
    timer.allowCoreThreadTimeOut(true);
    return timer;
  }
}
