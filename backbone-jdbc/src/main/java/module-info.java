/**
 * Every store on plain JDBC (H2 or PostgreSQL) through {@code JdbcStores}. The database driver is
 * the host's: DriverManager finds it on the module path or the class path.
 */
module org.backbonesync.jdbc {
  requires transitive org.backbonesync.spi;
  requires transitive java.sql;
  requires org.slf4j;
  // H2Compaction, only when the database is H2 and the module layer reads H2's module.
  requires static com.h2database;
  // JdbcStoresProvider is a jakarta.inject Provider for DI containers.
  requires transitive jakarta.inject;

  exports org.backbonesync.jdbc;
}
