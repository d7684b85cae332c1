package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction's batched writes of many rows land as the same rows on PostgreSQL, where each
 * statement's rows go in one statement ({@link ManyRows}), as on H2, where they go as a JDBC
 * batch: nulls, keys kept and not, an advance that must not go back, upserts of values there and
 * not there, text a JSON or array literal would mangle, inbox entries there already, and the
 * order of inserted entries.
 */
class ManyRowsTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Text that quoting in an array literal or JSON could get wrong. */
  private static final String AWKWARD = "a \"quoted\" {brace}, back\\slash, NULL, ü 🚀, line\nend";

  @TempDir Path dir;

  @Test
  void onH2TheBatchesWriteTheRows() {
    CountedStatements statements = new CountedStatements(JdbcStores.h2Url(dir));
    writesTheRows(statements);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgresOneStatementPerKindWritesTheSameRows() {
    CountedStatements statements = new CountedStatements(PostgresStoresTest.freshSchemaUrl());
    int executions = writesTheRows(statements);
    // the lock and the values read, then one statement per kind of write (rows, advances,
    // stamps of the rows advanced whose values were written, values, pending changes, inbox
    // inserts, inbox deletes, outbox inserts), the commit
    assertTrue(executions <= 11, executions + " statements executed for 30 pairs");
  }

  /** Writes 30 pairs' rows in one transaction, checks them, returns the statements it took. */
  private int writesTheRows(CountedStatements statements) {
    Stores stores = JdbcStores.open(statements.dataSource);
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      SyncInfo row = stores.syncInfo().insert(new SyncInfo(0, "PA", "PA-" + i,
          i % 3 == 0 ? null : "PB-" + i, 1000, 1100, 5000, 3, 1200, 2, false, 0, 0, 1010, 0, false));
      ids.add(row.id());
      if (i % 2 == 0) {
        stores.syncInfo().putSyncedValues(row.id(), Map.of("m1", JSON.textNode("old")));
        stores.syncInfo().putPendingChanges(row.id(),
            Map.of("m1", new PendingChange(900, 1, null, JSON.textNode("old"))));
      }
    }
    for (int i = 1; i <= 4; i++) {
      stores.messages().addIncoming(message("PA-" + i, 1, "there before"), 100);
    }
    statements.reset();

    stores.inTransaction(() -> {
      stores.syncInfo().lockRows("PA", ids);
      for (int i = 0; i < ids.size(); i++) {
        long id = ids.get(i);
        SyncInfo locked = stores.syncInfo().findByIdForUpdate("PA", id).orElseThrow();
        if (i % 2 == 0) {
          stores.syncInfo().update(locked.withSent(locked.outgoingMessageSequenceId() + i, 7000)
              .withLastChangeSeen(7000 + i).withIncomingChangesIgnored(i % 4 == 0));
        } else {
          stores.syncInfo().advanceLastChangeSeen("PA", id, i % 3 == 0 ? 4000 : 6000 + i);
        }
        stores.syncInfo().putSyncedValues(id, Map.of("m1", JSON.textNode(AWKWARD + i),
            "m2", JSON.objectNode().put("k", AWKWARD).putNull("n")));
        stores.syncInfo().putPendingChanges(id, Map.of("m1",
            new PendingChange(8000 + i, 4, i % 2 == 0 ? null : JSON.textNode("base"),
                JSON.textNode(AWKWARD))));
      }
      for (int i = 1; i <= 8; i++) {
        stores.messages().handOver(message("PA-" + i, 1, "new " + AWKWARD), 200 + i);
        stores.messages().addOutgoing(message("PA-" + i, 2, AWKWARD), 300);
      }
      stores.messages().removeIncoming("PB", message("PA-7", 1, "").messageId());
      stores.messages().removeIncoming("PB", message("PA-8", 1, "").messageId());
      return null;
    });
    int executions = statements.executions();

    for (int i = 0; i < ids.size(); i++) {
      long id = ids.get(i);
      SyncInfo row = stores.syncInfo().findById("PA", id).orElseThrow();
      assertEquals(i % 3 == 2 ? null : "PB-" + (i + 1), row.remoteIssueKey(), "PA-" + (i + 1));
      assertEquals(i % 2 == 0 ? 3 + i : 3, row.outgoingMessageSequenceId(), "PA-" + (i + 1));
      assertEquals(i % 2 == 0 && i % 4 == 0, row.incomingChangesIgnored(), "PA-" + (i + 1));
      assertEquals(i % 2 == 0 ? 7000 : 1100, row.lastOutgoingChange(), "PA-" + (i + 1));
      assertEquals(i % 2 == 0 ? 7000 + i : i % 3 == 0 ? 5000 : 6000 + i, row.lastChangeSeen(),
          "PA-" + (i + 1) + ": an advance to an earlier time leaves it");
      assertEquals(Map.of("m1", JSON.textNode(AWKWARD + i),
          "m2", JSON.objectNode().put("k", AWKWARD).putNull("n")),
          stores.syncInfo().syncedValues(id));
      assertEquals(Map.of("m1", new PendingChange(8000 + i, 4,
          i % 2 == 0 ? null : JSON.textNode("base"), JSON.textNode(AWKWARD))),
          stores.syncInfo().pendingChanges(id));
    }
    List<String> inbox = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      stores.messages().incomingFor("PB", "PA-" + i).forEach(e -> inbox.add(e.message()
          .sourceIssueKey() + " " + e.receivedAt() + " " + e.message().fields().get("f1")
          .value().asText()));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      expected.add(i <= 4 ? "PA-" + i + " 100 there before"
          : "PA-" + i + " " + (200 + i) + " new " + AWKWARD);
    }
    assertEquals(expected, inbox, "those there before stay; two deleted");
    List<String> outbox = stores.messages().dueOutgoing("PA", Long.MAX_VALUE, 100).stream()
        .map(e -> e.message().sourceIssueKey() + " " + e.message().fields().get("f1").value()
            .asText()).toList();
    List<String> inOrder = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      inOrder.add("PA-" + i + " " + AWKWARD);
    }
    assertEquals(inOrder, outbox, "in the order added");
    return executions;
  }

  private static SyncMessage message(String issue, long sequence, String value) {
    return SyncMessage.builder().messageId("PA:" + issue + ":" + sequence)
        .synchronizationId("pa-pb").fromConnector("PA").toConnector("PB").sourceIssueKey(issue)
        .sequenceId(sequence).kind(MessageKind.CHANGE).issueType("Task").createdAt(50)
        .fields(Map.of("f1", new FieldValue(JSON.textNode(value), 50, "alice"))).build();
  }
}
