package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database failure is retried when waiting or trying again mends it, and not when nothing
 * will: a lock timeout answered an admin's import with a 500 and failed an apply for good
 * (found by helper-81's trial: two overlapping imports at once on H2), and a missing driver was
 * retried for ever.
 */
class FailureKindTest {

  @ParameterizedTest
  @ValueSource(strings = {"57014", "40001", "40P01", "08006", "57P01", "57P02", "57P03"})
  void deadlocksCancelsAndLostConnectionsAreRetried(String state) {
    SyncException e = JdbcStores.failure("database operation failed",
        new SQLException("Timeout trying to lock table", state));

    assertInstanceOf(RetriableException.class, e);
    assertEquals("database operation failed: Timeout trying to lock table (SQL state " + state
        + ")", e.getMessage());
  }

  /**
   * A lock held past the timeout by another session (an operator's {@code LOCK TABLE}, found by
   * an outside trial) is retried, and the text says where to look: PostgreSQL's own words named
   * no table and no holder.
   */
  @ParameterizedTest
  @ValueSource(strings = {"55P03", "HYT00"})
  void aLockTimeoutIsRetriedAndSaysAnotherSessionHeldTheLock(String state) {
    SyncException e = JdbcStores.failure("database operation failed",
        new SQLException("ERROR: canceling statement due to lock timeout", state));

    assertInstanceOf(RetriableException.class, e);
    assertEquals("database operation failed: ERROR: canceling statement due to lock timeout"
        + " (SQL state " + state + "); another session held a lock on the store's tables past"
        + " the lock timeout (on PostgreSQL, pg_locks and pg_stat_activity show which)",
        e.getMessage());
  }

  /**
   * The database as a whole is gone, stopping or full: the engine's step ends at once instead of
   * going on with its other issues, each waiting the same (an operator's trial: a poll waited
   * HikariCP's 30 s for each issue of its page while PostgreSQL was down).
   */
  @ParameterizedTest
  @ValueSource(strings = {"08006", "08001", "57P01", "57P02", "57P03", "53100", "58030", "90028",
      "90098", "90100", "90121", "90135"})
  void aDatabaseGoneStoppingOrFullIsTheStoreUnavailable(String state) {
    assertInstanceOf(StoreUnavailableException.class,
        JdbcStores.failure("database operation failed", new SQLException("gone", state)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HYT00", "55P03", "57014", "40001", "40P01"})
  void aStatementsOwnTransientFailureIsNotTheStoreUnavailable(String state) {
    SyncException e = JdbcStores.failure("x", new SQLException("no", state));

    assertInstanceOf(RetriableException.class, e);
    assertFalse(e instanceof StoreUnavailableException, state);
  }

  /**
   * Only H2's "writing failed" (MVStore code 2) under its general error is the store unavailable
   * (FullDiskTest); a corrupt file (code 6) or another general error stays a failure of its own.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 6, 3})
  void h2sGeneralErrorIsTheStoreUnavailableOnlyWhenItsFileCannotBeWritten(int code) {
    org.h2.mvstore.MVStoreException mv = new org.h2.mvstore.MVStoreException(code,
        "Writing to /var/lib/backbone/backbone.mv.db failed; length 4096 at 0 [2.3.232/" + code
            + "]");
    SQLException h2 = org.h2.message.DbException.convert(mv).getSQLException();

    SyncException e = JdbcStores.failure("commit failed", h2);

    assertEquals(50000, h2.getErrorCode());
    assertEquals(code == 2, e instanceof StoreUnavailableException, e.getMessage());
  }

  /** HikariCP's wait for a connection that never came carries no SQL state of its own. */
  @Test
  void noConnectionWithinThePoolsWaitIsTheStoreUnavailable() {
    SyncException e = JdbcStores.cannotConnect(new SQLTransientConnectionException(
        "backbone-store - Connection is not available, request timed out after 30000ms."),
        "jdbc:postgresql://db/sync", true);

    assertInstanceOf(StoreUnavailableException.class, e);
    assertEquals("cannot open a database connection: backbone-store - Connection is not"
        + " available, request timed out after 30000ms.", e.getMessage());
  }

  /**
   * HikariCP's wait for a connection to a database that is down is told with what the driver
   * said beneath it: the pool's words alone read the same for every cause.
   */
  @Test
  void theDriversWordsBeneathThePoolsWaitAreTold() {
    SQLException driver = new SQLException("Connection to db:5432 refused. Check that the"
        + " hostname and port are correct and that the postmaster is accepting TCP/IP"
        + " connections.", "08001");
    SyncException e = JdbcStores.cannotConnect(new SQLTransientConnectionException(
        "backbone-store - Connection is not available, request timed out after 30001ms (total=0,"
            + " active=0, idle=0, waiting=0)", "08001", driver), "jdbc:postgresql://db/sync",
        true);

    assertInstanceOf(StoreUnavailableException.class, e);
    assertEquals("cannot open a database connection: backbone-store - Connection is not"
        + " available, request timed out after 30001ms (total=0, active=0, idle=0, waiting=0)"
        + " (SQL state 08001): Connection to db:5432 refused. Check that the hostname and port"
        + " are correct and that the postmaster is accepting TCP/IP connections.",
        e.getMessage());
  }

  /**
   * HikariCP's wait for a connection the database refused carries the driver's SQL state over
   * the driver's exception: the refusal is told in the driver's words, not the pool's.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRefusalBehindThePoolsWaitIsToldInTheDriversWords(boolean opened) {
    SQLException driver = new SQLException(
        "FATAL: password authentication failed for user \"sync\"", "28P01");
    SyncException e = JdbcStores.cannotConnect(new SQLTransientConnectionException(
        "backbone-store - Connection is not available, request timed out after 30000ms (total=0,"
            + " active=0, idle=0, waiting=0)", "28P01", driver), "jdbc:postgresql://db/sync?...",
        opened);

    assertEquals("cannot open a database connection: the database refused it"
        + " (jdbc:postgresql://db/sync?...): FATAL: password authentication failed for user"
        + " \"sync\" (SQL state 28P01); check the store's user and password", e.getMessage());
    assertEquals(opened, e instanceof StoreUnavailableException);
    assertEquals(opened, e instanceof RetriableException);
  }

  /** A driver's exception without a message is named by its class, not "null". */
  @Test
  void aFailureWithoutMessageIsNamedByItsClass() {
    assertEquals("database operation failed: java.sql.SQLException (SQL state 08006)",
        JdbcStores.failure("database operation failed", new SQLException(null, "08006"))
            .getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "42S11", "22001"})
  void constraintSchemaAndDataFailuresAreNot(String state) {
    assertFalse(JdbcStores.failure("x", new SQLException("no", state))
        instanceof RetriableException);
  }

  @Test
  void aUrlNoDriverTakesIsRefusedForGoodNamingTheDrivers() {
    SyncException e = assertThrows(SyncException.class,
        () -> JdbcStores.atUrl("jdbc:nosuchdb:somewhere", null, null));

    assertFalse(e instanceof RetriableException);
    assertEquals("cannot open a database connection: No suitable driver found for"
        + " jdbc:nosuchdb:somewhere (SQL state 08001); put the database's JDBC driver on the"
        + " class path (H2: com.h2database:h2, PostgreSQL: org.postgresql:postgresql)",
        e.getMessage());
  }

  /** Found by an embedder's trial (helper-92): toString left the parameters out, this not. */
  @Test
  void aRefusedUrlIsShownWithoutItsParametersAndUserPart() {
    String url = "jdbc:nosuchdb://bob:hunter2@db.example.com/sync?password=hunter2";
    SyncException e = assertThrows(SyncException.class,
        () -> JdbcStores.atUrl(url, "bob", "hunter2"));

    assertEquals("cannot open a database connection: No suitable driver found for"
        + " jdbc:nosuchdb://***@db.example.com/sync?... (SQL state 08001); put the database's"
        + " JDBC driver on the class path (H2: com.h2database:h2, PostgreSQL:"
        + " org.postgresql:postgresql)", e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), t.toString());
    }
    assertEquals("jdbc:h2:mem:x?...", JdbcStores.shown("jdbc:h2:mem:x;PASSWORD=hunter2"));
  }

  /**
   * A host's DataSource is now named by its URL (HikariCP's getJdbcUrl, the drivers' getUrl):
   * what may hold a password stays out, in any database's form.
   */
  @Test
  void aHostsDataSourceIsNamedByItsUrlWithoutCredentials() {
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL("jdbc:h2:mem:named;PASSWORD=hunter2");
    org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
    pg.setURL("jdbc:postgresql://db.example.com:5432/sync");
    pg.setPassword("hunter2");

    assertEquals("jdbc:h2:mem:named?...", JdbcStores.database(h2));
    assertEquals("jdbc:postgresql://db.example.com:5432/sync?...", JdbcStores.database(pg));
    assertEquals("jdbc:oracle:***@//db:1521/sync",
        JdbcStores.shown("jdbc:oracle:thin:scott/hunter2@//db:1521/sync"));
    assertEquals("jdbc:postgresql://***@db/sync",
        JdbcStores.shown("jdbc:postgresql://bob:hunter2@db/sync"));
  }
}
