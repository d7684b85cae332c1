package org.backbonesync.service;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines' scheduler as the service gives it to them: a step they prompt (an apply when
 * messages arrive, a webhook's hinted read, a delivery) does not start once the service stops,
 * as a periodic one does not. The stop closes the engines on threads of their own (a close
 * writes the trace, which waits for the store), so a prompt queued meanwhile, or during the
 * grace period the port's requests get, would otherwise start a step on an engine about to
 * close. What it would have done stays queued for the next start. A step that runs holds the
 * service's steps' lock to read, as a periodic one does, so the stop closes the stores only after
 * it, whatever scheduler runs it (the stop waits for its own pools only within its time).
 * Thread-safe.
 */
final class GatedScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private static final Logger LOG = LoggerFactory.getLogger(GatedScheduler.class);

  private final ScheduledExecutorService scheduler;
  private final BooleanSupplier stopping;
  private final ReadWriteLock steps;

  /**
   * @param stopping true once the service stops: no task starts after
   * @param steps held to read while a task runs; the stop holds it to write as it closes the
   *     stores
   */
  GatedScheduler(ScheduledExecutorService scheduler, BooleanSupplier stopping,
      ReadWriteLock steps) {
    this.scheduler = scheduler;
    this.stopping = stopping;
    this.steps = steps;
  }

  @Override
  public void execute(Runnable task) {
    scheduler.execute(() -> {
      steps.readLock().lock();
      try {
        if (stopping.getAsBoolean()) {
          LOG.debug("a prompted step not started: the service stops");
          return;
        }
        task.run();
      } finally {
        steps.readLock().unlock();
      }
    });
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return scheduler.schedule(task, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
    return scheduler.schedule(task, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long initialDelay, long period,
      TimeUnit unit) {
    return scheduler.scheduleAtFixedRate(task, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay, long delay,
      TimeUnit unit) {
    return scheduler.scheduleWithFixedDelay(task, initialDelay, delay, unit);
  }

  @Override
  public void shutdown() {
    scheduler.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return scheduler.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return scheduler.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return scheduler.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return scheduler.awaitTermination(timeout, unit);
  }
}
