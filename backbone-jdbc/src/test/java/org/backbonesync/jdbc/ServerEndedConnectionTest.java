package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.backbonesync.spi.RetriableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A connection PostgreSQL ends on its side, as every connection when it restarts ({@code pg_ctl
 * restart -m fast}: SQL state 57P01, "terminating connection due to administrator command"), is
 * a failure worth another try. It counted as permanent: in a service trial (helper h155) the
 * message being applied while PostgreSQL restarted failed for good, waited for an admin, and held
 * back every later edit of its issue, while {@code /health} stayed green.
 */
class ServerEndedConnectionTest {

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void aConnectionTheServerEndedIsRetriedAndTheNextCallWorks() throws SQLException {
    String url = PostgresStoresTest.freshSchemaUrl() + "&ApplicationName=ended-by-server";
    try (JdbcStores stores = JdbcStores.atUrl(url, null, null)) {
      assertEquals(Optional.empty(), stores.syncInfo().findByLocalKey("PA", "PA-1"));
      assertTrue(endConnections() > 0, "the stores keep an idle connection");

      RuntimeException e = assertThrows(RuntimeException.class,
          () -> stores.syncInfo().findByLocalKey("PA", "PA-1"));

      assertInstanceOf(RetriableException.class, e, e.getMessage());
      assertTrue(e.getMessage().contains("(SQL state 57P01)"), e.getMessage());
      assertEquals(Optional.empty(), stores.syncInfo().findByLocalKey("PA", "PA-1"),
          "a new connection");
    }
  }

  /** Ends the stores' connections as a restart of the server does; how many it ended. */
  private static int endConnections() throws SQLException {
    try (Connection c = DriverManager.getConnection(System.getenv("BACKBONE_PG_URL"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000))"
            + " FROM (SELECT pid FROM pg_stat_activity WHERE application_name = 'ended-by-server'"
            + " OFFSET 0) AS theirs")) { // (OFFSET 0: filtered before any is ended)
      r.next();
      return r.getInt(1);
    }
  }
}
