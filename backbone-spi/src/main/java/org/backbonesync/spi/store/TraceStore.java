package org.backbonesync.spi.store;

import java.util.List;

/**
 * The last outcomes of each issue's messages, for the operator's per-issue trace: bounded, so that
 * it never grows with the number of messages, only with the number of issues.
 *
 * <p>The engine gathers the entries of one step and adds them in one call, outside its other
 * transactions: a trace is what operators read, not a guarantee, and a failure to keep it is
 * logged and does not fail the step. Thread-safe.
 *
 * @since 0.1.0
 */
public interface TraceStore {

  /** The longest {@link TraceEntry#detail()} a store must hold. */
  int MAX_DETAIL_LENGTH = 1000;

  /** A store that keeps nothing: every trace is empty. For stores that keep no history. */
  TraceStore NONE = new TraceStore() {
    @Override
    public void add(List<TraceEntry> entries, int keep) {
      // keeps nothing, on purpose
    }

    @Override
    public List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
        String issueKey, int limit) {
      return List.of();
    }
  };

  /**
   * Adds entries, in their order, and keeps the newest {@code keep} entries of each (connector,
   * direction, issue) they name. Older ones go at once or in batches: a store may let an issue
   * hold up to about twice {@code keep} entries for each {@code Stores} instance writing it (one
   * per engine node) before it trims them, so that it need not delete on every add; the engine
   * {@link #list}s at most {@code keep}.
   * All or nothing, in a transaction of its own (never the caller's: a trace write must not fail
   * or hold anything else). Nothing with {@code keep} 0 or less.
   */
  void add(List<TraceEntry> entries, int keep);

  /**
   * The newest entries of one issue of one connector in one direction, oldest first.
   *
   * @param limit at most this many
   */
  List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction, String issueKey,
      int limit);
}
