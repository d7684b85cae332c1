package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host upgrades with messages still in its H2 files as the previous engine wrote them (format
 * version 2: the comment operations inside {@code fields} under their mapping's id, no {@code
 * content}): after the restart, a version 2 message from the outbox and one from the inbox still
 * bring the comment to PB-1, and the comment is linked, so it is not sent a second time.
 */
class StoredVersion2MessageTest {
  private static final String COMMENTS = "map-comments";
  private static final ObjectMapper JSON = StrictJson.mapper();

  @TempDir Path dir;
  private JdbcStores stores;
  private SyncTestDriver sync;

  @BeforeEach
  void openTheHost() {
    stores = JdbcStores.inDirectory(dir);
    sync = SyncTestDriver.builder()
        .stores(stores)
        .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(COMMENTS, "comments", Direction.BOTH, "comment", "comment",
            null))
        .build();
  }

  @AfterEach
  void stopTheHost() {
    sync.engine().close();
    stores.close();
  }

  @Test
  void aVersion2MessageLeftInTheOutboxAppliesAfterTheUpgrade() throws Exception {
    String messageId = commentQueuedInPaOutbox();

    storeAsVersion2("bb_outbox", "PA", messageId);
    restartOnTheSameFiles();
    assertEquals(2, stores.messages().outgoing("PA", messageId).orElseThrow().message()
        .formatVersion(), "the upgraded host reads the row as version 2");
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nIt smokes."), commentsOnPb1());
    assertEquals(List.of("It smokes."), bodies(sync.a().comments("PA-1")), "no echo");
    sync.a("alice").addComment("PA-1", "Still smoking.");
    sync.runUntilQuiet();
    assertEquals(List.of("Alice Archer wrote:\nIt smokes.", "Alice Archer wrote:\nStill smoking."),
        commentsOnPb1(), "linked: the first is not sent again");
  }

  @Test
  void aVersion2MessageLeftInTheInboxAppliesAfterTheUpgrade() throws Exception {
    String messageId = commentQueuedInPaOutbox();
    assertEquals(1, sync.deliver("PA"));
    assertEquals(1, stores.messages().incomingCount("PB"), "received by PB, not yet applied");

    storeAsVersion2("bb_inbox", "PB", messageId);
    restartOnTheSameFiles();
    assertEquals(2, stores.messages().incoming("PB", messageId).orElseThrow().message()
        .formatVersion(), "the upgraded host reads the row as version 2");
    sync.apply("PB");
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nIt smokes."), commentsOnPb1());
    sync.a("alice").addComment("PA-1", "Still smoking.");
    sync.runUntilQuiet();
    assertEquals(List.of("Alice Archer wrote:\nIt smokes.", "Alice Archer wrote:\nStill smoking."),
        commentsOnPb1(), "linked: the first is not sent again");
  }

  /** PA-1 paired with PB-1, then Alice comments on PA-1 and PA is polled: one message queued. */
  private String commentQueuedInPaOutbox() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
    sync.a("alice").addComment("PA-1", "It smokes.");
    sync.poll("PA");
    List<OutboxEntry> queued = stores.messages().dueOutgoing("PA", Long.MAX_VALUE, 10);
    assertEquals(1, queued.size());
    assertEquals(List.of(COMMENTS), List.copyOf(queued.get(0).message().content().keySet()));
    return queued.get(0).message().messageId();
  }

  /**
   * Stops the host and rewrites the message's row in its files, with plain JDBC, to the JSON a
   * version 2 engine wrote: the content operations moved into {@code fields} as a field value.
   */
  private void storeAsVersion2(String table, String connectorKey, String messageId)
      throws SQLException, JsonProcessingException {
    sync.engine().close();
    stores.close();
    try (Connection c = DriverManager.getConnection(JdbcStores.h2Url(dir))) {
      String today = read(c, table, connectorKey, messageId);
      assertTrue(today.startsWith("{\"formatVersion\":" + org.backbonesync.spi.message.MessageCodec.FORMAT_VERSION + ","), today);
      String version2 = asVersion2(today);
      assertTrue(version2.startsWith("{\"formatVersion\":2,"), version2);
      assertTrue(version2.contains("\"" + COMMENTS + "\":{\"value\":[{\"op\":\"add\""), version2);
      assertFalse(version2.contains("\"content\""), version2);
      try (PreparedStatement s = c.prepareStatement("UPDATE " + table
          + " SET message_json = ? WHERE connector_key = ? AND message_id = ?")) {
        s.setString(1, version2);
        s.setString(2, connectorKey);
        s.setString(3, messageId);
        assertEquals(1, s.executeUpdate());
      }
      assertEquals(version2, read(c, table, connectorKey, messageId));
    }
  }

  private static String read(Connection c, String table, String connectorKey, String messageId)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT message_json FROM " + table
        + " WHERE connector_key = ? AND message_id = ?")) {
      s.setString(1, connectorKey);
      s.setString(2, messageId);
      try (ResultSet r = s.executeQuery()) {
        assertTrue(r.next(), table + " has no row for " + messageId);
        return r.getString(1);
      }
    }
  }

  /** Today's JSON as version 2 wrote it: each content entry a field value in {@code fields}. */
  private static String asVersion2(String today) throws JsonProcessingException {
    ObjectNode message = (ObjectNode) JSON.readTree(today);
    message.put("formatVersion", 2);
    ObjectNode fields = (ObjectNode) message.get("fields");
    JsonNode content = message.remove("content");
    message.remove("incomingChangesIgnored"); // (version 7)
    content.properties().forEach(e -> fields.putObject(e.getKey())
        .<ObjectNode>set("value", e.getValue())
        .put("changedAt", message.get("createdAt").asLong())
        .put("changedBy", "alice"));
    return JSON.writeValueAsString(message);
  }

  /** The upgraded host: new stores on the same files and a new engine on them. */
  private void restartOnTheSameFiles() {
    stores = JdbcStores.inDirectory(dir);
    sync.restartOn(stores);
  }

  private List<String> commentsOnPb1() {
    return bodies(sync.b().comments("PB-1"));
  }

  private static List<String> bodies(List<Comment> comments) {
    return comments.stream().map(Comment::body).toList();
  }
}
