package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Tasks this node runs now (the lease store would let this node's second run renew it). */
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  TaskTurns(Stores stores, Clock clock, EngineSettings settings) {
    this.stores = stores;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * The task's lease, or null when this node runs it already or another node holds it; in the
   * last case {@code again} is kept for {@link #retry}. Call {@link #done} after a lease given.
   */
  HeldLease take(String taskId, Runnable again) {
    if (!running.add(taskId)) {
      return null; // (resumed twice here: the run in progress does it)
    }
    HeldLease lease = HeldLease.tryTake(stores, LeaseScope.TASK, taskId, settings,
        clock.millis());
    if (lease == null) {
      running.remove(taskId);
      waiting.put(taskId, again);
    } else {
      waiting.remove(taskId);
    }
    return lease;
  }

  /** The run that took the task's lease has ended (the lease is given back by its close). */
  void done(String taskId) {
    running.remove(taskId);
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
