package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.junit.jupiter.api.Test;

class DecodedMessagesTest {
  private final MessageCodec codec = new MessageCodec();
  private final DecodedMessages decoded = new DecodedMessages(codec);

  private byte[] json(String issue, long sequence, String value) {
    SyncMessage m = SyncMessage.builder().formatVersion(1)
        .messageId("PA:" + issue + ":1:" + sequence).synchronizationId("s").fromConnector("PA")
        .toConnector("PB").sourceIssueKey(issue).sequenceId(sequence).kind(MessageKind.CHANGE)
        .issueType("Task").createdAt(100 + sequence)
        .fields(Map.of("m1", new FieldValue(JsonNodeFactory.instance.textNode(value), 5, "alice")))
        .build();
    return codec.encode(m);
  }

  @Test
  void aMessageReadAgainIsDecodedOnceAndIsWhatDecodingGives() {
    byte[] json = json("PA-1", 1, "printer é 😀");

    SyncMessage first = decoded.decode(json);

    assertSame(first, decoded.decode(json.clone())); // (equal text, another array)
    assertEquals(codec.decode(json), first);
  }

  @Test
  void theSameMessageIdWithOtherContentIsDecodedFromItsOwnText() {
    // (a database restored from a backup writes an id again, with what the engine sends now)
    SyncMessage before = decoded.decode(json("PA-1", 1, "printer"));

    SyncMessage after = decoded.decode(json("PA-1", 1, "scanner"));

    assertEquals(before.messageId(), after.messageId());
    assertNotEquals(before, after);
    assertEquals("scanner", after.fields().get("m1").value().asText());
  }

  @Test
  void theOldestAreForgottenPastTheBound() {
    byte[] oldest = json("PA-0", 1, "v");
    SyncMessage first = decoded.decode(oldest);
    byte[] second = json("PA-1", 1, "v");
    SyncMessage secondMessage = decoded.decode(second);
    int bytes = oldest.length + second.length;
    for (int i = 2; bytes + 2000 <= DecodedMessages.MAX_BYTES; i++) { // (about 2,000 each)
      byte[] next = json("PA-" + i, 1, "v".repeat(2000 - oldest.length));
      decoded.decode(next);
      bytes += next.length;
    }
    assertSame(first, decoded.decode(oldest), "all within the bound yet");

    decoded.decode(json("PA-x", 1, "v".repeat(4000))); // over it: the oldest go

    assertNotSame(secondMessage, decoded.decode(second));
    assertEquals(secondMessage, decoded.decode(second));
  }

  @Test
  void aLargeMessageIsNotKept() {
    byte[] json = json("PA-1", 1, "x".repeat(DecodedMessages.MAX_JSON_BYTES));

    assertNotSame(decoded.decode(json), decoded.decode(json));
  }

  @Test
  void textThatDoesNotDecodeFailsEveryTime() {
    byte[] json = new String(json("PA-1", 1, "v"), StandardCharsets.UTF_8)
        .replace("\"formatVersion\":1", "\"formatVersion\":\"x\"")
        .getBytes(StandardCharsets.UTF_8);

    assertThrows(RuntimeException.class, () -> decoded.decode(json));
    assertThrows(RuntimeException.class, () -> decoded.decode(json));
  }

  @Test
  void aMessageWrittenIsReadAsDecodingGivesThoughItsValuesChangeAfter() {
    ArrayNode labels = JsonNodeFactory.instance.arrayNode().add("printer");
    SyncMessage m = SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("s")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(100)
        .fields(Map.of("labels", new FieldValue(labels, 5, "alice"))).senderEpoch(1).build();
    byte[] json = codec.encode(m);

    decoded.written(json, m);
    labels.add("changed after the write");
    SyncMessage read = decoded.decode(json.clone());

    assertSame(read, decoded.decode(json), "kept at the write");
    assertEquals(codec.decode(json), read);
  }

  @Test
  void aMessageWrittenThatDecodesOtherwiseIsDecodedWhenRead() {
    // (a long that fits an int reads back as an IntNode, unequal to the LongNode written)
    SyncMessage m = SyncMessage.builder().messageId("PA:PA-1:1:1").synchronizationId("s")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-1").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(100)
        .fields(Map.of("votes",
            new FieldValue(JsonNodeFactory.instance.numberNode(3L), 5, "alice")))
        .senderEpoch(1).build();
    byte[] json = codec.encode(m);

    decoded.written(json, m);
    SyncMessage read = decoded.decode(json);

    assertNotEquals(m, read);
    assertEquals(codec.decode(json), read);
  }
}
