package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.TakeBackOnStores.bobsLabelsWhileAIgnores;
import static org.backbonesync.jdbc.TakeBackOnStores.rowA;
import static org.backbonesync.jdbc.TakeBackOnStores.takeBack;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels (a merged field) across a take-back on the JDBC stores over H2 files: the base of B's
 * changes that A's row consumed while it ignored them is kept in {@code bb_skipped_base}, read
 * back by a restarted engine, and gone once A merged B's whole.
 */
class TakeBackLabelsOnJdbcTest {
  @TempDir Path dir;

  @Test
  void bobsChangesWhileAIgnoredSurviveTheTakeBackAfterARestart() {
    SyncTestDriver sync = bobsLabelsWhileAIgnores(JdbcStores.inDirectory(dir));
    long row = rowA(sync);
    assertEquals(strings("base", "old"), JdbcStores.inDirectory(dir).syncInfo().skippedBases(row)
        .get(SyncTestDriver.LABELS).get("base"), "kept on disk");

    sync.restart();
    takeBack(sync, row);

    assertEquals(strings("base", "carol"), sync.a().value("PA-1", "labels"));
    assertEquals(strings("base", "carol"), sync.b().value("PB-1", "labels"));
    assertEquals(Map.of(), JdbcStores.inDirectory(dir).syncInfo().skippedBases(row),
        "taken up by the merge");
  }
}
