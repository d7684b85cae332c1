package org.backbonesync.spi.store;

import java.util.function.Supplier;

/**
 * The stores of one engine and their transaction boundary.
 *
 * <p>{@link #inTransaction} runs work so that every store write it makes, through the stores this
 * object returns, commits together or not at all; an exception thrown by the work rolls them back
 * and is rethrown. Transactions are bound to the calling thread; a nested call joins the outer
 * transaction. A store call made outside a transaction is a transaction of its own. The engine
 * never calls a tracker or a transport inside a transaction.
 *
 * <p>Implementations are thread-safe. Implementations: {@code InMemoryStores} in backbone-memory
 * (one process, nothing durable); JDBC in backbone-jdbc. Their compatibility kits are in
 * backbone-testkit.
 */
public interface Stores {

  /** The sync information rows, last synced values and pending creates. */
  SyncInfoStore syncInfo();

  /** The outbox and inbox. */
  MessageStore messages();

  /** Each connector's change detection watermark. */
  WatermarkStore watermarks();

  /** Asynchronous tasks (resyncs). */
  TaskStore tasks();

  /** Conflict and rejection records. */
  ConflictStore conflicts();

  /** Leases that let several engine nodes share these stores. */
  LeaseStore leases();

  /**
   * The envelope ids that transports between processes have taken, for their replay protection.
   * The default has none and says so: a store used with {@code backbone-transport} implements it
   * durably (in-memory and JDBC stores do).
   *
   * @throws IllegalStateException from the default
   * @since 0.1.0
   */
  default EnvelopeIdStore envelopeIds() {
    throw new IllegalStateException(getClass().getName() + " keeps no envelope ids; the"
        + " transports between processes need stores that implement Stores.envelopeIds()");
  }

  /**
   * The last outcomes of each issue's messages, for the operator's trace. The default keeps
   * nothing (every trace then shows the sync information and the incoming queue only: the
   * outgoing queue is found through the history); in-memory and JDBC stores keep them.
   *
   * @since 0.1.0
   */
  default TraceStore trace() {
    return TraceStore.NONE;
  }

  /** Runs work in one transaction and returns its result. */
  <T> T inTransaction(Supplier<T> work);

  /** Runs work in one transaction. */
  default void inTransaction(Runnable work) {
    inTransaction(
        () -> {
          work.run();
          return null;
        });
  }
}
