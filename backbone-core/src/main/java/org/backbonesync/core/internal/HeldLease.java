package org.backbonesync.core.internal;

import org.backbonesync.spi.store.Stores;

/**
 * A lease this node holds on one key of a scope (a connector's poll or delivery), given back
 * once: with the last store write done under it, in that write's transaction, when the lease
 * store can join one ({@code LeaseStore.releaseJoinsTransactions}: other nodes then see it free
 * exactly when the write is committed, and the step saves a commit); else, or when there was no
 * such write, on its own at {@link #close}.
 */
final class HeldLease implements AutoCloseable {
  private final Stores stores;
  private final LeaseScope scope;
  private final String key;
  private final String node;
  private boolean released;

  private HeldLease(Stores stores, LeaseScope scope, String key, String node) {
    this.stores = stores;
    this.scope = scope;
    this.key = key;
    this.node = node;
  }

  /** The lease if the node could take it (another node holds it: null). */
  static HeldLease tryTake(Stores stores, LeaseScope scope, String key, EngineSettings settings,
      long now) {
    return stores.leases().tryLease(scope.name(), key, settings.node(), now,
        now + settings.leaseDuration().toMillis())
        ? new HeldLease(stores, scope, key, settings.node()) : null;
  }

  /**
   * Renews the lease for another lease duration from {@code now}, for work that runs longer than
   * one (a resync, page by page).
   *
   * @return false when it was lost meanwhile (it expired and another node took it)
   */
  boolean renew(EngineSettings settings, long now) {
    return stores.leases().tryLease(scope.name(), key, node, now,
        now + settings.leaseDuration().toMillis());
  }

  /** The key leased. */
  String key() {
    return key;
  }

  /**
   * Runs the step's last store write under the lease, giving the lease back in its transaction
   * when the store can. Nothing may be written under the lease after it.
   */
  void lastWrite(Runnable write) {
    if (!stores.leases().releaseJoinsTransactions()) {
      write.run();
      return;
    }
    stores.inTransaction(() -> {
      write.run();
      stores.leases().release(scope.name(), key, node);
    });
    released = true;
  }

  /**
   * Ends the step's hold on the lease: gives it back ({@link #close}), a failure of that
   * suppressed in the step's; unless the step failed because the store cannot be used now
   * ({@link StoreDown}): the lease is then left to expire, as a crash leaves it (this node takes
   * it again at its next step; a release would wait for the store and fail alike).
   *
   * @param failure what the step threw, or null when it did not
   */
  void end(RuntimeException failure) {
    if (failure != null && StoreDown.is(failure)) {
      released = true;
      return;
    }
    try {
      close();
    } catch (RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  /** Gives the lease back, unless {@link #lastWrite} did. */
  @Override
  public void close() {
    if (!released) {
      stores.leases().release(scope.name(), key, node);
      released = true;
    }
  }
}
