package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Found by an operator's trial on PostgreSQL (h194): a table lock held by hand for 120 s held
 * every connection of the service's pool, with no log line and {@code /health} green throughout,
 * since PostgreSQL's {@code lock_timeout} is 0, no limit, unless someone sets it. The service's
 * connections wait a minute for a lock where the role, the database and the URL set nothing,
 * and keep what they set. Runs where {@code BACKBONE_PG_URL} names a database.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresLockTimeoutTest {
  private final String url = System.getenv("BACKBONE_PG_URL");
  private final String schema = "lock_timeout_" + ProcessHandle.current().pid();

  @BeforeEach
  void schema() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
  }

  @AfterEach
  void dropSchema() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void theServicesConnectionsWaitAMinuteForALock() throws SQLException {
    assertEquals("1min", lockTimeoutOfAServiceConnection(url + "&currentSchema=" + schema));
  }

  @Test
  void aLockTimeoutTheUrlSetsIsKept() throws SQLException {
    assertEquals("7s", lockTimeoutOfAServiceConnection(url + "&currentSchema=" + schema
        + "&options=-c%20lock_timeout%3D7s"));
  }

  private static String lockTimeoutOfAServiceConnection(String jdbcUrl) throws SQLException {
    ServiceConfig.Store store = new ServiceConfig.Store(null, jdbcUrl, null, null, 2);
    SyncService.OpenedStore opened = SyncService.OpenedStore.open(store);
    try (Connection c = opened.pool().getConnection(); Statement s = c.createStatement();
        ResultSet shown = s.executeQuery("SHOW lock_timeout")) {
      shown.next();
      return shown.getString(1);
    } finally {
      opened.stores().close();
      opened.pool().close();
    }
  }
}
