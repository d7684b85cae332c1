package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.jdbc.JdbcStores.Schema;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of one process upgrading one H2 file at once run an upgrade once and one at a time,
 * however much DDL it runs: the upgrade here runs 120 DDL statements between telling the test
 * that it starts and that it ends. (The race {@code Migrations} now closes with a lock of the
 * process, H2's row lock letting a second holder in while the first runs DDL, failed {@link
 * SchemaStartTest} once in CI; this test did not catch it in 60 rounds without that lock.)
 */
public class MigrationLockTest {
  private static final int NODES = 8;
  private static final int ROUNDS = 4;
  private static final AtomicInteger INSIDE = new AtomicInteger();
  private static final AtomicInteger MOST_INSIDE = new AtomicInteger();
  private static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir Path dir;

  /** Called by the probe script as it starts (an H2 alias). */
  public static void enter() {
    RUNS.incrementAndGet();
    MOST_INSIDE.accumulateAndGet(INSIDE.incrementAndGet(), Math::max);
  }

  /** Called by the probe script as it ends (an H2 alias). */
  public static void exit() {
    INSIDE.decrementAndGet();
  }

  @Test
  void eightNodesUpgradingOneH2FileRunTheUpgradeOnceAndOneAtATime() throws Exception {
    List<String> scripts = new ArrayList<>(Migrations.SCRIPTS);
    scripts.add("V" + (scripts.size() + 1) + "__lock_probe.sql");
    Migrations withProbe = new Migrations(scripts, MigrationLockTest.class);
    for (int round = 0; round < ROUNDS; round++) {
      String url = JdbcStores.h2Url(dir.resolve("round" + round));
      try (Connection c = DriverManager.getConnection(url)) {
        Schemas.execute(c, "CREATE ALIAS PROBE_ENTER FOR '" + getClass().getName() + ".enter'");
        Schemas.execute(c, "CREATE ALIAS PROBE_EXIT FOR '" + getClass().getName() + ".exit'");
      }
      RUNS.set(0);
      MOST_INSIDE.set(0);

      JdbcDataSource source = new JdbcDataSource();
      source.setURL(url);
      SchemaStartTest.openAtOnce(NODES, () -> JdbcStores.open(source, Schema.MIGRATE, withProbe))
          .forEach(JdbcStores::close);

      assertEquals(1, MOST_INSIDE.get(), "nodes running the upgrade at once, round " + round);
      assertEquals(1, RUNS.get(), "runs of the upgrade, round " + round);
    }
  }
}
