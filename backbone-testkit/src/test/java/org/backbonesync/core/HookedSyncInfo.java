package org.backbonesync.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Stores whose sync information store runs a test's hook after a call of one method (another
 * writer acting between two reads, say) and answers as the stores do.
 */
final class HookedSyncInfo {
  private HookedSyncInfo() {}

  /** The stores, with {@code hook} run after each call of {@code method} of their rows. */
  static Stores after(Stores stores, String method, Runnable hook) {
    SyncInfoStore rows = (SyncInfoStore) Proxy.newProxyInstance(
        HookedSyncInfo.class.getClassLoader(), new Class<?>[] {SyncInfoStore.class},
        (proxy, called, args) -> {
          Object answer;
          try {
            answer = called.invoke(stores.syncInfo(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (called.getName().equals(method)) {
            hook.run();
          }
          return answer;
        });
    return new ForwardingStores(stores) {
      @Override
      public SyncInfoStore syncInfo() {
        return rows;
      }
    };
  }
}
