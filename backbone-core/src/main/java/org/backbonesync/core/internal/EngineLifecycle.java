package org.backbonesync.core.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.backbonesync.core.EngineState;
import org.backbonesync.spi.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's lifecycle ({@link EngineState}, guarded transitions) and its runs on the host's
 * scheduler: the periodic run after {@code start()} and the steps run at once when there is work
 * ({@link Prompt}). Thread-safe: state changes hold this object's lock.
 */
final class EngineLifecycle {
  // The engine's name: hosts watch for its "sync run failed" lines.
  private static final Logger log = LoggerFactory.getLogger(DefaultSyncEngine.class);

  private final String synchronizationId;
  private final ScheduledExecutorService scheduler;
  private final Duration pollInterval;
  private EngineState state = EngineState.NEW;
  private ScheduledFuture<?> periodic;
  /** Set first by {@link #close}, read by running steps without the lock. */
  private volatile boolean closing;

  /** @param scheduler the builder's scheduler, or null when the host drives every step */
  EngineLifecycle(String synchronizationId, ScheduledExecutorService scheduler,
      Duration pollInterval) {
    this.synchronizationId = synchronizationId;
    this.scheduler = scheduler;
    this.pollInterval = pollInterval;
  }

  /**
   * Whether {@link #close} was called: a step running meanwhile on another thread ends at the
   * next pair it would apply or page it would read.
   */
  boolean closing() {
    return closing;
  }

  synchronized EngineState state() {
    return state;
  }

  /** Throws unless the engine is open (new or running). */
  synchronized void checkOpen() {
    if (state == EngineState.CLOSED) {
      throw new IllegalStateException("engine for " + synchronizationId + " is closed");
    }
  }

  /**
   * A step the engine runs on its scheduler as soon as there is work for it, beside the other
   * steps (each connector's poll and detection, delivery and apply run one at a time, and pairs
   * are claimed as between nodes); nothing without a scheduler (the host drives every step).
   * One that comes to run once {@link #close} was called does not start: it reads {@link
   * #closing}, not the state, which only turns {@code CLOSED} once the close wrote the trace
   * (a prompt that ran meanwhile waited for the close's lock, up to the store's 30 s).
   *
   * @param failed told of the step's failure (not of its end by the close)
   */
  Runnable prompt(String name, Runnable step, Consumer<RuntimeException> failed) {
    if (scheduler == null) {
      return () -> { };
    }
    return new Prompt(name, scheduler, () -> {
      if (closing) {
        log.debug("{} not started: the engine is closing", name);
        return;
      }
      try {
        step.run();
      } catch (RuntimeException e) {
        if (endedByClose(e)) {
          log.debug("{} ended by close()", name, e);
          return;
        }
        failed.accept(e);
        warn(name, e);
      }
    });
  }

  /**
   * One line, as a host's step failure: the synchronization (the step's log context is closed
   * by now), the step and why; the stack only for an unexpected failure (a typed one, Jira's
   * 503 or the store gone, has its cause in its text; its stack is DEBUG).
   */
  private void warn(String name, RuntimeException e) {
    boolean typed = e instanceof SyncException || StoreDown.is(e);
    log.warn("{} {} failed; the periodic run tries again: {}", synchronizationId, name,
        e.getMessage() == null ? e.toString() : e.getMessage(), typed ? null : e);
    if (typed) {
      log.debug("{} {} failed", synchronizationId, name, e);
    }
  }

  /**
   * Runs {@code run} every poll interval on the scheduler, then {@code resume} (still holding the
   * lock, as the engine's {@code start()} always did).
   */
  synchronized void start(Runnable run, Runnable resume) {
    if (state != EngineState.NEW || closing) {
      // (closing but not CLOSED yet: close() was called and waits for this lock)
      throw new IllegalStateException("start() needs state NEW, engine is "
          + (closing && state != EngineState.CLOSED ? "closing" : state));
    }
    if (scheduler == null) {
      throw new IllegalStateException("start() needs a scheduler; give one to the builder");
    }
    long period = pollInterval.toMillis();
    periodic = scheduler.scheduleWithFixedDelay(() -> runSafely(run), 0, period,
        TimeUnit.MILLISECONDS);
    state = EngineState.RUNNING;
    resume.run();
  }

  private void runSafely(Runnable run) {
    try {
      run.run();
    } catch (RuntimeException e) {
      if (endedByClose(e)) {
        log.debug("sync run of {} ended by close()", synchronizationId, e);
        return;
      }
      log.warn("sync run of {} failed; next run in {}", synchronizationId, pollInterval, e);
    }
  }

  /**
   * Whether a step's failure is the engine's own refusal to go on while it closes (a step that
   * met the engine closed midway): the end of the step or run, not a failure.
   */
  boolean endedByClose(RuntimeException e) {
    return closing && e instanceof IllegalStateException;
  }

  /**
   * Tells running steps to end (see {@link #closing}), stops the periodic run, then {@code
   * flush}; idempotent. Does not wait for a running step.
   */
  void close(Runnable flush) {
    closing = true; // (before the lock: a step holding none sees it at its next pair or page)
    closeHoldingLock(flush);
  }

  private synchronized void closeHoldingLock(Runnable flush) {
    if (periodic != null) {
      periodic.cancel(false);
    }
    flush.run();
    state = EngineState.CLOSED;
  }
}
