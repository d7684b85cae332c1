package org.backbonesync.spi.store;

import java.util.List;
import java.util.Optional;

/** Asynchronous tasks, so that they can be followed, cancelled, and resumed after a restart. */
public interface TaskStore {

  /**
   * Stores a new task, ignoring its id, and returns it with a fresh id (unique in the store): a
   * whole number from 1 to {@link Long#MAX_VALUE} in ASCII digits without leading zeros, the
   * only ids the admin API takes (it refuses others with a 400 before a store is asked).
   */
  AsyncTask insert(AsyncTask task);

  /** Replaces the task with {@code task.id()}. */
  void update(AsyncTask task);

  /** The task with this id; empty for an id of any other form, never an exception. */
  Optional<AsyncTask> find(String id);

  /** Tasks that have not finished, oldest first. */
  List<AsyncTask> unfinished();
}
