package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.zaxxer.hikari.HikariConfig;
import org.junit.jupiter.api.Test;

class StorePoolTest {
  private static HikariConfig pool(String url) {
    return SyncService.poolConfig(new ServiceConfig.Store(null, url, "sync", "SECRET", 3));
  }

  @Test
  void onPostgresqlBatchesOfInsertsAreSentAsMultiRowInserts() {
    HikariConfig config = pool("jdbc:postgresql://db.example.com/sync");

    assertEquals("true", config.getDataSourceProperties().getProperty("reWriteBatchedInserts"));
    assertEquals("jdbc:postgresql://db.example.com/sync", config.getJdbcUrl());
    assertEquals("sync", config.getUsername());
    assertEquals(3, config.getMaximumPoolSize());
  }

  @Test
  void aUrlThatNamesTheParameterDecides() {
    HikariConfig config = pool("jdbc:postgresql://db.example.com/sync?reWriteBatchedInserts=false");

    assertNull(config.getDataSourceProperties().getProperty("reWriteBatchedInserts"));
  }

  @Test
  void otherDatabasesGetNoPostgresqlParameter() {
    HikariConfig config = pool("jdbc:h2:mem:sync");

    assertEquals(0, config.getDataSourceProperties().size());
  }
}
