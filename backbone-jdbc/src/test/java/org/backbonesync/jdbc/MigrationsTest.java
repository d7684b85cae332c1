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
  @Test
  void aDatabaseAtVersionOneIsUpgradedToVersionTwoWithItsRowsKept() throws Exception {
    String url = "jdbc:h2:mem:upgrade;DB_CLOSE_DELAY=-1";
    JdbcStores v1 = JdbcStores.atUrl(url, null, null);
    SyncInfo row = v1.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1000));

    int version;
    try (Connection c = DriverManager.getConnection(url)) {
      version = Migrations.migrate(c, List.of("V1__initial.sql", "V2__test_upgrade.sql"),
          MigrationsTest.class);
      assertEquals(2, Migrations.migrate(c, List.of("V1__initial.sql", "V2__test_upgrade.sql"),
          MigrationsTest.class), "applied once only");
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT note FROM bb_sync_info WHERE id = " + row.id())) {
        r.next();
        assertEquals("upgraded", r.getString(1));
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM bb_schema_version")) {
        r.next();
        assertEquals(2, r.getInt(1));
      }
    }

    assertEquals(2, version);
    assertEquals(row, JdbcStores.atUrl(url, null, null).syncInfo()
        .findByLocalKey("PA", "PA-1").orElseThrow(), "the stores still read the upgraded rows");
  }
}
