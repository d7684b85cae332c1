package org.backbonesync.core;

/**
 * The lifecycle of a {@link SyncEngine}: {@code NEW -> RUNNING -> CLOSED}, or {@code NEW ->
 * CLOSED}. Step methods work in NEW and RUNNING; nothing works once CLOSED.
 */
public enum EngineState {
  /** Built; steps can be driven by the caller; {@link SyncEngine#start()} not called. */
  NEW,
  /** Steps run on the scheduler given to the builder. */
  RUNNING,
  /** Closed; every method but {@link SyncEngine#state()} throws. */
  CLOSED
}
