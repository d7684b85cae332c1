package org.backbonesync.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.ScratchDirectory;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.MessageStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable messages through the JDBC outbox and inbox: queued, delivered (moved from the outbox to
 * the partner's inbox) and applied (taken from the inbox), each step a committed transaction, on
 * H2 files with every commit written ({@code WRITE_DELAY=0}) and on PostgreSQL with
 * {@code synchronous_commit} on (CI's server runs with fsync on). Batched: 100 messages per
 * transaction of each step, written with the store's batch methods (one JDBC batch per step);
 * one by one: each step of each message its own transaction. The floor
 * is a raw JDBC loop on the same database inserting and deleting a row of the same size, with the
 * same commits. PostgreSQL runs when {@code BACKBONE_PG_URL} is set ({@code -p store=h2,postgres}).
 * Targets: batched at least 5,000 messages/s on H2 and 3,000 on PostgreSQL; one by one 1,000 and
 * 500.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DurableBenchmark {
  static final int BATCH = 100;
  private static final long NOW = 1767258000000L;

  @Param({"h2"})
  public String store;

  private Path dir;
  private JdbcStores stores;
  private Connection raw;
  private PostgresSchema schema;
  private String body;
  private Map<String, FieldValue> fields;
  private long next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    String url;
    if (store.equals("h2")) {
      dir = Files.createTempDirectory("backbone-durable");
      stores = JdbcStores.inDirectory(dir);
      url = JdbcStores.h2Url(dir); // the very settings the stores open
    } else {
      schema = new PostgresSchema("bench", "store=postgres");
      url = schema.url;
      stores = JdbcStores.atUrl(url, null, null);
    }
    raw = DriverManager.getConnection(url);
    raw.setAutoCommit(false);
    try (Statement s = raw.createStatement()) {
      s.execute("CREATE TABLE floor_row (id BIGINT PRIMARY KEY, body TEXT NOT NULL)");
    }
    raw.commit();
    JsonNodeFactory json = JsonNodeFactory.instance;
    fields = new LinkedHashMap<>();
    fields.put("summary", new FieldValue(json.textNode("Printer on fire on the third floor"),
        NOW, "alice"));
    fields.put("description", new FieldValue(json.textNode("The printer next to the kitchen"
        + " started to smoke after a long print job. Facilities was called; please order a"
        + " replacement fuser unit."), NOW, "alice"));
    fields.put("priority", new FieldValue(json.textNode("High"), NOW, "bob"));
    fields.put("labels", new FieldValue(json.arrayNode().add("hardware").add("facilities"),
        NOW, "bob"));
    fields.put("assignee", new FieldValue(json.textNode("5b10ac8d82e05b22cc7d4ef5"), NOW,
        "alice"));
    body = new String(new MessageCodec().encode(message(0)), StandardCharsets.UTF_8);
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    try {
      raw.close();
      stores.close();
      if (schema != null) {
        schema.close();
      }
    } finally {
      if (dir != null) {
        ScratchDirectory.delete(dir);
      }
    }
  }

  private SyncMessage message(long n) {
    return SyncMessage.builder().messageId("PA:PA-" + n + ":1").synchronizationId("pa-pb")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-" + n).sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(NOW).fields(fields).build();
  }

  /** One message of each of {@code count} issues, queued, delivered and applied. */
  private int throughTheQueues(int count) {
    MessageStore m = stores.messages();
    List<SyncMessage> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(message(++next));
    }
    stores.inTransaction(() -> {
      m.addOutgoing(batch, NOW);
      return null;
    });
    stores.inTransaction(() -> {
      List<SyncMessage> due = new ArrayList<>();
      m.dueOutgoing("PA", Long.MAX_VALUE, count).forEach(e -> due.add(e.message()));
      m.addIncoming(due, NOW);
      m.removeOutgoing("PA", due.stream().map(SyncMessage::messageId).toList());
      return null;
    });
    return stores.inTransaction(() -> {
      List<String> applied = new ArrayList<>();
      for (InboxEntry e : m.nextIncoming("PB", Long.MAX_VALUE, count)) {
        applied.add(e.message().messageId());
      }
      m.removeIncoming("PB", applied);
      return applied.size();
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int messagesBatched() {
    return throughTheQueues(BATCH);
  }

  @Benchmark
  public int messageOneByOne() {
    return throughTheQueues(1);
  }

  /**
   * The floor: insert the rows in one transaction, delete them in another, each as one JDBC
   * batch (as the store's batch methods do).
   */
  private int rawInsertDelete(int count) throws SQLException {
    long first = next + 1;
    next += count;
    try (PreparedStatement insert = raw.prepareStatement(
        "INSERT INTO floor_row (id, body) VALUES (?, ?)")) {
      for (long id = first; id <= next; id++) {
        insert.setLong(1, id);
        insert.setString(2, body);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    raw.commit();
    try (PreparedStatement delete = raw.prepareStatement("DELETE FROM floor_row WHERE id = ?")) {
      for (long id = first; id <= next; id++) {
        delete.setLong(1, id);
        delete.addBatch();
      }
      delete.executeBatch();
    }
    raw.commit();
    return count;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int floorBatched() throws SQLException {
    return rawInsertDelete(BATCH);
  }

  @Benchmark
  public int floorOneByOne() throws SQLException {
    return rawInsertDelete(1);
  }
}
