package org.backbonesync.testkit.kit;

import org.backbonesync.spi.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the store kits share: fresh stores for each test, the store under test taken from them,
 * and the stores given back after it. Extend one of the kits (for example {@link
 * SyncInfoStoreCompatibilityKit}), not this.
 *
 * @param <S> the store a kit tests
 */
public abstract class StoresKit<S> {
  /** The stores of the running test, for their transactions. */
  protected Stores stores;
  /** The store under test, from {@link #stores}. */
  protected S store;

  StoresKit() {} // (only this package's kits extend it)

  /** Fresh, empty stores for one test. */
  protected abstract Stores newStores();

  /** The store a kit tests, from the test's stores. */
  abstract S storeOf(Stores fresh);

  @BeforeEach
  void setUpStores() {
    stores = newStores();
    store = storeOf(stores);
  }

  /**
   * Gives back what a test's stores hold once it ends: by default closes them when they are
   * {@link AutoCloseable} (a JDBC store's connections would otherwise add up, test after test,
   * past a database's limit). A kit whose {@link #newStores()} hands out shared stores overrides
   * it to keep them open.
   */
  @AfterEach
  protected void closeStores() throws Exception {
    if (stores instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
