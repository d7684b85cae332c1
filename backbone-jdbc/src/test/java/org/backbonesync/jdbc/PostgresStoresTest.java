package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.kit.EnvelopeIdStoreCompatibilityKit;
import org.backbonesync.testkit.kit.LeaseStoreCompatibilityKit;
import org.backbonesync.testkit.kit.MessageStoreCompatibilityKit;
import org.backbonesync.testkit.kit.SyncInfoStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TaskStoreCompatibilityKit;
import org.backbonesync.testkit.kit.TraceStoreCompatibilityKit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The JDBC stores on PostgreSQL pass the same kits and simulation as on H2. CI starts a
 * throwaway server and sets {@code BACKBONE_PG_URL}; without it (a developer with no PostgreSQL)
 * these tests are not run, and the H2 ones still are.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class PostgresStoresTest {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  /** Stores in a fresh schema of the test database. */
  static Stores fresh() {
    return JdbcStores.atUrl(freshSchemaUrl(), null, null);
  }

  /** The URL of a fresh schema of the test database. */
  static String freshSchemaUrl() {
    String url = System.getenv("BACKBONE_PG_URL");
    String schema = "kit_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return url + "&currentSchema=" + schema;
  }

  /** The URL of a fresh, empty database beside the test database. */
  static String freshDatabaseUrl() {
    String url = System.getenv("BACKBONE_PG_URL");
    String database = "db_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database, e);
    }
    return url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
  }

  /**
   * Drops a database {@link #freshDatabaseUrl} made. PostgreSQL refuses while a connection to
   * it is open (after waiting a few seconds for closed ones to end), so this also checks that
   * everything opened on it was closed.
   */
  static void dropDatabase(String databaseUrl) throws SQLException {
    String database = databaseUrl.replaceFirst("^jdbc:postgresql://[^/]+/([^?]*).*$", "$1");
    try (Connection c = DriverManager.getConnection(System.getenv("BACKBONE_PG_URL"));
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + database);
    }
  }

  @Nested
  class SyncInfos extends SyncInfoStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Leases extends LeaseStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Messages extends MessageStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class Tasks extends TaskStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  /** pgjdbc in its UTF8 session: the stores read messages' JSON as the bytes received. */
  @Test
  void messageTextIsReadAsItsBytes() throws Exception {
    try (JdbcStores stores = (JdbcStores) fresh()) {
      assertTrue(stores.textAsBytes());
    }
  }

  /**
   * The fault simulation on PostgreSQL: seeds 1..30 ({@code -Dbackbone.sim.pg.seeds=N} for 1..N)
   * in the default mode, or as the in-memory sweeps' properties say (see {@link
   * DatabaseSimulation}).
   */
  @Test
  void theFaultSimulationHoldsOnPostgres() {
    DatabaseSimulation.run("PostgreSQL", "BACKBONE_PG_URL=<url> mvn -q -pl backbone-jdbc -am test"
        + " -Dtest=PostgresStoresTest#theFaultSimulationHoldsOnPostgres", PostgresStoresTest::fresh,
        Integer.getInteger("backbone.sim.pg.seeds", 30));
  }

  @Nested
  class Traces extends TraceStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Nested
  class EnvelopeIds extends EnvelopeIdStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return fresh();
    }
  }

  @Test
  void anEnvelopeIdStoreThatFailsThrows() {
    try (JdbcStores stores = (JdbcStores) fresh()) {
      JdbcEnvelopeIdStoreTest.assertAFailureIsThrown(stores.envelopeIds());
    }
  }

  /**
   * The kits again with pgjdbc's {@code reWriteBatchedInserts}, which a host may set: batches of
   * inserts go as multi-row inserts, whose counts the driver no longer tells row by row.
   */
  @Nested
  class MultiRowInserts {
    private Stores rewriting() {
      return JdbcStores.atUrl(freshSchemaUrl() + "&reWriteBatchedInserts=true", null, null);
    }

    @Nested
    class SyncInfos extends SyncInfoStoreCompatibilityKit {
      @Override
      protected Stores newStores() {
        return rewriting();
      }
    }

    @Nested
    class Leases extends LeaseStoreCompatibilityKit {
      @Override
      protected Stores newStores() {
        return rewriting();
      }
    }

    @Nested
    class Messages extends MessageStoreCompatibilityKit {
      @Override
      protected Stores newStores() {
        return rewriting();
      }
    }

    @Nested
    class Traces extends TraceStoreCompatibilityKit {
      @Override
      protected Stores newStores() {
        return rewriting();
      }
    }
  }

  /**
   * The message kit again with text sent in binary from the first statement on, which a host
   * may ask pgjdbc for: the store reads a message's JSON as the bytes pgjdbc received, and a text
   * column's binary form must be its UTF-8 text too.
   */
  @Nested
  class TextInBinary extends MessageStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return JdbcStores.atUrl(freshSchemaUrl() + "&binaryTransferEnable=TEXT,VARCHAR"
          + "&prepareThreshold=-1", null, null);
    }
  }

  /**
   * The sync information kit with text sent in binary, likewise: the store reads the synced
   * values', pending changes' and skipped bases' JSON as the bytes pgjdbc received (as the
   * message store its inbox entries' statuses, in the kit above).
   */
  @Nested
  class SyncInfosTextInBinary extends SyncInfoStoreCompatibilityKit {
    @Override
    protected Stores newStores() {
      return JdbcStores.atUrl(freshSchemaUrl() + "&binaryTransferEnable=TEXT,VARCHAR"
          + "&prepareThreshold=-1", null, null);
    }
  }
}
