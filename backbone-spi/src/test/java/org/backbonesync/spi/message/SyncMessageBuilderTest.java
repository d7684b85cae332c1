package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncMessageBuilderTest {

  private static SyncMessage.Builder required() {
    return SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("sync")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(1)
        .kind(MessageKind.CHANGE);
  }

  @Test
  void aMessageWithOnlyTheRequiredComponentsHasTheDefaults() {
    assertEquals(new SyncMessage(MessageCodec.FORMAT_VERSION, "PA:PA-1:1:1", "sync", "PA", "PB",
        "PA-1", null, 1, MessageKind.CHANGE, null, 0, Map.of(), null, 0, 0, 0, 0, Map.of(),
        false), required().build());
  }

  @Test
  void everyComponentIsSetByItsSetter() {
    var fields = Map.of("map-summary",
        new FieldValue(JsonNodeFactory.instance.textNode("Printer"), 1, "alice"));
    Map<String, JsonNode> content = Map.of("map-comments", JsonNodeFactory.instance.arrayNode());

    SyncMessage m = required().formatVersion(2).partnerIssueKey("PB-1").issueType("Sub-task")
        .createdAt(1000).fields(fields).parentIssueKey("PA-0").seenSequenceId(3).senderEpoch(4)
        .receiverEpoch(5).partnerSince(6).content(content).incomingChangesIgnored(true).build();

    assertEquals(new SyncMessage(2, "PA:PA-1:1:1", "sync", "PA", "PB", "PA-1", "PB-1", 1,
        MessageKind.CHANGE, "Sub-task", 1000, fields, "PA-0", 3, 4, 5, 6, content, true), m);
  }

  @Test
  void aSetterRefusesABadValueNamingTheComponent() {
    var noId = assertThrows(NullPointerException.class,
        () -> SyncMessage.builder().messageId(null));
    assertEquals("messageId", noId.getMessage());
    var noFields = assertThrows(NullPointerException.class,
        () -> SyncMessage.builder().fields(null));
    assertEquals("fields", noFields.getMessage());
    var zero = assertThrows(IllegalArgumentException.class,
        () -> SyncMessage.builder().sequenceId(0));
    assertEquals("sequenceId must be at least 1, was 0", zero.getMessage());
  }

  /**
   * A negative time, epoch or sequence id is refused as the codec refuses one from a partner,
   * naming the component and the value, by the setter and by the record's constructor.
   */
  @Test
  void aNegativeTimeEpochOrSequenceIdIsRefusedNamingIt() {
    Map<String, java.util.function.Consumer<SyncMessage.Builder>> setters = Map.of(
        "createdAt", b -> b.createdAt(-1), "seenSequenceId", b -> b.seenSequenceId(-1),
        "senderEpoch", b -> b.senderEpoch(-1), "receiverEpoch", b -> b.receiverEpoch(-1),
        "partnerSince", b -> b.partnerSince(Long.MIN_VALUE));
    setters.forEach((name, setter) -> {
      var refused = assertThrows(IllegalArgumentException.class, () -> setter.accept(required()));
      assertEquals(name + " must be 0 or more, was "
          + (name.equals("partnerSince") ? Long.MIN_VALUE : -1), refused.getMessage());
    });
    var record = assertThrows(IllegalArgumentException.class, () -> new SyncMessage(
        MessageCodec.FORMAT_VERSION, "m", "s", "PA", "PB", "PA-1", null, 1, MessageKind.CHANGE,
        null, 0, Map.of(), null, 0, 0, -7, 0, Map.of(), false));
    assertEquals("receiverEpoch must be 0 or more, was -7", record.getMessage());
    SyncMessage zero = required().createdAt(0).seenSequenceId(0).senderEpoch(0).receiverEpoch(0)
        .partnerSince(0).build();
    assertEquals(0, zero.createdAt() + zero.seenSequenceId() + zero.senderEpoch()
        + zero.receiverEpoch() + zero.partnerSince(), "0 (none) is taken");
  }

  /**
   * A field value's negative time is refused when built, as decoding refuses it: the sender
   * fails, not its partner.
   */
  @Test
  void aFieldValuesNegativeTimeIsRefusedNamingIt() {
    JsonNode text = JsonNodeFactory.instance.textNode("x");
    var refused = assertThrows(IllegalArgumentException.class,
        () -> new FieldValue(text, -1, "alice"));
    assertEquals("changedAt must be 0 or more, was -1", refused.getMessage());
    assertEquals(0, new FieldValue(text, 0, null).changedAt(), "0 (unknown) is taken");
  }

  @Test
  void buildRefusesAMessageMissingARequiredComponent() {
    var noKind = assertThrows(NullPointerException.class,
        () -> SyncMessage.builder().messageId("m").synchronizationId("s").fromConnector("PA")
            .toConnector("PB").sourceIssueKey("PA-1").sequenceId(1).build());
    assertEquals("kind", noKind.getMessage());
    var noSequence = assertThrows(IllegalArgumentException.class,
        () -> SyncMessage.builder().messageId("m").synchronizationId("s").fromConnector("PA")
            .toConnector("PB").sourceIssueKey("PA-1").kind(MessageKind.CHANGE).build());
    assertEquals("sequenceId must be at least 1, was 0", noSequence.getMessage());
  }
}
