package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.Stores;

/**
 * Claims on a connector's issue pairs, each named by the partner's issue key: an apply applying
 * a pair's messages, or a poll examining the pair's local issue, holds the pair alone, against
 * the other threads of this engine (a set in memory) and against other engine nodes on the same
 * stores (a lease). Without it a poll could read a pair's issue and last synced values while an
 * apply is halfway through changing both, and take a person's change for an echo.
 */
final class PairClaims {
  private final Set<String> here = ConcurrentHashMap.newKeySet();
  private final Stores stores;
  private final String scope;
  private final EngineSettings settings;

  PairClaims(Stores stores, String connectorKey, EngineSettings settings) {
    this.stores = stores;
    this.scope = LeaseScope.inbox(connectorKey).name();
    this.settings = settings;
  }

  /** Claims what it can of {@code keys}; returns the keys now held, to {@link #release}. */
  Set<String> claim(Collection<String> keys, long now) {
    List<String> mine = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (here.add(key)) {
        mine.add(key);
      }
    }
    if (mine.isEmpty()) {
      return Set.of();
    }
    Set<String> held;
    try {
      held = stores.leases().tryLeases(scope, mine, settings.node(), now,
          now + settings.leaseDuration().toMillis());
    } catch (RuntimeException | Error e) {
      here.removeAll(mine);
      throw e;
    }
    for (String key : mine) {
      if (!held.contains(key)) {
        here.remove(key);
      }
    }
    return held;
  }

  /** Gives up keys {@link #claim} returned. */
  void release(Set<String> held) {
    if (held.isEmpty()) {
      return;
    }
    try {
      stores.leases().release(scope, held, settings.node());
    } finally {
      here.removeAll(held);
    }
  }

  /**
   * The store writes that give up keys {@link #claim} returned, to run in the transaction that
   * commits what was done under them ({@link GroupCommit#commit(Runnable)}); then {@link #end}
   * them. Null when the lease store cannot join that transaction: then
   * {@link #release} them after it. (Other nodes see them free at that commit; this engine's threads
   * after the forget.)
   */
  Runnable giveBack(Set<String> held) {
    if (!stores.leases().releaseJoinsTransactions()) {
      return null; // (given back after the commit, in a transaction of their own)
    }
    return () -> {
      if (!held.isEmpty()) {
        stores.leases().release(scope, held, settings.node());
      }
    };
  }

  /**
   * Ends claims: forgets them here when {@link #giveBack} gave their leases up in a committed
   * transaction, else {@link #release}s them.
   */
  void end(Set<String> held, boolean givenBack) {
    if (givenBack) {
      here.removeAll(held);
    } else {
      release(held);
    }
  }
}
