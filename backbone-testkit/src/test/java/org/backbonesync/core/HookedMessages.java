package org.backbonesync.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Stores whose message store runs a test's hook before each call (a crash or a failed write at
 * one message's removal, or at one kind of message's append) and otherwise answers as the
 * stores do; a hook that throws fails the call.
 */
final class HookedMessages {
  private HookedMessages() {}

  /** What runs before each call of the message store, with the method's name and arguments. */
  @FunctionalInterface
  interface Hook {
    void before(String method, Object[] args);
  }

  /** The stores, with {@code hook} run before each call of their message store. */
  static ForwardingStores before(Stores stores, Hook hook) {
    MessageStore messages = (MessageStore) Proxy.newProxyInstance(
        HookedMessages.class.getClassLoader(), new Class<?>[] {MessageStore.class},
        (proxy, called, args) -> {
          hook.before(called.getName(), args);
          try {
            return called.invoke(stores.messages(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return new ForwardingStores(stores) {
      @Override
      public MessageStore messages() {
        return messages;
      }
    };
  }
}
