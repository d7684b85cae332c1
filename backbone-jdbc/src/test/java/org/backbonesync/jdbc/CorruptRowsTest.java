package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row whose JSON was damaged outside the library is reported with its table and id and
 * skipped; the other issues carry on.
 */
class CorruptRowsTest {
  @TempDir Path dir;

  private int damage(String sql, Object... args) throws Exception {
    try (Connection c = DriverManager.getConnection(JdbcStores.h2Url(dir)); // (as a host's tool)
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      return s.executeUpdate();
    }
  }

  @Test
  void aDamagedIncomingMessageHoldsBackOnlyItsIssue() throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();
    String printer = sync.a("alice").create("Printer on fire");
    String toner = sync.a("alice").create("Order toner");
    sync.poll("PA");
    sync.deliver("PA");

    assertEquals(1, damage("UPDATE bb_inbox SET message_json = ? WHERE source_issue_key = ?",
        "{\"formatVersion\": 1, \"fields\": ", printer));
    sync.apply("PB");

    assertEquals(List.of("Order toner"), sync.b().allIssues().stream()
        .map(i -> i.fields().get("summary").asText()).toList());
    List<String> corrupt = stores.corruptRows();
    assertEquals(1, corrupt.size(), corrupt.toString());
    assertTrue(corrupt.get(0).matches("bb_inbox row \\d+ \\(message PA:" + printer
        + ":.* of " + printer + "\\): .+"), corrupt.get(0));
    assertEquals(List.of(toner), sync.syncInfoB().stream().map(i -> i.remoteIssueKey()).toList(),
        "PB paired only the readable one");
  }

  @Test
  void aDamagedOutgoingMessageIsSkippedAndTheOthersAreDelivered() throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();
    String printer = sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Order toner");
    sync.poll("PA");

    damage("UPDATE bb_outbox SET message_json = ? WHERE message_id LIKE ?", "not json at all",
        "%" + printer + "%");
    assertEquals(1, sync.deliver("PA"));

    assertEquals(1, stores.messages().incomingCount("PB"));
    assertTrue(stores.corruptRows().get(0).startsWith("bb_outbox row "),
        stores.corruptRows().toString());
    assertEquals(2, stores.messages().outgoingCount("PA") + 1, "the damaged row stays to be"
        + " repaired");
  }

  @Test
  void aDamagedLastSyncedValueCountsAsUnknown() throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();
    String printer = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(printer, "labels", InMemoryIssueTracker.strings("hardware"));
    sync.runUntilQuiet();
    long row = sync.syncInfoA().get(0).id();

    damage("UPDATE bb_synced_value SET value_json = ? WHERE sync_info_id = ? AND mapping_id = ?",
        "[\"hardware\"", row, SyncTestDriver.LABELS);
    Map<String, ?> values = stores.syncInfo().syncedValues(row);

    assertTrue(values.containsKey(SyncTestDriver.SUMMARY));
    assertTrue(!values.containsKey(SyncTestDriver.LABELS));
    assertEquals(List.of(), stores.corruptRows().stream()
        .filter(r -> !r.startsWith("bb_synced_value row " + row + "/" + SyncTestDriver.LABELS))
        .toList());

    sync.a("alice").edit(printer, "summary", "Printer on fire, second floor");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, second floor", sync.b().value("PB-1", "summary").asText(),
        "the issue keeps syncing");
  }

  private static AsyncTask started(long at) {
    return new AsyncTask("new", "PA", "admin", at, false, false, false, 0, "Starting", 0, null,
        null, JsonNodeFactory.instance.objectNode().put("jql", "project = PA"));
  }

  @Test
  void aDamagedTaskIsLeftOutOfTheUnfinishedOnes() throws Exception {
    JdbcStores stores = JdbcStores.inDirectory(dir);
    AsyncTask good = stores.tasks().insert(started(1L));
    AsyncTask bad = stores.tasks().insert(started(2L));

    damage("UPDATE bb_task SET request_json = ? WHERE id = ?", "{", Long.parseLong(bad.id()));

    assertEquals(List.of(good.id()), stores.tasks().unfinished().stream().map(AsyncTask::id)
        .toList());
    assertTrue(stores.tasks().find(bad.id()).isEmpty());
    assertEquals(1, stores.corruptRows().size());
    assertTrue(stores.corruptRows().get(0).startsWith("bb_task row " + bad.id() + " (task of PA)"),
        stores.corruptRows().toString());
  }
}
