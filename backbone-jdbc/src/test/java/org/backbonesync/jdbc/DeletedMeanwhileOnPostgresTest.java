package org.backbonesync.jdbc;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link DeletedMeanwhileTest}'s cases on PostgreSQL, whose row locks and deadlock detection
 * are not H2's: each test in a fresh schema of {@code BACKBONE_PG_URL}'s database.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class DeletedMeanwhileOnPostgresTest extends DeletedMeanwhileTest {
  @Override
  String url() {
    return PostgresStoresTest.freshSchemaUrl();
  }

  @Override
  String lockTimeoutOfAMillisecond() {
    return "SET lock_timeout = '1ms'";
  }

  @Override
  String lockTimedOut() {
    return "55P03";
  }
}
