package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database that refuses the store's user or password, or has no database of the URL's name,
 * is told as such, naming the URL (never a password) and the database's words: at the opening a
 * configuration error, not retriable (it was the store unavailable, so a host that retries
 * retriable failures waited for ever on a wrong password); once open (a password rotated under
 * a running service, a role locked) the store unavailable, so that the engine's step ends and
 * runs again later, fails no message for an admin, and goes on once the operator fixed it.
 */
class RefusedConnectionTest {
  private static final String USER_HINT = "; check the store's user and password";
  private static final String DATABASE_HINT = "; check the database the URL names";

  @TempDir Path dir;

  @Test
  void aWrongPasswordAtTheOpeningIsAConfigurationError() throws SQLException {
    String url = "jdbc:h2:mem:refused-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (Connection owner = DriverManager.getConnection(url, "sa", "right")) {
      SyncException e = assertThrows(SyncException.class,
          () -> JdbcStores.atUrl(url, "sa", "hunter2"));

      assertFalse(e instanceof RetriableException, e.toString());
      assertEquals("cannot open a database connection: the database refused it ("
          + JdbcStores.shown(url) + "): Wrong user name or password [28000-232] (SQL state"
          + " 28000)" + USER_HINT, e.getMessage());
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), t.toString());
      }
    }
  }

  @Test
  void aMissingDatabaseAtTheOpeningIsAConfigurationError() {
    String url = "jdbc:h2:" + dir.resolve("nosuch") + ";IFEXISTS=TRUE";

    SyncException e = assertThrows(SyncException.class, () -> JdbcStores.atUrl(url, null, null));

    assertFalse(e instanceof RetriableException, e.toString());
    assertTrue(e.getMessage().startsWith("cannot open a database connection: the database"
        + " refused it (jdbc:h2:" + dir.resolve("nosuch") + "?...): Database \""
        + dir.resolve("nosuch") + "\" not found"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(SQL state 90146)" + DATABASE_HINT), e.getMessage());
  }

  /** A password changed under open stores: the store unavailable until it is given back. */
  @Test
  void aPasswordRotatedUnderOpenStoresIsTheStoreUnavailableUntilFixed() throws SQLException {
    String url = "jdbc:h2:mem:rotated-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    JdbcDataSource host = new JdbcDataSource(); // (a new connection for each call)
    host.setURL(url);
    host.setUser("sa");
    host.setPassword("right");
    try (Connection admin = host.getConnection();
        JdbcStores stores = JdbcStores.open(host)) {
      stores.watermarks().setWatermark("PA", 42);
      Schemas.execute(admin, "ALTER USER SA SET PASSWORD 'rotated'");

      StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
          () -> stores.watermarks().watermark("PA"));
      assertEquals("cannot open a database connection: the database refused it ("
          + JdbcStores.shown(url) + "): Wrong user name or password [28000-232] (SQL state"
          + " 28000)" + USER_HINT, e.getMessage());

      host.setPassword("rotated"); // (the operator gives the new password)
      assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"));
    }
  }

  /** PostgreSQL's refusals (28000, 3D000), where {@code BACKBONE_PG_URL} names a database. */
  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void postgresRefusalsAreConfigurationErrorsAtTheOpeningAndTheStoreUnavailableAfter()
      throws SQLException {
    String url = System.getenv("BACKBONE_PG_URL");
    String role = "bb_refused_" + UUID.randomUUID().toString().substring(0, 8);
    String asRole = url.replaceFirst("user=[^&]*", "user=" + role);
    try (Connection admin = DriverManager.getConnection(url)) {
      Schemas.execute(admin, "CREATE ROLE " + role + " NOLOGIN");
      Schemas.execute(admin, "CREATE SCHEMA " + role + " AUTHORIZATION " + role);
      try {
        SyncException locked = assertThrows(SyncException.class,
            () -> JdbcStores.open(pg(asRole)));
        assertFalse(locked instanceof RetriableException, locked.toString());
        assertEquals("cannot open a database connection: the database refused it ("
            + JdbcStores.shown(url) + "): FATAL: role \"" + role + "\" is not permitted to log"
            + " in (SQL state 28000)" + USER_HINT, locked.getMessage());

        String missing = url.replaceFirst("/[^/?]+\\?", "/" + role + "?");
        SyncException none = assertThrows(SyncException.class,
            () -> JdbcStores.open(pg(missing)));
        assertFalse(none instanceof RetriableException, none.toString());
        assertEquals("cannot open a database connection: the database refused it ("
            + JdbcStores.shown(missing) + "): FATAL: database \"" + role + "\" does not exist"
            + " (SQL state 3D000)" + DATABASE_HINT, none.getMessage());

        Schemas.execute(admin, "ALTER ROLE " + role + " LOGIN");
        try (JdbcStores stores = JdbcStores.open(pg(asRole))) {
          stores.watermarks().setWatermark("PA", 42);
          Schemas.execute(admin, "ALTER ROLE " + role + " NOLOGIN");

          StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
              () -> stores.watermarks().watermark("PA"));
          assertEquals(locked.getMessage(), e.getMessage());

          Schemas.execute(admin, "ALTER ROLE " + role + " LOGIN");
          assertEquals(OptionalLong.of(42), stores.watermarks().watermark("PA"));
        }
      } finally {
        Schemas.execute(admin, "DROP SCHEMA " + role + " CASCADE");
        Schemas.execute(admin, "DROP ROLE " + role);
      }
    }
  }

  /** A host's DataSource that opens a new connection for each call. */
  private static DataSource pg(String url) {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(url);
    return pg;
  }
}
