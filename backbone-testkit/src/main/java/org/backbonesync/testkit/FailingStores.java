package org.backbonesync.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;

/**
 * Stores whose sync information and message stores fail some writes, as a database does
 * (a deadlock, a lost connection, a full disk), for the simulation's store faults. A write
 * fails before it reaches the store, so nothing of it is written, as with a statement the
 * database refused; inside a transaction its failure, once it leaves the transaction's work,
 * rolls back everything written in the transaction, as a real one would. A transaction's commit
 * may fail too, after its work: the failure is thrown inside the work, so nothing of the
 * transaction is kept. Reads never fail (see {@link CountingStores#reads}).
 */
final class FailingStores extends ForwardingStores {
  private final Function<String, SyncException> faults;
  private final SyncInfoStore syncInfo;
  private final MessageStore messages;
  private int depth;

  /**
   * Stores over {@code delegate} that ask {@code faults} before each write, with the store
   * method's name (and {@code " in a transaction"} inside one; {@code "commit"} for a
   * transaction's commit), and throw what it returns, if anything. Used by one thread at a time.
   */
  FailingStores(Stores delegate, Function<String, SyncException> faults) {
    super(delegate);
    this.faults = Objects.requireNonNull(faults, "faults");
    this.syncInfo = failing(SyncInfoStore.class, delegate.syncInfo());
    this.messages = failing(MessageStore.class, delegate.messages());
  }

  /** The stores the writes that pass go to. */
  Stores stores() {
    return delegate();
  }

  @Override
  public SyncInfoStore syncInfo() {
    return syncInfo;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    depth++;
    try {
      return super.inTransaction(() -> {
        T result = work.get();
        if (depth == 1) { // the outermost transaction commits; a nested one joins it
          maybeFail("commit");
        }
        return result;
      });
    } finally {
      depth--;
    }
  }

  private void maybeFail(String method) {
    SyncException failure = faults.apply(method);
    if (failure != null) {
      throw failure;
    }
  }

  private <T> T failing(Class<T> type, T store) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() != Object.class
              && !CountingStores.reads(method.getName())) {
            maybeFail(method.getName() + (depth > 0 ? " in a transaction" : ""));
          }
          return invoke(method, store, args);
        }));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
