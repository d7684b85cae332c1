package org.backbonesync.spi.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random messages and field values for the codec's property tests. */
final class MessageArbitraries {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private MessageArbitraries() {}

  /** Keys, ids and names: any Unicode, some empty, some long. */
  static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12),
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.of("", "PA-1", "\u0000", "\"", "\\", "\u2028", "\uD83D\uDE00"));
  }

  /** A JSON value nested up to {@code depth} levels. */
  static Arbitrary<JsonNode> value(int depth) {
    Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
        text().map(JSON::textNode),
        Arbitraries.longs().map(JSON::numberNode),
        Arbitraries.doubles().map(JSON::numberNode),
        Arbitraries.integers().map(JSON::numberNode),
        Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(),
            java.math.BigInteger.TEN.pow(30)).map(JSON::numberNode),
        Arbitraries.of(-0.0, Double.MIN_VALUE, Double.MAX_VALUE).map(JSON::numberNode),
        Arbitraries.of(true, false).map(JSON::booleanNode),
        Arbitraries.just(JSON.nullNode()));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(4).map(items -> {
      ArrayNode a = JSON.arrayNode();
      items.forEach(a::add);
      return a;
    });
    Arbitrary<JsonNode> object = Arbitraries.maps(text(), value(depth - 1)).ofMaxSize(4)
        .map(entries -> {
          ObjectNode o = JSON.objectNode();
          entries.forEach(o::set);
          return o;
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, array),
        net.jqwik.api.Tuple.of(1, object));
  }

  static Arbitrary<FieldValue> fieldValue() {
    return Combinators.combine(value(3), Arbitraries.longs().greaterOrEqual(0), text(),
        Arbitraries.oneOf(Arbitraries.just((JsonNode) null), value(2)),
        Arbitraries.oneOf(Arbitraries.just((JsonNode) null), value(3)))
        .as(FieldValue::new);
  }

  /**
   * Any message the codec writes and reads back, without content operations (not generated yet),
   * with field values of every JSON kind but decimals (a {@code BigDecimal} is read back as a
   * double) and no time, epoch or sequence id out of range (refused when read).
   */
  static Arbitrary<SyncMessage> messages() {
    // (a blank field mapping id names no mapping: SyncMessage refuses it)
    Arbitrary<Map<String, FieldValue>> fields = Arbitraries.maps(
        text().filter(id -> !id.isBlank()), fieldValue())
        .ofMaxSize(5).map(LinkedHashMap::new);
    Arbitrary<String> nullable = Arbitraries.oneOf(Arbitraries.just((String) null), text());
    return Combinators.combine(
        Combinators.combine(text(), text(), text(), text(), text(), nullable,
            Arbitraries.longs().between(1, Long.MAX_VALUE),
            Arbitraries.of(MessageKind.class)).as(java.util.Arrays::<Object>asList),
        Combinators.combine(nullable, Arbitraries.longs().greaterOrEqual(0), fields, nullable,
            Arbitraries.longs().greaterOrEqual(0)).as(java.util.Arrays::<Object>asList),
        Arbitraries.longs().greaterOrEqual(0).list().ofSize(3), Arbitraries.of(false, true))
        .as((a, b, epochs, ignored) -> {
          @SuppressWarnings("unchecked")
          Map<String, FieldValue> f = (Map<String, FieldValue>) b.get(2);
          return SyncMessage.builder().messageId((String) a.get(0))
              .synchronizationId((String) a.get(1)).fromConnector((String) a.get(2))
              .toConnector((String) a.get(3)).sourceIssueKey((String) a.get(4))
              .partnerIssueKey((String) a.get(5)).sequenceId((Long) a.get(6))
              .kind((MessageKind) a.get(7)).issueType((String) b.get(0)).createdAt((Long) b.get(1))
              .fields(f).parentIssueKey((String) b.get(3)).seenSequenceId((Long) b.get(4))
              .senderEpoch(epochs.get(0)).receiverEpoch(epochs.get(1)).partnerSince(epochs.get(2))
              .incomingChangesIgnored(ignored).build();
        });
  }
}
