package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * PostgreSQL finds a connector's row by its id, and a queued message by its id, through the
 * index made for it, however few rows the table had when it planned the statement. A pooled
 * connection plans a prepared statement once, often while a table is young or a queue short, and
 * keeps the plan until the table is analyzed (a queue is often analyzed nearly empty): with a few
 * rows the plans went through the connector's other index, and then read every row (every queued
 * entry) of the connector on each update or delete of a busy node. Checked on the generic plans
 * of the sync rows' by-id statements and the queues' deletes, as the stores send them,
 * for 20 sync rows and empty queues, never analyzed.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class ByIdPlansTest {
  private String url;

  @BeforeEach
  void twentyRowsNeverAnalyzed() {
    url = PostgresStoresTest.freshSchemaUrl();
    Stores stores = JdbcStores.atUrl(url, null, null);
    for (int i = 1; i <= 10; i++) {
      stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-" + i, "PB-" + i, i));
      stores.syncInfo().insert(SyncInfo.newPair("PB", "PB-" + i, "PA-" + i, i));
    }
  }

  /** The generic plan of {@code sql} (its {@code ?} numbered), executed with {@code args}. */
  private String plan(String sql, String... args) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(ch);
      }
    }
    StringBuilder plan = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE q AS " + numbered);
      try (ResultSet r = s.executeQuery("EXPLAIN EXECUTE q('" + String.join("', '", args)
          + "')")) {
        while (r.next()) {
          plan.append(r.getString(1)).append('\n');
        }
      }
    }
    return plan.toString();
  }

  private static void throughThePrimaryKey(String plan) {
    assertTrue(plan.contains("bb_sync_info_pkey") && !plan.contains("bb_sync_info_remote")
        && !plan.contains("bb_sync_info_local"), plan);
  }

  @Test
  void aQueuedMessageIsDeletedThroughItsMessageIdIndex() throws SQLException {
    String inbox = plan("DELETE FROM bb_inbox WHERE " + JdbcMessageStore.BY_MESSAGE, "PA", "m-1");
    assertTrue(inbox.contains("bb_inbox_message") && !inbox.contains("bb_inbox_source"), inbox);
    String outbox = plan("DELETE FROM bb_outbox WHERE " + JdbcMessageStore.BY_MESSAGE, "PA",
        "m-1");
    assertTrue(outbox.contains("bb_outbox_message") && !outbox.contains("bb_outbox_order"),
        outbox);
  }

  @Test
  void aRowIsReadByIdThroughThePrimaryKey() throws SQLException {
    throughThePrimaryKey(plan(JdbcSyncInfoStore.select(JdbcSyncInfoStore.BY_ID), "PA", "7"));
    throughThePrimaryKey(plan(JdbcSyncInfoStore.select(JdbcSyncInfoStore.BY_ID + " FOR UPDATE"),
        "PA", "7"));
  }

  @Test
  void aRowIsUpdatedByIdThroughThePrimaryKey() throws SQLException {
    // the columns (keys, six figures, a flag, three figures, a flag), the id, then the keys kept
    List<String> update = new java.util.ArrayList<>(List.of("PA-7", "PB-7"));
    update.addAll(Collections.nCopies(6, "1"));
    update.add("false");
    update.addAll(Collections.nCopies(3, "1"));
    update.add("false");
    update.addAll(List.of("7", "PA", "PA-7", "PB-7"));
    throughThePrimaryKey(plan(JdbcSyncInfoStore.UPDATE_KEEPING_KEYS,
        update.toArray(String[]::new)));
    throughThePrimaryKey(plan(JdbcSyncInfoStore.ADVANCE_SEEN, "5", "PA", "7", "5"));
  }

  /**
   * A connector's rows by a list of ids, as PostgreSQL's stores send it (one array, so one
   * statement for every count, planned once, generically): never through the connector's own
   * indexes (which would read every row of the connector), on the young table (where a scan of
   * its 20 rows is the plan) as on a big one, analyzed (the primary key); a connector's rows by a
   * list of issue keys through that key's index, their values and pending changes through their
   * primary keys.
   */
  @Test
  void rowsAreReadByManyIdsNeverThroughTheConnectorsIndexes() throws SQLException {
    List<String> byIds = List.of(JdbcSyncInfoStore.select(JdbcSyncInfoStore.byIds(2, true)),
        JdbcSyncInfoStore.select(JdbcSyncInfoStore.byIds(2, true) + " ORDER BY id FOR UPDATE"),
        "SELECT id FROM bb_sync_info WHERE " + JdbcSyncInfoStore.byIds(2, true)
            + " ORDER BY id FOR UPDATE");
    for (String sql : byIds) {
      String young = plan(sql, "PA", "{3,7}");
      assertTrue(!young.contains("bb_sync_info_remote") && !young.contains("bb_sync_info_local"),
          young);
    }
    twentyThousandRowsAnalyzed();
    for (String sql : byIds) {
      throughThePrimaryKey(plan(sql, "PC", "{3,7}"));
    }
    String byKeys = plan(JdbcSyncInfoStore.select("connector_key = ? AND "
        + InLists.in("local_issue_key", "varchar", 2, true)), "PC", "{PC-3,PC-7}");
    assertTrue(byKeys.contains("bb_sync_info_local") && !byKeys.contains("Seq Scan"), byKeys);
    for (String table : List.of("bb_synced_value", "bb_pending_change")) {
      String values = plan("SELECT mapping_id FROM " + table + " WHERE "
          + InLists.in("sync_info_id", "int8", 2, true), "{3,7}");
      assertTrue(values.contains(table + "_pkey") && !values.contains("Seq Scan"), values);
    }
  }

  private void twentyThousandRowsAnalyzed() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO bb_sync_info (connector_key, local_issue_key, remote_issue_key,"
          + " first_sync_date, last_outgoing_change, last_change_seen, outgoing_sequence_id,"
          + " last_incoming_change, incoming_sequence_id, incoming_changes_ignored)"
          + " SELECT 'PC', 'PC-' || g, 'PD-' || g, 1, 1, 1, 1, 1, 1, false"
          + " FROM generate_series(1, 20000) g");
      for (String table : List.of("bb_synced_value", "bb_pending_change")) {
        s.execute("INSERT INTO " + table + " (sync_info_id, mapping_id, "
            + (table.equals("bb_synced_value") ? "value_json" : "changed_at, sequence_id")
            + ") SELECT id, 'm-summary', "
            + (table.equals("bb_synced_value") ? "'1'" : "1, 1")
            + " FROM bb_sync_info WHERE connector_key = 'PC'");
        s.execute("ANALYZE " + table);
      }
      s.execute("ANALYZE bb_sync_info");
    }
  }

  /**
   * A batch's rows in one statement ({@link ManyRows}) join the table with its arrays: a hash
   * join over the whole table is what PostgreSQL takes for a small one (fine: it is small), and
   * for one of 20,000 rows, analyzed, the index, row by row, even planned generically (ten rows
   * expected of the arrays).
   */
  @Test
  void manyRowsOfABigTableAreWrittenThroughItsIndexes() throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO bb_sync_info (connector_key, local_issue_key, remote_issue_key,"
          + " first_sync_date, last_outgoing_change, last_change_seen, outgoing_sequence_id,"
          + " last_incoming_change, incoming_sequence_id, incoming_changes_ignored)"
          + " SELECT 'PC', 'PC-' || g, 'PD-' || g, 1, 1, 1, 1, 1, 1, false"
          + " FROM generate_series(1, 20000) g");
      s.execute("INSERT INTO bb_inbox (connector_key, message_id, source_issue_key, sequence_id,"
          + " message_json, received_at, status, attempts, not_before) SELECT 'PC', 'm-' || g,"
          + " 'PD-' || g, 1, '{}', 1, 'PENDING', 0, 1 FROM generate_series(1, 20000) g");
      s.execute("ANALYZE bb_sync_info");
      s.execute("ANALYZE bb_inbox");
    }
    // each form's arrays (one row's values), in the order the single-row statement takes them
    List<String> update = new java.util.ArrayList<>(List.of("{PA-7}", "{PB-7}"));
    update.addAll(Collections.nCopies(6, "{1}"));
    update.add("{false}");
    update.addAll(Collections.nCopies(3, "{1}"));
    update.add("{false}");
    update.addAll(List.of("{7}", "{PA}")); // (the keys compared: the ones written)
    throughThePrimaryKey(plan(JdbcSyncInfoStore.MANY_ROWS.get(
        JdbcSyncInfoStore.UPDATE_KEEPING_KEYS).sql(), update.toArray(String[]::new)));
    throughThePrimaryKey(plan(JdbcSyncInfoStore.MANY_ROWS.get(JdbcSyncInfoStore.ADVANCE_SEEN)
        .sql(), "{5}", "{PA}", "{7}"));
    String inbox = plan(JdbcMessageStore.MANY_ROWS.get(JdbcMessageStore.DELETE_INCOMING).sql(),
        "{PA}", "{m-1}");
    assertTrue(inbox.contains("bb_inbox_message") && !inbox.contains("Seq Scan"), inbox);
  }
}
