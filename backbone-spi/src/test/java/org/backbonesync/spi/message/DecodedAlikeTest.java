package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.backbonesync.spi.internal.DecodedAlike;
import org.junit.jupiter.api.Test;

/**
 * {@link DecodedAlike}: a message it answers for is the one decoding the codec's JSON of it
 * gives, over random messages with values of every node type, and it answers for the ordinary.
 */
class DecodedAlikeTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final MessageCodec codec = new MessageCodec();

  @Provide
  Arbitrary<SyncMessage> messages() {
    return Arbitraries.oneOf(MessageArbitraries.messages(),
        MessageArbitraries.messages().flatMap(m -> odd().map(value -> withValue(m, value))));
  }

  /**
   * Values the codec reads back as other nodes, or refuses, alone or inside an array: the
   * ordinary messages hold some too ({@code long}s that fit an {@code int}, big integers).
   */
  private static Arbitrary<JsonNode> odd() {
    Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
        Arbitraries.integers().map(i -> (JsonNode) JSON.numberNode((long) i)),
        Arbitraries.shorts().map(JSON::numberNode),
        Arbitraries.floats().map(JSON::numberNode),
        Arbitraries.bigDecimals().map(JSON::numberNode),
        Arbitraries.bigIntegers().between(BigInteger.ONE.negate(), BigInteger.TEN.pow(25))
            .map(JSON::numberNode),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY).map(JSON::numberNode),
        Arbitraries.of("\uD83D", "a\uDE00", "\uDE00\uD83D").map(JSON::textNode),
        Arbitraries.just(JSON.binaryNode(new byte[] {1, 2})),
        Arbitraries.just(JSON.pojoNode(new Object())),
        Arbitraries.integers().between(190, 200).map(DecodedAlikeTest::nested));
    return Arbitraries.oneOf(scalar, scalar.map(v -> JSON.arrayNode().add("x").add(v)));
  }

  /** What it answers for is what decoding the codec's JSON gives; a refused message it never. */
  @Property
  void whatItAnswersIsWhatDecodingGives(@ForAll("messages") SyncMessage message) {
    SyncMessage alike = DecodedAlike.of(message);
    Statistics.label("answered").collect(alike != null);
    SyncMessage decoded;
    try {
      decoded = codec.decode(codec.encode(message));
    } catch (MessageFormatException | IllegalArgumentException refused) {
      assertNull(alike, refused.getMessage());
      return;
    }
    if (alike != null) {
      assertEquals(decoded, alike);
    }
  }

  /** It answers for most messages: the ordinary ones, without the odd values. */
  @Property
  void itAnswersForOrdinaryMessages(@ForAll("messages") SyncMessage message) {
    boolean odd = message.fields().containsKey("odd");
    Statistics.label(odd ? "odd" : "ordinary").collect(DecodedAlike.of(message) != null);
    Statistics.label("ordinary").coverage(checker -> checker.check(true)
        .percentage(p -> p > 30));
  }

  @Test
  void aMessageOfPlainValuesIsItself() {
    SyncMessage message = message(Map.of("summary", new FieldValue(JSON.textNode("Login fails"),
        1L, "alice"), "votes", new FieldValue(JSON.numberNode(3), 2L, "bob")));
    assertSame(message, DecodedAlike.of(message));
  }

  @Test
  void arraysAreCopiedSoThatLaterChangesDoNotReachIt() {
    ArrayNode labels = JSON.arrayNode().add("a").add("b");
    SyncMessage message = message(Map.of("labels", new FieldValue(labels, 1L, "alice",
        JSON.arrayNode().add("a"))));
    SyncMessage alike = DecodedAlike.of(message);
    assertNotNull(alike);
    assertNotSame(labels, alike.fields().get("labels").value());
    labels.add("changed later");
    assertEquals(codec.decode(codec.encode(message(Map.of("labels", new FieldValue(
        JSON.arrayNode().add("a").add("b"), 1L, "alice", JSON.arrayNode().add("a")))))), alike);
  }

  @Test
  void numbersReadBackAsOtherNodesAreNotAnswered() {
    assertNull(DecodedAlike.of(withValue(message(Map.of()), JSON.numberNode(5L))));
    assertNull(DecodedAlike.of(withValue(message(Map.of()), JSON.numberNode(new BigDecimal(
        "1.5")))));
    assertNull(DecodedAlike.of(withValue(message(Map.of()), JSON.numberNode(1.5f))));
    assertNotNull(DecodedAlike.of(withValue(message(Map.of()), JSON.numberNode(1L << 40))));
    assertNotNull(DecodedAlike.of(withValue(message(Map.of()), JSON.numberNode(1.5))));
  }

  @Test
  void anEarlierVersionOrDeepNestingIsNotAnswered() {
    SyncMessage message = message(Map.of());
    assertNull(DecodedAlike.of(message.withValues(6, message.fields(), message.content())));
    assertNull(DecodedAlike.of(withValue(message, nested(StrictJson.MAX_NESTING_DEPTH - 3))));
    assertNotNull(DecodedAlike.of(withValue(message, nested(StrictJson.MAX_NESTING_DEPTH - 4))));
  }

  /**
   * A content operation's negative size, which decoding refuses, is not answered for (a field
   * value's negative time and a message's own negative epoch or time are built by no one:
   * {@code SyncMessageBuilderTest}).
   */
  @Test
  void aNumberDecodingRefusesIsNotAnswered() {
    SyncMessage size = message(Map.of()).withValues(MessageCodec.FORMAT_VERSION, Map.of(),
        Map.of("map-attachments", JSON.arrayNode().add(JSON.objectNode().put("op", "add")
            .put("size", -1))));
    assertThrows(MessageFormatException.class, () -> codec.decode(codec.encode(size)));
    assertNull(DecodedAlike.of(size));
    assertNotNull(DecodedAlike.of(message(Map.of())));
  }

  /** Arrays nested {@code depth} deep around a number. */
  private static JsonNode nested(int depth) {
    JsonNode node = JSON.numberNode(1);
    for (int i = 0; i < depth; i++) {
      node = JSON.arrayNode().add(node);
    }
    return node;
  }

  private static SyncMessage withValue(SyncMessage m, JsonNode value) {
    Map<String, FieldValue> fields = new LinkedHashMap<>(m.fields());
    fields.put("odd", new FieldValue(value, 1L, "alice"));
    return m.withValues(m.formatVersion(), fields, m.content());
  }

  private static SyncMessage message(Map<String, FieldValue> fields) {
    return SyncMessage.builder().messageId("m-1").synchronizationId("sync-1").fromConnector("A")
        .toConnector("B").sourceIssueKey("PA-1").partnerIssueKey("PB-1").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Bug").createdAt(5L).fields(fields).senderEpoch(1)
        .receiverEpoch(1).partnerSince(1).build();
  }
}
