package org.backbonesync.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Stores whose sync information store runs a test's hook before or after each call of one method
 * (counting reads, another writer acting between two reads, a close in the middle of one) and
 * otherwise answers as the stores do; a hook that throws fails the call.
 */
final class HookedSyncInfo {
  private HookedSyncInfo() {}

  /** The stores, with {@code hook} run before each call of {@code method} of their rows. */
  static Stores before(Stores stores, String method, Runnable hook) {
    return hooked(stores, method, hook, true);
  }

  /** The stores, with {@code hook} run after each call of {@code method} of their rows. */
  static Stores after(Stores stores, String method, Runnable hook) {
    return hooked(stores, method, hook, false);
  }

  private static Stores hooked(Stores stores, String method, Runnable hook, boolean first) {
    SyncInfoStore rows = (SyncInfoStore) Proxy.newProxyInstance(
        HookedSyncInfo.class.getClassLoader(), new Class<?>[] {SyncInfoStore.class},
        (proxy, called, args) -> {
          boolean hooks = called.getName().equals(method);
          if (hooks && first) {
            hook.run();
          }
          Object answer;
          try {
            answer = called.invoke(stores.syncInfo(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (hooks && !first) {
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
