package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;

/** The schema upgrades itself from one version to the next and keeps the data. */
class MigrationsTest {
  /** The library's scripts and a test script after them. */
  private static List<String> upgraded() {
    List<String> all = new java.util.ArrayList<>(Migrations.SCRIPTS);
    all.add("V3__test_upgrade.sql");
    return all;
  }

  @Test
  void aVersionOneDatabaseGetsTheLibrarysLaterScripts() throws Exception {
    String url = "jdbc:h2:mem:v1;DB_CLOSE_DELAY=-1";
    try (Connection c = DriverManager.getConnection(url)) {
      assertEquals(1, Migrations.migrate(c, List.of("V1__initial.sql"), Migrations.class));
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO bb_watermark (connector_key, epoch_millis) VALUES ('PA', 1234)");
      }
    }

    JdbcStores upgraded = JdbcStores.atUrl(url, null, null);

    assertEquals(java.util.OptionalLong.of(1234), upgraded.watermarks().watermark("PA"));
    try (Connection c = DriverManager.getConnection(url);
        ResultSet r = c.getMetaData().getIndexInfo(null, null, "BB_OUTBOX", false, false)) {
      boolean found = false;
      while (r.next()) {
        found |= "BB_OUTBOX_ORDER".equalsIgnoreCase(r.getString("INDEX_NAME"));
      }
      assertEquals(true, found, "version 2's index");
    }
  }

  @Test
  void aDatabaseIsUpgradedToTheNextVersionWithItsRowsKept() throws Exception {
    String url = "jdbc:h2:mem:upgrade;DB_CLOSE_DELAY=-1";
    JdbcStores v1 = JdbcStores.atUrl(url, null, null);
    SyncInfo row = v1.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

    int version;
    try (Connection c = DriverManager.getConnection(url)) {
      version = Migrations.migrate(c, upgraded(), MigrationsTest.class);
      assertEquals(3, Migrations.migrate(c, upgraded(),
          MigrationsTest.class), "applied once only");
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT note FROM bb_sync_info WHERE id = " + row.id())) {
        r.next();
        assertEquals("upgraded", r.getString(1));
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM bb_schema_version")) {
        r.next();
        assertEquals(3, r.getInt(1));
      }
    }

    assertEquals(3, version);
    assertEquals(row, JdbcStores.atUrl(url, null, null).syncInfo()
        .findByLocalKey("PA", "PA-1").orElseThrow(), "the stores still read the upgraded rows");
  }
}
