package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  private final MessageCodec codec = new MessageCodec();

  private static SyncMessage message() {
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    fields.put("map-summary", new FieldValue(JsonNodeFactory.instance.textNode("Printer"), 1, "alice"));
    fields.put("map-labels", new FieldValue(
        JsonNodeFactory.instance.arrayNode().add("a").add("b"), 2, "bob"));
    fields.put("map-assignee", new FieldValue(NullNode.getInstance(), 3, "alice"));
    return SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1000).fields(fields)
        .senderEpoch(4097).receiverEpoch(2049).partnerSince(1).build();
  }

  @Test
  void aMessageSurvivesARoundTripWithItsFieldOrder() {
    SyncMessage decoded = codec.decode(codec.encode(message()));

    assertEquals(message(), decoded);
    assertEquals(List.of("map-summary", "map-labels", "map-assignee"),
        List.copyOf(decoded.fields().keySet()));
    assertArrayEquals(codec.encode(message()), codec.encode(decoded));
  }

  @Test
  void anUnknownFormatVersionIsRefusedWithTheVersionNamed() {
    String json = new String(codec.encode(message()), StandardCharsets.UTF_8)
        .replace("\"formatVersion\":7", "\"formatVersion\":8");

    var e = assertThrows(MessageFormatException.class,
        () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));

    assertEquals("unsupported message formatVersion 8 (messageId \"PA:PA-1:1:1\");"
        + " this version reads 1 to 7", e.getMessage());
  }

  /**
   * A description read from Jira Cloud: the wiki text, and beside it the ADF document it came
   * from, which the partner writes when it is Cloud too.
   */
  @Test
  void aFieldValuesDocumentTravelsBesideItsTextFromVersion6() {
    var doc = JsonNodeFactory.instance.objectNode().put("type", "doc").put("version", 1);
    doc.putArray("content").addObject().put("type", "expand").putObject("attrs")
        .put("title", "Logs");
    Map<String, FieldValue> fields = new LinkedHashMap<>(message().fields());
    fields.put("map-description", new FieldValue(
        JsonNodeFactory.instance.textNode("*Logs*"), 4, "alice").withDocument(doc));
    SyncMessage m = message().withValues(MessageCodec.FORMAT_VERSION, fields, Map.of());

    String json = new String(codec.encode(m), StandardCharsets.UTF_8);
    SyncMessage decoded = codec.decode(json.getBytes(StandardCharsets.UTF_8));

    assertTrue(json.contains("\"map-description\":{\"value\":\"*Logs*\",\"changedAt\":4,"
        + "\"changedBy\":\"alice\",\"document\":{\"type\":\"doc\""), json);
    assertEquals(doc, decoded.fields().get("map-description").document());
    assertEquals(m, decoded);
    assertTrue(!json.contains("\"map-summary\":{\"value\":\"Printer\",\"changedAt\":1,"
        + "\"changedBy\":\"alice\",\"document\""), "no document, no property: " + json);

    SyncMessage older = m.withValues(5, fields, Map.of());
    String written = new String(codec.encode(older), StandardCharsets.UTF_8);
    assertTrue(!written.contains("document"), "version 5 cannot carry it: " + written);
    assertEquals("*Logs*",
        codec.decode(written.getBytes(StandardCharsets.UTF_8)).fields().get("map-description")
            .value().asText());
    var refused = assertThrows(MessageFormatException.class, () -> codec.decode(
        json.replace("\"formatVersion\":7", "\"formatVersion\":5")
            .replace(",\"incomingChangesIgnored\":false", "")
            .getBytes(StandardCharsets.UTF_8)));
    assertEquals("message \"PA:PA-1:1:1\" of formatVersion 5 has a field value's document,"
        + " which only version 6 and later have", refused.getMessage());
  }

  /**
   * A row that ignores the partner's changes says so from version 7; a message of version 6
   * (queued when a host upgrades) cannot say it, and is read as from a row that takes them.
   */
  @Test
  void whetherTheSenderIgnoresTheReceiverTravelsFromVersion7() {
    SyncMessage m = message();
    SyncMessage ignoring = new SyncMessage(m.formatVersion(), m.messageId(),
        m.synchronizationId(), m.fromConnector(), m.toConnector(), m.sourceIssueKey(),
        m.partnerIssueKey(), m.sequenceId(), m.kind(), m.issueType(), m.createdAt(), m.fields(),
        m.parentIssueKey(), m.seenSequenceId(), m.senderEpoch(), m.receiverEpoch(),
        m.partnerSince(), m.content(), true);

    String json = new String(codec.encode(ignoring), StandardCharsets.UTF_8);

    assertTrue(json.endsWith(",\"incomingChangesIgnored\":true}"), json);
    assertEquals(ignoring, codec.decode(json.getBytes(StandardCharsets.UTF_8)));
    String older = new String(codec.encode(m.withValues(6, m.fields(), Map.of())),
        StandardCharsets.UTF_8);
    assertTrue(!older.contains("incomingChangesIgnored"), older);
    assertEquals(false, codec.decode(older.getBytes(StandardCharsets.UTF_8))
        .incomingChangesIgnored());
    var unwritable = assertThrows(MessageFormatException.class,
        () -> codec.encode(ignoring.withValues(6, m.fields(), Map.of())));
    assertEquals("message PA:PA-1:1:1 of formatVersion 6 cannot carry incomingChangesIgnored;"
        + " only version 7 and later can", unwritable.getMessage());
    var refused = assertThrows(MessageFormatException.class, () -> codec.decode(
        json.replace("\"formatVersion\":7", "\"formatVersion\":6")
            .getBytes(StandardCharsets.UTF_8)));
    assertEquals("message \"PA:PA-1:1:1\" of formatVersion 6 has incomingChangesIgnored,"
        + " which only a later version has", refused.getMessage());
  }

  /** A message as format version 5 wrote it, queued when a host upgrades, still reads. */
  @Test
  void aMessageOfFormatVersion5IsReadWithoutDocuments() {
    String stored = "{\"formatVersion\":5,\"messageId\":\"PA:PA-1:1:4\",\"synchronizationId\":"
        + "\"sync\",\"fromConnector\":\"PA\",\"toConnector\":\"PB\",\"sourceIssueKey\":"
        + "\"PA-1\",\"partnerIssueKey\":\"PB-1\",\"sequenceId\":4,\"kind\":\"CHANGE\","
        + "\"issueType\":\"Task\",\"createdAt\":1000,\"fields\":{\"map-description\":"
        + "{\"value\":\"h2. Steps\",\"changedAt\":1,\"changedBy\":\"alice\"}},"
        + "\"parentIssueKey\":null,\"seenSequenceId\":1,\"senderEpoch\":5,"
        + "\"receiverEpoch\":6,\"partnerSince\":1,\"content\":{\"map-comments\":[{\"op\":"
        + "\"add\",\"id\":\"10001\",\"author\":\"alice\",\"authorName\":\"Alice\","
        + "\"body\":\"It smokes.\",\"created\":900,\"visibility\":null}]}}";

    SyncMessage m = codec.decode(stored.getBytes(StandardCharsets.UTF_8));

    assertEquals(5, m.formatVersion());
    assertEquals("h2. Steps", m.fields().get("map-description").value().asText());
    assertEquals(null, m.fields().get("map-description").document());
    assertEquals(stored, new String(codec.encode(m), StandardCharsets.UTF_8), "written back as 5");
  }

  /** A message as format version 1 wrote it, queued when a host upgrades, still applies. */
  @Test
  void aMessageOfFormatVersion1IsReadWithoutEpochs() {
    String stored = "{\"formatVersion\":1,\"messageId\":\"PA:PA-1:1:2\",\"synchronizationId\":"
        + "\"sync\",\"fromConnector\":\"PA\",\"toConnector\":\"PB\",\"sourceIssueKey\":"
        + "\"PA-1\",\"partnerIssueKey\":\"PB-1\",\"sequenceId\":2,\"kind\":\"CHANGE\","
        + "\"issueType\":\"Task\",\"createdAt\":1000,\"fields\":{\"map-summary\":{\"value\":"
        + "\"Printer\",\"changedAt\":1,\"changedBy\":\"alice\"}},"
        + "\"parentIssueKey\":null,\"seenSequenceId\":1}";

    SyncMessage m = codec.decode(stored.getBytes(StandardCharsets.UTF_8));

    assertEquals(1, m.formatVersion());
    assertEquals(2, m.sequenceId());
    assertEquals("PB-1", m.partnerIssueKey());
    assertEquals(0, m.senderEpoch());
    assertEquals(0, m.receiverEpoch());
    assertEquals(stored, new String(codec.encode(m), StandardCharsets.UTF_8), "written back as 1");
    var refused = assertThrows(MessageFormatException.class, () -> codec.decode(
        stored.replace("\"seenSequenceId\":1}", "\"seenSequenceId\":1,\"senderEpoch\":5}")
            .getBytes(StandardCharsets.UTF_8)));
    assertTrue(refused.getMessage().contains("senderEpoch"), refused.getMessage());
  }

  /**
   * A message as format version 2 wrote it (comment operations inside {@code fields}), queued
   * when a host upgrades: read as it is, the engine moves the operations when it applies it.
   */
  @Test
  void aMessageOfFormatVersion2IsReadWithItsContentInItsFields() {
    String stored = "{\"formatVersion\":2,\"messageId\":\"PA:PA-1:1:3\",\"synchronizationId\":"
        + "\"sync\",\"fromConnector\":\"PA\",\"toConnector\":\"PB\",\"sourceIssueKey\":"
        + "\"PA-1\",\"partnerIssueKey\":\"PB-1\",\"sequenceId\":3,\"kind\":\"CHANGE\","
        + "\"issueType\":\"Task\",\"createdAt\":1000,\"fields\":{\"map-comments\":{\"value\":"
        + "[{\"op\":\"add\",\"id\":\"10001\",\"author\":\"alice\",\"authorName\":\"Alice\","
        + "\"body\":\"It smokes.\",\"created\":900,\"visibility\":null}],\"changedAt\":900,"
        + "\"changedBy\":\"alice\"}},\"parentIssueKey\":null,\"seenSequenceId\":1,"
        + "\"senderEpoch\":5,\"receiverEpoch\":6,\"partnerSince\":1}";

    SyncMessage m = codec.decode(stored.getBytes(StandardCharsets.UTF_8));

    assertEquals(2, m.formatVersion());
    assertEquals("add", m.fields().get("map-comments").value().get(0).get("op").asText());
    assertTrue(m.content().isEmpty());
    assertEquals(stored, new String(codec.encode(m), StandardCharsets.UTF_8), "written back as 2");
    var refused = assertThrows(MessageFormatException.class, () -> codec.decode(
        stored.replace("\"partnerSince\":1}", "\"partnerSince\":1,\"content\":{}}")
            .getBytes(StandardCharsets.UTF_8)));
    assertEquals("message \"PA:PA-1:1:3\" of formatVersion 2 has content, which only a later"
        + " version has", refused.getMessage());
  }

  @Test
  void contentTravelsInItsOwnSectionFromVersion3AndNeverInAnEarlierOne() {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    ops.addObject().put("op", "delete").put("id", "10001").put("partnerId", "20001");
    SyncMessage m = message().withValues(MessageCodec.FORMAT_VERSION, message().fields(),
        Map.of("map-comments", ops));

    String json = new String(codec.encode(m), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"content\":{\"map-comments\":[{\"op\":\"delete\""), json);
    assertEquals(m, codec.decode(json.getBytes(StandardCharsets.UTF_8)));

    SyncMessage older = m.withValues(2, m.fields(), m.content());
    var refused = assertThrows(MessageFormatException.class, () -> codec.encode(older));
    assertEquals("message PA:PA-1:1:1 of formatVersion 2 cannot carry content [map-comments];"
        + " only version 3 and later can", refused.getMessage());
  }

  @Test
  void brokenJsonIsRefusedWithItsPosition() {
    var e = assertThrows(MessageFormatException.class,
        () -> codec.decode("{\"formatVersion\":1,\n\"messageId\":}".getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().startsWith("message is not valid JSON at line 2, column"),
        e.getMessage());
  }

  @Test
  void anUnknownPropertyOrAMissingOneIsRefused() {
    String json = new String(codec.encode(message()), StandardCharsets.UTF_8);

    var unknown = assertThrows(MessageFormatException.class, () -> codec.decode(
        json.replace("\"kind\"", "\"surprise\":1,\"kind\"").getBytes(StandardCharsets.UTF_8)));
    assertTrue(unknown.getMessage().contains("surprise"), unknown.getMessage());

    var missing = assertThrows(MessageFormatException.class, () -> codec.decode(
        json.replace("\"messageId\":\"PA:PA-1:1:1\",", "").getBytes(StandardCharsets.UTF_8)));
    assertTrue(missing.getMessage().contains("messageId"), missing.getMessage());
  }

  @Test
  void aSequenceIdBelowOneIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> SyncMessage.builder()
        .formatVersion(1).messageId("m").synchronizationId("s").fromConnector("PA")
        .toConnector("PB").sourceIssueKey("PA-1").sequenceId(0).kind(MessageKind.CHANGE)
        .issueType("Task").build());
    assertEquals("sequenceId must be at least 1, was 0", e.getMessage());
  }
}
