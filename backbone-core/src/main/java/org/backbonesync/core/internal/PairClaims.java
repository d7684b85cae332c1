package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.Stores;

/**
 * Claims on a connector's issue pairs, each named by a {@link PairKey}: an apply applying
 * a pair's messages, or a poll examining the pair's local issue, holds the pair alone, against
 * the other threads of this engine (a set in memory) and against other engine nodes on the same
 * stores (a lease). Without it a poll could read a pair's issue and last synced values while an
 * apply is halfway through changing both, and take a person's change for an echo.
 */
final class PairClaims {
  private final Set<PairKey> here = ConcurrentHashMap.newKeySet();
  private final Stores stores;
  private final String scope;
  private final EngineSettings settings;

  PairClaims(Stores stores, String connectorKey, EngineSettings settings) {
    this.stores = stores;
    this.scope = LeaseScope.inbox(connectorKey).name();
    this.settings = settings;
  }

  /** Claims what it can of {@code keys}; returns the keys now held, to {@link #release}. */
  Set<PairKey> claim(Collection<PairKey> keys, long now) {
    List<PairKey> mine = new ArrayList<>(keys.size());
    for (PairKey key : keys) {
      if (here.add(key)) {
        mine.add(key);
      }
    }
    if (mine.isEmpty()) {
      return Set.of();
    }
    Set<String> leased;
    try {
      leased = stores.leases().tryLeases(scope, names(mine), settings.node(), now,
          now + settings.leaseDuration().toMillis());
    } catch (RuntimeException | Error e) {
      here.removeAll(mine);
      throw e;
    }
    Set<PairKey> held = new HashSet<>(2 * leased.size());
    for (PairKey key : mine) {
      if (leased.contains(key.partnerIssueKey())) {
        held.add(key);
      } else {
        here.remove(key);
      }
    }
    return held;
  }

  /** The keys as the lease store knows them. */
  private static List<String> names(Collection<PairKey> keys) {
    List<String> names = new ArrayList<>(keys.size());
    for (PairKey key : keys) {
      names.add(key.partnerIssueKey());
    }
    return names;
  }

  /** Gives up keys {@link #claim} returned. */
  void release(Set<PairKey> held) {
    if (held.isEmpty()) {
      return;
    }
    try {
      stores.leases().release(scope, names(held), settings.node());
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
  Runnable giveBack(Set<PairKey> held) {
    if (!stores.leases().releaseJoinsTransactions()) {
      return null; // (given back after the commit, in a transaction of their own)
    }
    return () -> {
      if (!held.isEmpty()) {
        stores.leases().release(scope, names(held), settings.node());
      }
    };
  }

  /**
   * Ends claims: forgets them here when {@link #giveBack} gave their leases up in a committed
   * transaction, else {@link #release}s them.
   */
  void end(Set<PairKey> held, boolean givenBack) {
    if (givenBack) {
      here.removeAll(held);
    } else {
      release(held);
    }
  }
}
