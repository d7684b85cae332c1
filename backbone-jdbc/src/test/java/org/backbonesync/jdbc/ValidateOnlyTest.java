package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.jdbc.JdbcStores.Schema;
import org.backbonesync.jdbc.SchemaMismatchException.Reason;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A DBA applies the shipped scripts by hand and the library, opened with {@link
 * Schema#VALIDATE}, only checks them: it opens a database set up that way, refuses one that lacks
 * a script naming what to run, and never changes the schema either way.
 */
class ValidateOnlyTest {
  /** The scenarios, on any database. */
  abstract static class Kit {
    /** The URL of a new, empty database. */
    abstract String emptyDatabase();

    /** The tables and history rows, to see that validation wrote nothing. */
    private static String schemaOf(String url) throws SQLException {
      try (Connection c = DriverManager.getConnection(url)) {
        Set<String> tables = Schemas.tables(c);
        return tables + (tables.contains("bb_schema_version") ? " " + Schemas.history(c) : "");
      }
    }

    @Test
    void aDatabaseWhoseDbaAppliedTheScriptsByHandOpens() throws Exception {
      String url = emptyDatabase();
      try (Connection dba = DriverManager.getConnection(url)) {
        for (String script : Migrations.SCRIPTS) {
          Schemas.runShipped(dba, script);
        }
        Schemas.runShipped(dba, Migrations.HISTORY_SCRIPT);
      }
      String before = schemaOf(url);

      try (JdbcStores stores = JdbcStores.open(Schemas.dataSource(url), Schema.VALIDATE)) {
        SyncInfo row = stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));
        assertEquals(row, stores.syncInfo().findByLocalKey("PA", "PA-1").orElseThrow());
      }

      assertEquals(before, schemaOf(url), "no lock table, no history row");
    }

    @Test
    void anEmptyDatabaseIsRefusedNamingEveryScriptAndLeftEmpty() throws Exception {
      String url = emptyDatabase();

      SchemaMismatchException refused = assertThrows(SchemaMismatchException.class,
          () -> JdbcStores.open(Schemas.dataSource(url), Schema.VALIDATE));

      assertEquals(Reason.MISSING, refused.reason());
      assertEquals(Migrations.SCRIPTS, refused.scripts());
      assertNull(refused.recordedChecksum());
      for (Migrations.Script s : Migrations.shipped().scripts()) {
        assertTrue(refused.getMessage().contains(
            s.name() + " is not applied: apply it, then " + s.recordStatement()),
            refused.getMessage());
      }
      assertTrue(refused.getMessage().contains("There is no bb_schema_version table"));
      assertEquals("[]", schemaOf(url));
    }

    @Test
    void aDatabaseWithoutTheNewestScriptIsRefusedNamingIt() throws Exception {
      String url = emptyDatabase();
      try (Connection dba = DriverManager.getConnection(url)) {
        Schemas.runShipped(dba, "V1__initial.sql");
        Schemas.runShipped(dba, Migrations.HISTORY_SCRIPT);
        Schemas.execute(dba, "DELETE FROM bb_schema_version WHERE version = 2");
      }
      String before = schemaOf(url);

      SchemaMismatchException refused = assertThrows(SchemaMismatchException.class,
          () -> JdbcStores.open(Schemas.dataSource(url), Schema.VALIDATE));

      assertEquals(Reason.MISSING, refused.reason());
      assertEquals(List.of("V2__outbox_order.sql"), refused.scripts());
      assertTrue(refused.getMessage().contains("V2__outbox_order.sql is not applied"),
          refused.getMessage());
      assertEquals(before, schemaOf(url));
    }

    @Test
    void aPreviousReleasesDatabaseIsRefusedWithTheStatementsThatRecordItsChecksums()
        throws Exception {
      String url = emptyDatabase();
      try (Connection c = DriverManager.getConnection(url)) {
        Schemas.previousRelease(c);
      }
      String before = schemaOf(url);

      SchemaMismatchException refused = assertThrows(SchemaMismatchException.class,
          () -> JdbcStores.open(Schemas.dataSource(url), Schema.VALIDATE));

      assertEquals(Migrations.SCRIPTS, refused.scripts());
      String shipped = Migrations.shipped().scripts().get(0).checksum();
      assertTrue(refused.getMessage().contains(
          "ALTER TABLE bb_schema_version ADD COLUMN checksum VARCHAR(64)"), refused.getMessage());
      assertTrue(refused.getMessage().contains("V1__initial.sql is recorded without a checksum:"
          + " UPDATE bb_schema_version SET checksum = '" + shipped + "' WHERE version = 1"),
          refused.getMessage());
      assertEquals(before, schemaOf(url));
    }

    @Test
    void aDatabaseTheLibraryMigratedOpens() throws Exception {
      String url = emptyDatabase();
      JdbcStores.open(Schemas.dataSource(url)).close();

      JdbcStores.open(Schemas.dataSource(url), Schema.VALIDATE).close();
    }
  }

  /** On H2, an in-memory database per test. */
  @Nested
  class OnH2 extends Kit {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    String emptyDatabase() {
      return "jdbc:h2:mem:validate" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    }
  }

  /** On PostgreSQL, a fresh schema per test; reads in a read-only transaction. */
  @Nested
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  class OnPostgres extends Kit {
    @Override
    String emptyDatabase() {
      return PostgresStoresTest.freshSchemaUrl();
    }
  }
}
