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
 * Messages written by earlier formats, still queued when a host upgrades, apply as they did:
 * version 2 (comment and attachment operations inside {@code fields}) and version 3 (issue links
 * as a list inside {@code fields}, comments in {@code content}); the receiver moves them to the
 * content section. Today's messages carry all of them in {@code content}.
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
      .fieldMapping(FieldMapping.of("map-links", "links", Direction.BOTH, "issuelinks",
          "issuelinks", null))
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

  /** PA-2 linked to PA-1 with a comment on PA-2: A's message for PA-2, as version 3 wrote it. */
  private SyncMessage queuedAsVersion3() {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Order toner");
    sync.runUntilQuiet();
    sync.a("alice").createLink("Blocks", "PA-2", "PA-1");
    sync.a("alice").addComment("PA-2", "Urgent.");
    sync.poll("PA");
    SyncMessage today = sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 10).stream()
        .map(OutboxEntry::message).filter(m -> m.sourceIssueKey().equals("PA-2")).findFirst()
        .orElseThrow();
    sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 10).forEach(e ->
        sync.stores().messages().removeOutgoing("PA", e.message().messageId()));
    com.fasterxml.jackson.databind.node.ArrayNode list =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    today.content().get("map-links").forEach(op -> list.add(
        ((com.fasterxml.jackson.databind.node.ObjectNode) op.deepCopy()).without(List.of("op", "id"))));
    Map<String, FieldValue> fields = new LinkedHashMap<>(today.fields());
    fields.put("map-links", new FieldValue(list, today.createdAt(), "alice"));
    Map<String, com.fasterxml.jackson.databind.JsonNode> content =
        new LinkedHashMap<>(today.content());
    content.remove("map-links");
    byte[] stored = codec.encode(today.withValues(3, fields, content));
    String json = new String(stored, StandardCharsets.UTF_8);
    assertTrue(json.contains("\"map-links\":{\"value\":[{\"type\":\"Blocks\""), json);
    return codec.decode(stored);
  }

  @Test
  void aVersion3MessageWithLinksInItsFieldsAppliesAfterTheUpgrade() {
    SyncMessage stored = queuedAsVersion3();
    sync.stores().messages().addOutgoing(stored, sync.clock().millis());

    sync.runUntilQuiet();

    assertEquals(List.of("PB-2 Blocks PB-1"), sync.b().links("PB-1").stream()
        .map(l -> l.outwardIssue() + " " + l.type() + " " + l.inwardIssue()).toList());
    assertEquals(List.of("Alice Archer wrote:\nUrgent."),
        sync.b().comments("PB-2").stream().map(Comment::body).toList(), "its content kept");
    sync.a("alice").deleteLink("PA-1", sync.a().links("PA-1").get(0).id());
    sync.runUntilQuiet();
    assertEquals(List.of(), sync.b().links("PB-1"), "the link made from it is paired");
  }
}
