package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.labelled;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.bob;
import static org.backbonesync.core.TakeBackStories.ignore;
import static org.backbonesync.core.TakeBackStories.takeBack;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A store written before the skipped bases (the SPI's defaults: it keeps none) merges labels as
 * before across a take-back, A's labels standing, and nothing fails. (From helper-116's review.)
 */
class SkippedBaseStoresTest {
  private static final Set<String> SKIPPED_BASES =
      Set.of("skippedBases", "putSkippedBases", "removeSkippedBases");

  /** Stores whose sync information store has the SPI's defaults for the skipped bases. */
  private static final class StoresOfBefore extends ForwardingStores {
    private final SyncInfoStore syncInfo;

    StoresOfBefore(InMemoryStores delegate) {
      super(delegate);
      SyncInfoStore real = delegate.syncInfo();
      InvocationHandler h = (p, m, args) -> {
        if (SKIPPED_BASES.contains(m.getName())) {
          return InvocationHandler.invokeDefault(p, m, args);
        }
        try {
          return m.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      };
      syncInfo = (SyncInfoStore) Proxy.newProxyInstance(SyncInfoStore.class.getClassLoader(),
          new Class<?>[] {SyncInfoStore.class}, h);
    }

    @Override
    public SyncInfoStore syncInfo() {
      return syncInfo;
    }
  }

  @Test
  void aStoreWithoutSkippedBasesKeepsAsLabelsAcrossATakeBack() {
    SyncTestDriver sync =
        labelled(SyncTestDriver.builder().stores(new StoresOfBefore(new InMemoryStores())), "base");
    ignore(sync, "PA", true);
    bob(sync, "base", "carol");
    settle(sync);

    takeBack(sync, "PA");

    assertBoth(sync, "base");
  }
}
