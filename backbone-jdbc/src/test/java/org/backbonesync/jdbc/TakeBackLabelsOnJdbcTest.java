package org.backbonesync.jdbc;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
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
    SyncTestDriver sync = SyncTestDriver.builder().stores(JdbcStores.inDirectory(dir))
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .build();
    sync.a("alice").updateIssue(sync.a("alice").create("Printer on fire"),
        Map.of("labels", strings("base", "old")));
    settle(sync);
    long row = sync.syncInfoA().get(0).id();
    sync.engine().setIncomingChangesIgnored("PA", row, true);
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "carol")));
    settle(sync);
    assertEquals(strings("base", "old"), JdbcStores.inDirectory(dir).syncInfo().skippedBases(row)
        .get(SyncTestDriver.LABELS).get("base"), "kept on disk");

    sync.restart();
    sync.engine().setIncomingChangesIgnored("PA", row, false);
    settle(sync);

    assertEquals(strings("base", "carol"), sync.a().value("PA-1", "labels"));
    assertEquals(strings("base", "carol"), sync.b().value("PB-1", "labels"));
    assertEquals(Map.of(), JdbcStores.inDirectory(dir).syncInfo().skippedBases(row),
        "taken up by the merge");
  }

  private static void settle(SyncTestDriver sync) {
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
  }
}
