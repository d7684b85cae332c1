package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Messages written by the previous format (version 2: comment and attachment operations inside
 * {@code fields}), still queued when a host upgrades, apply as they did: the receiver moves their
 * operations to the content section. Today's messages carry them in {@code content}.
 */
class MessageFormatUpgradeTest {
  private final MessageCodec codec = new MessageCodec();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
          "comment", null))
      .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
          "attachment", null))
      .build();

  /** PA-1 paired with PB-1, then a comment and a file added on A and A's message queued. */
  private OutboxEntry queuedWithComment() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").addComment("PA-1", "It smokes.");
    sync.a("alice").upload("PA-1", "smoke.txt", "text/plain",
        new ByteArrayInputStream("a lot of smoke".getBytes(StandardCharsets.UTF_8)));
    sync.poll("PA");
    List<OutboxEntry> queued = sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 10);
    assertEquals(1, queued.size());
    return queued.get(0);
  }

  /** The message as format version 2 wrote it: the operations under their mapping's id. */
  private SyncMessage asVersion2(SyncMessage today) {
    Map<String, FieldValue> fields = new LinkedHashMap<>(today.fields());
    today.content().forEach((id, ops) -> fields.put(id,
        new FieldValue(ops, today.createdAt(), "alice")));
    byte[] stored = codec.encode(today.withValues(2, fields, Map.of()));
    String json = new String(stored, StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"formatVersion\":2,"), json);
    assertTrue(json.contains("\"map-comments\":{\"value\":[{\"op\":\"add\""), json);
    assertTrue(!json.contains("\"content\""), json);
    return codec.decode(stored);
  }

  @Test
  void todaysMessageCarriesItsOperationsInTheContentSection() {
    SyncMessage today = queuedWithComment().message();

    assertEquals(MessageCodec.FORMAT_VERSION, today.formatVersion());
    assertEquals(List.of("map-comments", "map-files"), List.copyOf(today.content().keySet()));
    assertTrue(today.fields().keySet().stream().noneMatch(id -> id.startsWith("map-c")),
        today.fields().toString());
    assertEquals("It smokes.", today.content().get("map-comments").get(0).get("body").asText());
  }

  @Test
  void aVersion2MessageStillInTheOutboxAppliesAfterTheUpgrade() {
    OutboxEntry queued = queuedWithComment();
    SyncMessage stored = asVersion2(queued.message());
    sync.stores().messages().removeOutgoing("PA", stored.messageId());
    sync.stores().messages().addOutgoing(stored, queued.addedAt());

    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nIt smokes."),
        sync.b().comments("PB-1").stream().map(Comment::body).toList());
    assertEquals(List.of("smoke.txt"),
        sync.b().attachments("PB-1").stream().map(Attachment::filename).toList());
    assertEquals(List.of("It smokes."),
        sync.a().comments("PA-1").stream().map(Comment::body).toList(), "no echo");
    sync.a("alice").addComment("PA-1", "Still smoking.");
    sync.runUntilQuiet();
    assertEquals(2, sync.b().comments("PB-1").size(), "linked: the first is not sent again");
  }

  @Test
  void aVersion2MessageStillInTheInboxAppliesAfterTheUpgrade() {
    OutboxEntry queued = queuedWithComment();
    SyncMessage stored = asVersion2(queued.message());
    sync.stores().messages().removeOutgoing("PA", stored.messageId());
    sync.engine().receiver("PB").receiveAll(List.of(stored));

    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nIt smokes."),
        sync.b().comments("PB-1").stream().map(Comment::body).toList());
    assertEquals(List.of("smoke.txt"),
        sync.b().attachments("PB-1").stream().map(Attachment::filename).toList());
  }
}
