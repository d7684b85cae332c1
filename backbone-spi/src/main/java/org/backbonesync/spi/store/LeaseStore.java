package org.backbonesync.spi.store;

/**
 * Leases that let several engine nodes share one store: a node holds a key (a connector's poll,
 * an issue pair's incoming messages) until its lease expires or it releases it, so no two nodes
 * do the same work at once, and the work of a node that dies passes to the others when its
 * leases expire. Each call is a transaction of its own.
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
}
