package org.backbonesync.spi.store;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Leases that let several engine nodes share one store: a node holds a key (a connector's poll,
 * an issue pair's incoming messages) until its lease expires or it releases it, so no two nodes
 * do the same work at once, and the work of a node that dies passes to the others when its
 * leases expire. Each call is a transaction of its own (several keys at once: one for all).
 */
public interface LeaseStore {

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
}
