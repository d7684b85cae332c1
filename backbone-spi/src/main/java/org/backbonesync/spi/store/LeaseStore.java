package org.backbonesync.spi.store;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Leases that let several engine nodes share one store: a node holds a key (a connector's poll,
 * an issue pair's incoming messages) until its lease expires or it releases it, so no two nodes
 * do the same work at once, and the work of a node that dies passes to the others when its
 * leases expire. Each call is a transaction of its own (several keys at once: one for all), except
 * a release inside {@link Stores#inTransaction} by a store whose {@link
 * #releaseJoinsTransactions} is true.
 */
public interface LeaseStore {

  /**
   * Whether {@link #release} and {@link #release(String, Collection, String)}, called inside
   * {@link Stores#inTransaction} of the same stores, join that transaction: other nodes see the
   * lease free only when it commits, and a rollback undoes the release. When true, the engine
   * gives back its claims on issue pairs with the commit of what it wrote under them (saving a
   * commit per page of a poll and per chunk of an apply); when false (the default, for a store
   * written before this method), in a transaction of their own after that commit. A store must
   * not answer true unless both hold: a release seen before the work's commit would let another
   * node read a pair's rows half written.
   *
   * @since 0.1.0
   */
  default boolean releaseJoinsTransactions() {
    return false;
  }

  /**
   * Takes or renews the lease on {@code key} within {@code scope} for {@code node}.
   *
   * @param now the current time, epoch millis
   * @param until when the lease expires, epoch millis
   * @return true when the node holds the lease now; false when another node's lease on it has
   *     not expired, or another node is taking it at this moment
   */
  boolean tryLease(String scope, String key, String node, long now, long until);

  /** Gives up a lease the node holds; a no-op when it holds none. */
  void release(String scope, String key, String node);

  /**
   * Takes or renews the leases it can among several keys of one scope, as {@link #tryLease} does
   * for one. A store that writes to disk should do it in one transaction (one commit instead of
   * one per key); the default takes them one by one.
   *
   * @return the keys the node holds now
   */
  default Set<String> tryLeases(String scope, Collection<String> keys, String node, long now,
      long until) {
    Set<String> held = new LinkedHashSet<>();
    for (String key : keys) {
      if (tryLease(scope, key, node, now, until)) {
        held.add(key);
      }
    }
    return held;
  }

  /**
   * Gives up several leases the node holds, as {@link #release} does for one; in one transaction
   * when the store can. The default releases them one by one.
   */
  default void release(String scope, Collection<String> keys, String node) {
    for (String key : keys) {
      release(scope, key, node);
    }
  }

  /**
   * The unexpired leases of a scope, by key, for an admin's status: who holds which work. The
   * stores of this project answer from their lease table in one read; the default, for a store
   * written before this method, answers empty: it cannot tell.
   *
   * @param now the current time, epoch millis: leases that expired before it are left out
   * @param limit at most this many
   * @return the leases, or empty when the store cannot list them (not the same as none held)
   * @since 0.1.0 (added for the admin status; stores written before it need not implement it)
   */
  default Optional<List<Lease>> leases(String scope, long now, int limit) {
    return Optional.empty();
  }
}
