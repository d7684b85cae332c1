package org.backbonesync.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step run on the engine's scheduler as soon as there is work for it (messages arrived, a
 * change hint), beside the periodic run. Calls that come while the step waits to start add
 * nothing: a burst is one run, and a call once it has started brings one more run after it.
 */
final class Prompt implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Prompt.class);

  private final String name;
  private final Executor executor;
  private final Runnable step;
  private final AtomicBoolean waiting = new AtomicBoolean();

  Prompt(String name, Executor executor, Runnable step) {
    this.name = name;
    this.executor = executor;
    this.step = step;
  }

  @Override
  public void run() {
    if (!waiting.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::runStep);
    } catch (RejectedExecutionException e) {
      waiting.set(false); // the scheduler is shutting down; the next start polls anyway
      log.debug("{} not run: the scheduler refused it", name);
    }
  }

  private void runStep() {
    waiting.set(false);
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn("{} failed; the periodic run tries again", name, e);
    }
  }
}
