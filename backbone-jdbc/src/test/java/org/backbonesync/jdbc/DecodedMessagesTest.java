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

  private String json(String issue, long sequence, String value) {
    SyncMessage m = new SyncMessage(1, "PA:" + issue + ":1:" + sequence, "s", "PA", "PB", issue,
        null, sequence, MessageKind.CHANGE, "Task", 100 + sequence,
        Map.of("m1", new FieldValue(JsonNodeFactory.instance.textNode(value), 5, "alice")));
    return new String(codec.encode(m), StandardCharsets.UTF_8);
  }

  @Test
  void aMessageReadAgainIsDecodedOnceAndIsWhatDecodingGives() {
    String json = json("PA-1", 1, "printer");

    SyncMessage first = decoded.decode(json);

    assertSame(first, decoded.decode(new String(json))); // (equal text, another instance)
    assertEquals(codec.decode(json.getBytes(StandardCharsets.UTF_8)), first);
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
    String oldest = json("PA-0", 1, "v");
    SyncMessage first = decoded.decode(oldest);
    String second = json("PA-1", 1, "v");
    SyncMessage secondMessage = decoded.decode(second);
    int chars = oldest.length() + second.length();
    for (int i = 2; chars + 2000 <= DecodedMessages.MAX_CHARS; i++) { // (about 2,000 each)
      String next = json("PA-" + i, 1, "v".repeat(2000 - oldest.length()));
      decoded.decode(next);
      chars += next.length();
    }
    assertSame(first, decoded.decode(oldest), "all within the bound yet");

    decoded.decode(json("PA-x", 1, "v".repeat(4000))); // over it: the oldest go

    assertNotSame(secondMessage, decoded.decode(second));
    assertEquals(secondMessage, decoded.decode(second));
  }

  @Test
  void aLargeMessageIsNotKept() {
    String json = json("PA-1", 1, "x".repeat(DecodedMessages.MAX_JSON_CHARS));

    assertNotSame(decoded.decode(json), decoded.decode(json));
  }

  @Test
  void textThatDoesNotDecodeFailsEveryTime() {
    String json = json("PA-1", 1, "v").replace("\"formatVersion\":1", "\"formatVersion\":\"x\"");

    assertThrows(RuntimeException.class, () -> decoded.decode(json));
    assertThrows(RuntimeException.class, () -> decoded.decode(json));
  }

  @Test
  void aMessageWrittenIsReadAsDecodingGivesThoughItsValuesChangeAfter() {
    ArrayNode labels = JsonNodeFactory.instance.arrayNode().add("printer");
    SyncMessage m = new SyncMessage(MessageCodec.FORMAT_VERSION, "PA:PA-1:1:1", "s", "PA", "PB",
        "PA-1", null, 1, MessageKind.CHANGE, "Task", 100,
        Map.of("labels", new FieldValue(labels, 5, "alice")), null, 0, 1, 0, 0, Map.of(), false);
    String json = new String(codec.encode(m), StandardCharsets.UTF_8);

    decoded.written(json, m);
    labels.add("changed after the write");
    SyncMessage read = decoded.decode(new String(json));

    assertSame(read, decoded.decode(json), "kept at the write");
    assertEquals(codec.decode(json.getBytes(StandardCharsets.UTF_8)), read);
  }

  @Test
  void aMessageWrittenThatDecodesOtherwiseIsDecodedWhenRead() {
    // (a long that fits an int reads back as an IntNode, unequal to the LongNode written)
    SyncMessage m = new SyncMessage(MessageCodec.FORMAT_VERSION, "PA:PA-1:1:1", "s", "PA", "PB",
        "PA-1", null, 1, MessageKind.CHANGE, "Task", 100,
        Map.of("votes", new FieldValue(JsonNodeFactory.instance.numberNode(3L), 5, "alice")),
        null, 0, 1, 0, 0, Map.of(), false);
    String json = new String(codec.encode(m), StandardCharsets.UTF_8);

    decoded.written(json, m);
    SyncMessage read = decoded.decode(json);

    assertNotEquals(m, read);
    assertEquals(codec.decode(json.getBytes(StandardCharsets.UTF_8)), read);
  }
}
