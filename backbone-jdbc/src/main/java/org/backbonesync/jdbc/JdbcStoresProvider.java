package org.backbonesync.jdbc;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Opens {@link JdbcStores} on the container's {@link DataSource} for a dependency-injection
 * container, migrating the schema ({@link JdbcStores#open(DataSource)}). Each {@link #get()}
 * opens new stores, which the host {@linkplain JdbcStores#close() closes} at shutdown: bind it as
 * a singleton.
 */
public final class JdbcStoresProvider implements Provider<JdbcStores> {
  private final DataSource dataSource;

  /** The host's database. */
  @Inject
  public JdbcStoresProvider(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * New stores on the database, its schema created or upgraded.
   *
   * @throws org.backbonesync.spi.SyncException when the database cannot be reached or upgraded
   */
  @Override
  public JdbcStores get() {
    return JdbcStores.open(dataSource);
  }
}
