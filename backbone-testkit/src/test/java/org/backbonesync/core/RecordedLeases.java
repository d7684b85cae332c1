package org.backbonesync.core;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Stores that record every lease asked for, one by one or several at once, as "scope key" in
 * the order asked, for tests of how much an engine leases.
 */
final class RecordedLeases {
  private final List<String> asked = new CopyOnWriteArrayList<>();

  /** The real stores, their leases recorded here. */
  Stores wrap(Stores real) {
    LeaseStore leases = new LeaseStore() {
      @Override
      public boolean tryLease(String scope, String key, String node, long now, long until) {
        asked.add(scope + " " + key);
        return real.leases().tryLease(scope, key, node, now, until);
      }

      @Override
      public Set<String> tryLeases(String scope, Collection<String> keys, String node,
          long now, long until) {
        keys.forEach(key -> asked.add(scope + " " + key));
        return real.leases().tryLeases(scope, keys, node, now, until);
      }

      @Override
      public void release(String scope, String key, String node) {
        real.leases().release(scope, key, node);
      }
    };
    return new ForwardingStores(real) {
      @Override
      public LeaseStore leases() {
        return leases;
      }
    };
  }

  /** How many leases were asked for since the last {@link #clear}. */
  int count() {
    return asked.size();
  }

  /** The keys asked for in one scope since the last {@link #clear}, in order. */
  List<String> keys(String scope) {
    return asked.stream().filter(a -> a.startsWith(scope + " "))
        .map(a -> a.substring(scope.length() + 1)).toList();
  }

  void clear() {
    asked.clear();
  }
}
