package org.backbonesync.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step run on the engine's scheduler as soon as there is work for it (messages arrived, a
 * change hint), beside the periodic run. At most one run of it is queued or running at a time,
 * so a slow step never holds more than one of the scheduler's threads: calls while it waits to
 * start add nothing (a burst is one run), and calls while it runs bring one more run after it.
 */
final class Prompt implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Prompt.class);
  private static final int IDLE = 0;
  private static final int QUEUED = 1;
  private static final int RUNNING = 2;
  private static final int RUNNING_AGAIN = 3;

  private final String name;
  private final Executor executor;
  private final Runnable step;
  private final AtomicInteger state = new AtomicInteger(IDLE);

  Prompt(String name, Executor executor, Runnable step) {
    this.name = name;
    this.executor = executor;
    this.step = step;
  }

  /** Asks for a run. */
  @Override
  public void run() {
    while (true) {
      int now = state.get();
      if (now == QUEUED || now == RUNNING_AGAIN) {
        return;
      }
      if (now == RUNNING && state.compareAndSet(RUNNING, RUNNING_AGAIN)) {
        return;
      }
      if (now == IDLE && state.compareAndSet(IDLE, QUEUED)) {
        submit();
        return;
      }
    }
  }

  private void submit() {
    try {
      executor.execute(this::runStep);
    } catch (RejectedExecutionException e) {
      state.set(IDLE); // the scheduler is shutting down; the next start polls anyway
      log.debug("{} not run: the scheduler refused it", name);
    }
  }

  private void runStep() {
    state.set(RUNNING);
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn("{} failed; the periodic run tries again", name, e);
    } finally {
      // asked again while it ran: queue the one more run, else rest
      if (!state.compareAndSet(RUNNING, IDLE)) {
        state.set(QUEUED);
        submit();
      }
    }
  }
}
