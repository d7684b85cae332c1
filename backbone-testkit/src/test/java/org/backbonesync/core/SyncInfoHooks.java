package org.backbonesync.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Stores whose sync information runs a test's hook once, at a read of connector PA's rows, to
 * put another step (an apply, an admin's delete) between two of the engine's own.
 */
final class SyncInfoHooks {
  private SyncInfoHooks() {}

  /**
   * Runs {@code hook}, once armed, before a call of a method named {@code method...} for PA,
   * after {@code skip} such calls have passed.
   */
  static ForwardingStores before(InMemoryStores stores, String method, AtomicInteger skip,
      AtomicReference<Runnable> hook) {
    return hooked(stores, method, skip, hook, true);
  }

  /** Runs {@code hook}, once armed, after the next call of a method named {@code method...}. */
  static ForwardingStores after(InMemoryStores stores, String method,
      AtomicReference<Runnable> hook) {
    return after(stores, method, new AtomicInteger(), hook);
  }

  /**
   * Runs {@code hook}, once armed, after a call of a method named {@code method...} for PA,
   * after {@code skip} such calls have passed.
   */
  static ForwardingStores after(InMemoryStores stores, String method, AtomicInteger skip,
      AtomicReference<Runnable> hook) {
    return hooked(stores, method, skip, hook, false);
  }

  private static ForwardingStores hooked(InMemoryStores stores, String method,
      AtomicInteger skip, AtomicReference<Runnable> hook, boolean before) {
    SyncInfoStore rows = (SyncInfoStore) Proxy.newProxyInstance(
        SyncInfoStore.class.getClassLoader(), new Class<?>[] {SyncInfoStore.class},
        (proxy, m, args) -> {
          boolean at = m.getName().startsWith(method) && "PA".equals(args[0])
              && hook.get() != null && skip.getAndDecrement() <= 0;
          if (at && before) {
            hook.getAndSet(null).run();
          }
          Object result;
          try {
            result = m.invoke(stores.syncInfo(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (at && !before) {
            hook.getAndSet(null).run();
          }
          return result;
        });
    return new ForwardingStores(stores) {
      @Override
      public SyncInfoStore syncInfo() {
        return rows;
      }
    };
  }
}
