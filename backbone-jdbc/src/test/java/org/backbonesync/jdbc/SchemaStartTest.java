package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes start at the same instant on one database: every one opens, the schema is
 * created (or upgraded) once, and a sync runs on it. Before the schema lock, 7 of 8 failed
 * ("Table BB_SYNC_INFO already exists" on H2, a duplicate key on pg_type on PostgreSQL).
 */
class SchemaStartTest {
  private static final int NODES = 8;

  @TempDir Path dir;

  private final List<JdbcStores> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    nodes.forEach(JdbcStores::close);
  }

  @Test
  void eightNodesOpeningOneEmptyH2FileAtOnceAllOpenOnOneSchema() throws Exception {
    nodes.addAll(openAtOnce(NODES, () -> JdbcStores.inDirectory(dir)));

    assertOneSchema(Set.of("bb_schema_lock"));
    aSyncRuns();
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void eightNodesOpeningOneEmptyPostgresDatabaseAtOnceAllOpenOnOneSchema() throws Exception {
    String url = PostgresStoresTest.freshDatabaseUrl();

    nodes.addAll(openAtOnce(NODES, () -> JdbcStores.atUrl(url, null, null)));

    assertOneSchema(Set.of());
    aSyncRuns();
    closeNodes();
    PostgresStoresTest.dropDatabase(url);
  }

  @Test
  void eightNodesUpgradingAVersionOneH2FileAtOnceApplyVersionTwoOnce() throws Exception {
    previousRelease(JdbcStores.h2Url(dir));

    nodes.addAll(openAtOnce(NODES, () -> JdbcStores.inDirectory(dir)));

    assertOneSchema(Set.of("bb_schema_lock"));
    assertEquals(OptionalLong.of(1234), nodes.get(0).watermarks().watermark("PA"), "data kept");
    aSyncRuns();
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void eightNodesUpgradingAVersionOnePostgresDatabaseAtOnceApplyVersionTwoOnce()
      throws Exception {
    String url = PostgresStoresTest.freshDatabaseUrl();
    previousRelease(url);

    nodes.addAll(openAtOnce(NODES, () -> JdbcStores.atUrl(url, null, null)));

    assertOneSchema(Set.of());
    assertEquals(OptionalLong.of(1234), nodes.get(0).watermarks().watermark("PA"), "data kept");
    aSyncRuns();
    closeNodes();
    PostgresStoresTest.dropDatabase(url);
  }

  /** A database as the release before checksums left it, at version 1, with a row. */
  private static void previousRelease(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      Schemas.previousRelease(c);
      Schemas.execute(c, "INSERT INTO bb_watermark (connector_key, epoch_millis)"
          + " VALUES ('PA', 1234)");
    }
  }

  /**
   * Opens the stores on {@code count} threads let go at the same instant; fails naming every
   * node that did not open (closing those that did).
   */
  static List<JdbcStores> openAtOnce(int count, Supplier<JdbcStores> open) throws Exception {
    CyclicBarrier gate = new CyclicBarrier(count);
    ExecutorService threads = Executors.newFixedThreadPool(count);
    List<JdbcStores> opened = new ArrayList<>();
    try {
      List<Future<JdbcStores>> opening = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        opening.add(threads.submit(() -> {
          gate.await(1, TimeUnit.MINUTES);
          return open.get();
        }));
      }
      List<Throwable> failures = new ArrayList<>();
      for (Future<JdbcStores> node : opening) {
        try {
          opened.add(node.get(2, TimeUnit.MINUTES));
        } catch (ExecutionException e) {
          failures.add(e.getCause());
        }
      }
      if (!failures.isEmpty()) {
        opened.forEach(JdbcStores::close);
        AssertionError failed = new AssertionError(failures.size() + " of " + count
            + " nodes did not open; the first: " + failures.get(0));
        failures.forEach(failed::addSuppressed);
        throw failed;
      }
      return opened;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Every node sees one schema: each version recorded once, with its checksum, and its tables. */
  private void assertOneSchema(Set<String> lockTables) {
    Set<String> expected = new TreeSet<>(Schemas.TABLES);
    expected.add("bb_schema_version");
    expected.addAll(lockTables);
    for (JdbcStores node : nodes) {
      assertEquals(Schemas.shippedHistory(), node.read(Schemas::history));
      assertEquals(expected, node.read(Schemas::tables));
    }
  }

  /** A sync runs on one node's stores, and another node reads what it wrote. */
  private void aSyncRuns() {
    SyncTestDriver sync = SyncTestDriver.builder().stores(nodes.get(0)).build();
    sync.a("alice").create("Printer on fire");

    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals("PB-1", nodes.get(NODES - 1).syncInfo().list("PA").get(0).remoteIssueKey());
  }
}
