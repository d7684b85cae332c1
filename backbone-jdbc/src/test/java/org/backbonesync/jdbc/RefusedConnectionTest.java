package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
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

  /**
   * A password rotated under a host's pool (HikariCP, as the service's): the connections it
   * opened before go on working until they end (up to its 30 minutes' maximum lifetime), so the
   * refusal showed only in the calls that needed a new connection, and late. Once the database
   * refuses one, the pool is told to evict the others (each as it comes back), so every call
   * meets the refusal until the operator gives the new password.
   */
  @Test
  void aRefusalOfANewConnectionEvictsThePoolsOldOnes() throws SQLException {
    refusalEvicts(pool -> pool);
  }

  /**
   * As above, with the pool behind a host's proxy that unwraps to it, as Spring's
   * transaction-aware proxy does (found by a review: the proxy's class has no pool to evict).
   */
  @Test
  void aPoolBehindAProxyIsEvictedToo() throws SQLException {
    refusalEvicts(pool -> (DataSource) Proxy.newProxyInstance(
        RefusedConnectionTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "unwrap" -> ((Class<?>) args[0]).isInstance(pool) ? pool : pool.unwrap(
              (Class<?>) args[0]);
          case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(pool)
              || pool.isWrapperFor((Class<?>) args[0]);
          default -> {
            try {
              yield method.invoke(pool, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
        }));
  }

  private static void refusalEvicts(Function<HikariDataSource, DataSource> host)
      throws SQLException {
    String url = "jdbc:h2:mem:rotated-pool-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("sa");
    config.setPassword("right");
    config.setMaximumPoolSize(5); // (room for a new one: the opening needs two at once)
    config.setMinimumIdle(2);
    // how long a call waits for a connection: H2 answers a wrong password after 250 ms at least
    config.setConnectionTimeout(2000);
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection admin = DriverManager.getConnection(url, "sa", "right");
        JdbcStores stores = JdbcStores.open(host.apply(pool))) {
      stores.watermarks().setWatermark("PA", 42);
      Schemas.execute(admin, "ALTER USER SA SET PASSWORD 'rotated'");
      List<Connection> old = new ArrayList<>(); // the pool's, opened before: in use now
      for (int i = pool.getHikariPoolMXBean().getTotalConnections(); i > 0; i--) {
        old.add(pool.getConnection());
      }

      StoreUnavailableException refused = assertThrows(StoreUnavailableException.class,
          () -> stores.watermarks().watermark("PA")); // a new one is needed, and refused
      for (Connection c : old) {
        c.close(); // back in the pool, which would work on with the old password
      }

      StoreUnavailableException again = assertThrows(StoreUnavailableException.class,
          () -> stores.watermarks().watermark("PA"), "not answered by an old connection");
      assertEquals(refused.getMessage(), again.getMessage());
      assertTrue(again.getMessage().endsWith("(SQL state 28000)" + USER_HINT),
          again.getMessage());

      pool.getHikariConfigMXBean().setPassword("rotated"); // (the operator gives it)
      assertEquals(OptionalLong.of(42), onceAnswered(() -> stores.watermarks().watermark("PA")),
          "the pool's next new connection signs in");
    }
  }

  /**
   * What {@code read} answers once it does, within 30 s: a pool's attempt begun with the old
   * password ends first (H2 answers each wrong one later, up to 4 s).
   */
  private static <T> T onceAnswered(Supplier<T> read) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return read.get();
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
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
