package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.Stores;

/**
 * One node runs an asynchronous task at a time: each run holds a lease on the task's id, renewed
 * page by page. A run that finds the lease held (another node runs the task, or died running it
 * and its lease has not expired) is kept and tried again at this node's next periodic run, so a
 * dead node's task is taken over once its lease expires, not only when a node starts.
 */
final class TaskTurns {
  private final Stores stores;
  private final Clock clock;
  private final EngineSettings settings;
  /** Runs to try again, by task id. */
  private final Map<String, Runnable> waiting = new ConcurrentHashMap<>();

  TaskTurns(Stores stores, Clock clock, EngineSettings settings) {
    this.stores = stores;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * The task's lease, or null when another node holds it; {@code again} is then kept for
   * {@link #retry}.
   */
  HeldLease take(String taskId, Runnable again) {
    HeldLease lease = HeldLease.tryTake(stores, LeaseScope.TASK, taskId, settings,
        clock.millis());
    if (lease == null) {
      waiting.put(taskId, again);
    } else {
      waiting.remove(taskId);
    }
    return lease;
  }

  /** Renews a task's lease for another lease duration; false when another node took it. */
  boolean renew(HeldLease lease) {
    return lease.renew(settings, clock.millis());
  }

  /** Tries again the runs that found their task's lease held (nothing when none waits). */
  void retry() {
    if (waiting.isEmpty()) {
      return;
    }
    List<Runnable> again = new ArrayList<>(waiting.values());
    waiting.clear();
    again.forEach(Runnable::run);
  }
}
