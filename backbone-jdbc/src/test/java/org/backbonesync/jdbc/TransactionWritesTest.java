package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction's writes wait and go as one batch per statement (what a group commit of many
 * issue pairs costs in round trips), and nothing about them shows: reads in the transaction see
 * them, a key written twice keeps the last write, a row written after it was locked ahead is read
 * again, and a write that fails when sent rolls the whole transaction back.
 */
class TransactionWritesTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @TempDir Path dir;
  private CountedStatements statements;

  @Test
  void aGroupOfFiftyRowsCostsAFewStatementsAndReadsItsOwnWritesOnH2() {
    aGroupCostsAFewStatements(JdbcStores.h2Url(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void aGroupOfFiftyRowsCostsAFewStatementsAndReadsItsOwnWritesOnPostgres() {
    aGroupCostsAFewStatements(PostgresStoresTest.freshSchemaUrl());
  }

  private void aGroupCostsAFewStatements(String url) {
    statements = new CountedStatements(url);
    Stores stores = JdbcStores.open(statements.dataSource);
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      long id = stores.syncInfo().insert(row("PA-" + i)).id();
      stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("old")));
      ids.add(id);
    }
    statements.reset();
    JsonNode read = stores.inTransaction(() -> {
      stores.syncInfo().lockRows("PA", ids);
      for (long id : ids) {
        SyncInfo locked = stores.syncInfo().findByIdForUpdate("PA", id).orElseThrow();
        stores.syncInfo().update(locked.withSent(locked.outgoingMessageSequenceId() + 1, 5000));
        Map<String, JsonNode> before = stores.syncInfo().syncedValues(id);
        stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("new " + id),
            "m2", JSON.textNode(before.get("m1").asText())));
        stores.syncInfo().putPendingChanges(id,
            Map.of("m1", new PendingChange(5000, 4, before.get("m1"), JSON.textNode("new"))));
      }
      return stores.syncInfo().syncedValues(ids.get(7)).get("m1");
    });

    assertEquals(JSON.textNode("new " + ids.get(7)), read, "a read in it sees its writes");
    // lock, values, then per statement: row updates, value updates, value inserts, pending
    // updates, pending inserts; then the read's flush and query; the commit
    assertTrue(statements.count() <= 10, statements.count() + " statements for 50 rows");
    for (long id : ids) {
      SyncInfo after = stores.syncInfo().findById("PA", id).orElseThrow();
      assertEquals(4, after.outgoingMessageSequenceId());
      assertEquals(Map.of("m1", JSON.textNode("new " + id), "m2", JSON.textNode("old")),
          stores.syncInfo().syncedValues(id));
      assertEquals(JSON.textNode("new"), stores.syncInfo().pendingChanges(id).get("m1").value());
    }
  }

  @Test
  void aKeyWrittenTwiceKeepsItsLastWriteAndARowWrittenAfterItsLockIsReadAgain() {
    Stores stores = JdbcStores.inDirectory(dir);
    long id = stores.syncInfo().insert(row("PA-1")).id();
    PendingChange first = new PendingChange(100, 2, null, JSON.textNode("first"));
    PendingChange last = new PendingChange(200, 3, null, JSON.textNode("last"));

    SyncInfo seen = stores.inTransaction(() -> {
      stores.syncInfo().lockRows("PA", List.of(id));
      stores.syncInfo().putPendingChanges(id, Map.of("m1", first));
      stores.syncInfo().removePendingChange(id, "m1");
      stores.syncInfo().putPendingChanges(id, Map.of("m1", last));
      stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("a")));
      stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("b")));
      stores.syncInfo().advanceLastChangeSeen("PA", id, 9000);
      stores.syncInfo().pendingChanges(id); // (a read: sends the waiting writes)
      return stores.syncInfo().findByIdForUpdate("PA", id).orElseThrow();
    });

    assertEquals(9000, seen.lastChangeSeen(), "not the row as locked before the advance");
    assertEquals(Map.of("m1", last), stores.syncInfo().pendingChanges(id));
    assertEquals(Map.of("m1", JSON.textNode("b")), stores.syncInfo().syncedValues(id));
  }

  @Test
  void aWriteThatFailsWhenSentRollsTheWholeTransactionBack() {
    Stores stores = JdbcStores.inDirectory(dir);
    long id = stores.syncInfo().insert(row("PA-1")).id();
    stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("kept")));

    SyncException e = assertThrows(SyncException.class, () -> stores.inTransaction(() -> {
      stores.syncInfo().lockRows("PA", List.of(id));
      SyncInfo locked = stores.syncInfo().findByIdForUpdate("PA", id).orElseThrow();
      stores.syncInfo().update(locked.withSent(9, 5000));
      stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("lost")));
      // a mapping id longer than its column: refused only when the batch is sent
      stores.syncInfo().putSyncedValues(id, Map.of("m".repeat(2000), JSON.textNode("x")));
      return null;
    }));

    assertTrue(e.getMessage().startsWith("database operation failed"), e.getMessage());
    assertEquals(3, stores.syncInfo().findById("PA", id).orElseThrow()
        .outgoingMessageSequenceId());
    assertEquals(Map.of("m1", JSON.textNode("kept")), stores.syncInfo().syncedValues(id));
  }

  @Test
  void afterAFailedSendNothingOfTheTransactionCommitsEvenIfACallerCaughtTheFailure() {
    Stores stores = JdbcStores.inDirectory(dir);
    long id = stores.syncInfo().insert(row("PA-1")).id();
    stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("kept")));

    assertThrows(SyncException.class, () -> stores.inTransaction(() -> {
      stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode("lost")));
      stores.syncInfo().putSyncedValues(id, Map.of("m".repeat(2000), JSON.textNode("x")));
      try {
        stores.syncInfo().pendingChanges(id); // (sends the writes: the insert is refused)
      } catch (SyncException swallowed) {
        // a careless caller goes on (H2 has run the batch's other writes)
      }
      stores.syncInfo().putSyncedValues(id, Map.of("m2", JSON.textNode("after")));
      return null;
    }));

    assertEquals(Map.of("m1", JSON.textNode("kept")), stores.syncInfo().syncedValues(id));
  }

  private static SyncInfo row(String local) {
    return new SyncInfo(0, "PA", local, "PB" + local.substring(2), 1000, 1100, 1050, 3, 1200, 2,
        false, 0, 0, 1010, 0, false);
  }
}
