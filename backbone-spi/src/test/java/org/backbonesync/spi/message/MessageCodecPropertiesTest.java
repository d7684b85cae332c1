package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the message codec over random messages and random damage. Every build runs
 * jqwik's default number of tries (a few seconds); {@code -Djqwik.tries.default=200000} runs long.
 */
class MessageCodecPropertiesTest {
  private final MessageCodec codec = new MessageCodec();

  @Provide
  Arbitrary<SyncMessage> messages() {
    return MessageArbitraries.messages();
  }

  /** What the codec writes, it reads back to a message that it writes the same. */
  @Property
  void everyMessageSurvivesARoundTrip(@ForAll("messages") SyncMessage message) {
    byte[] encoded = codec.encode(message);
    SyncMessage decoded = codec.decode(encoded);
    assertArrayEquals(encoded, codec.encode(decoded));
    assertEquals(message.messageId(), decoded.messageId());
    assertEquals(message.sequenceId(), decoded.sequenceId());
    assertEquals(message.fields().keySet(), decoded.fields().keySet());
  }

  /**
   * Damaged bytes are either refused with a {@link MessageFormatException} or read as a message
   * that the codec writes and reads back the same: never another exception, never a half-read
   * message.
   */
  @Property
  void damagedBytesAreRefusedOrReadWhole(@ForAll("messages") SyncMessage message,
      @ForAll("edits") List<int[]> edits) {
    byte[] damaged = damage(codec.encode(message), edits);
    SyncMessage decoded;
    try {
      decoded = codec.decode(damaged);
    } catch (MessageFormatException refused) {
      assertTrue(refused.getMessage().length() < 1000, refused.getMessage());
      return;
    }
    byte[] again = codec.encode(decoded);
    assertArrayEquals(again, codec.encode(codec.decode(again)));
  }

  /**
   * The one-pass read of a message of the current version gives what the read through a tree
   * gives, which checks the version first: the same message, or the same refusal, for random
   * messages whole, damaged, or of another version.
   */
  @Property
  void onePassReadsAsTheTreeDoes(@ForAll("messages") SyncMessage message,
      @ForAll("edits") List<int[]> edits, @ForAll("versions") int version) {
    byte[] whole = codec.encode(message);
    assertEquals(message.formatVersion() == MessageCodec.FORMAT_VERSION,
        codec.readCurrent(whole) != null); // (a message of this version is read in one pass)
    for (byte[] json : List.of(whole, damage(whole, edits), withVersion(whole, version))) {
      SyncMessage throughTree;
      try {
        throughTree = codec.decodeThroughTree(json);
      } catch (MessageFormatException refused) {
        MessageFormatException e = assertThrows(MessageFormatException.class,
            () -> codec.decode(json));
        assertEquals(refused.getMessage(), e.getMessage());
        continue;
      }
      assertEquals(throughTree, codec.decode(json));
    }
  }

  @Provide
  Arbitrary<Integer> versions() {
    return Arbitraries.integers().between(-1, MessageCodec.FORMAT_VERSION + 2);
  }

  /** The bytes with their {@code formatVersion} replaced by {@code version}. */
  private static byte[] withVersion(byte[] json, int version) {
    String text = new String(json, StandardCharsets.UTF_8).replaceFirst(
        "\"formatVersion\":\\d+", "\"formatVersion\":" + version);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A key given twice anywhere is refused and named, whatever the two values are. */
  @Property
  void aKeyTwiceIsRefusedWherever(@ForAll("messages") SyncMessage message,
      @ForAll("picks") int pick) throws Exception {
    ObjectNode tree = (ObjectNode) StrictJson.mapper().readTree(codec.encode(message));
    List<ObjectNode> objects = new ArrayList<>();
    collect(tree, objects);
    ObjectNode target = objects.get(Math.floorMod(pick, objects.size()));
    if (target.isEmpty()) {
      target.put("k", 1);
    }
    String key = target.fieldNames().next();
    String json = StrictJson.mapper().writeValueAsString(tree);
    String keyJson = StrictJson.mapper().writeValueAsString(key);
    String needle = "{" + keyJson + ":";
    int at = json.indexOf(needle, json.indexOf(StrictJson.mapper().writeValueAsString(target)));
    if (at < 0) {
      return; // the object's text is not found as a whole (a twin); covered by other tries
    }
    String twice = json.substring(0, at + 1) + keyJson + ":null," + json.substring(at + 1);
    MessageFormatException e = assertThrows(MessageFormatException.class,
        () -> codec.decode(twice.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("Duplicate field"), e.getMessage());
  }

  @Provide
  Arbitrary<Integer> picks() {
    return Arbitraries.integers().between(0, 1000);
  }

  /** Edits of bytes: {kind, position, value}: 0 replaces, 1 inserts, 2 deletes, 3 cuts there. */
  @Provide
  Arbitrary<List<int[]>> edits() {
    return Arbitraries.integers().between(0, 3)
        .flatMap(kind -> Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .flatMap(position -> Arbitraries.oneOf(
                Arbitraries.of((int) '{', (int) '}', (int) '[', (int) ']', (int) '"', (int) ',',
                    (int) ':', (int) '\\', (int) '0', (int) '-', (int) 'e', (int) '.'),
                Arbitraries.integers().between(0, 255))
                .map(value -> new int[] {kind, position, value})))
        .list().ofMinSize(1).ofMaxSize(4);
  }

  private static byte[] damage(byte[] bytes, List<int[]> edits) {
    List<Byte> out = new ArrayList<>();
    for (byte b : bytes) {
      out.add(b);
    }
    for (int[] edit : edits) {
      if (out.isEmpty()) {
        break;
      }
      int at = Math.floorMod(edit[1], out.size());
      switch (edit[0]) {
        case 0 -> out.set(at, (byte) edit[2]);
        case 1 -> out.add(at, (byte) edit[2]);
        case 2 -> out.remove(at);
        default -> out.subList(at, out.size()).clear();
      }
    }
    byte[] result = new byte[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return result;
  }

  private static void collect(JsonNode node, List<ObjectNode> into) {
    if (node instanceof ObjectNode o) {
      into.add(o);
    }
    node.forEach(child -> collect(child, into));
  }
}
