package org.backbonesync.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until the test says so, on the test's thread: give it to an
 * engine as its task executor to follow an asynchronous task step by step, without sleeping.
 * Thread-safe.
 */
public final class ManualExecutor implements Executor {
  private final Deque<Runnable> queue = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable command) {
    queue.add(command);
  }

  /** How many submitted runnables wait. */
  public synchronized int pending() {
    return queue.size();
  }

  /**
   * Runs the waiting runnables, and those they submit, until none is left.
   *
   * @return how many ran
   */
  public int runAll() {
    int ran = 0;
    Runnable next;
    while ((next = poll()) != null) {
      next.run();
      ran++;
    }
    return ran;
  }

  private synchronized Runnable poll() {
    return queue.poll();
  }
}
