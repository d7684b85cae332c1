package org.backbonesync.testkit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing until the test says so, on the test's thread, by the time of a
 * {@link ManualClock}: give it to an engine as its scheduler to follow what a started engine does
 * (its periodic run, a step it runs at once when messages or change hints come) without sleeping.
 * {@link #runDue()} runs every task due at the clock's time, and those they submit that are due.
 * Thread-safe.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final Clock clock;
  private final List<Task<?>> tasks = new ArrayList<>();
  private long submitted;
  private boolean shutdown;

  /** A scheduler on the given clock's time. */
  public ManualScheduler(Clock clock) {
    this.clock = clock;
  }

  /**
   * Runs the tasks due now, in order of due time (then of submission), until none is due.
   *
   * @return how many ran
   */
  public int runDue() {
    int ran = 0;
    Task<?> next;
    while ((next = nextDue()) != null) {
      next.runOnce();
      ran++;
    }
    return ran;
  }

  /** How many tasks wait, due or not (a periodic one counts once). */
  public synchronized int pending() {
    return tasks.size();
  }

  private synchronized Task<?> nextDue() {
    long now = clock.millis();
    Task<?> due = tasks.stream().filter(t -> t.dueAt <= now)
        .min(Comparator.comparingLong((Task<?> t) -> t.dueAt).thenComparingLong(t -> t.order))
        .orElse(null);
    if (due != null) {
      tasks.remove(due);
    }
    return due;
  }

  private synchronized <V> Task<V> add(Callable<V> work, long delayMillis, long periodMillis) {
    if (shutdown) {
      throw new RejectedExecutionException("the scheduler is shut down");
    }
    Task<V> task = new Task<>(work, clock.millis() + Math.max(0, delayMillis), periodMillis,
        submitted++);
    tasks.add(task);
    return task;
  }

  private synchronized void again(Task<?> task) {
    if (!shutdown && !task.isCancelled()) {
      task.dueAt = clock.millis() + task.period;
      task.order = submitted++;
      tasks.add(task);
    }
  }

  @Override
  public void execute(Runnable command) {
    add(() -> {
      command.run();
      return null;
    }, 0, 0);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(() -> {
      command.run();
      return null;
    }, unit.toMillis(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, unit.toMillis(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay,
      long period, TimeUnit unit) {
    return scheduleWithFixedDelay(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
      long delay, TimeUnit unit) {
    if (delay <= 0) {
      throw new IllegalArgumentException("delay must be positive, was " + delay);
    }
    return add(() -> {
      command.run();
      return null;
    }, unit.toMillis(initialDelay), Math.max(1, unit.toMillis(delay)));
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    tasks.clear();
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    List<Runnable> waiting = new ArrayList<>(tasks);
    shutdown();
    return waiting;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  /** A task, due at a time of the clock; periodic when {@code period} is positive. */
  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long period;
    private long dueAt;
    private long order;

    Task(Callable<V> work, long dueAt, long period, long order) {
      super(work);
      this.dueAt = dueAt;
      this.period = period;
      this.order = order;
    }

    void runOnce() {
      if (period == 0) {
        run();
        return;
      }
      if (runAndReset()) {
        again(this);
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueAt - clock.millis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
      if (!isDone()) {
        throw new IllegalStateException("not run yet: call runDue() once it is due");
      }
      return super.get();
    }
  }
}
