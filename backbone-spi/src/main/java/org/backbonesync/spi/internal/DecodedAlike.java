package org.backbonesync.spi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.message.SyncMessage;

/**
 * A message as {@link MessageCodec} would decode what it encodes of it, told without writing or
 * reading JSON: for a store that keeps the messages it last decoded by their text, so that it can
 * keep a message it writes under the text it writes, and the first read of it decodes nothing
 * (that first decode was about a twelfth of what an engine node allocated per change, {@code
 * TwoNodeBenchmark}, JFR).
 *
 * <p>It tells only what it can be sure of, and answers null otherwise: a message of the current
 * format version whose JSON values are of the node types the codec reads back (text, booleans,
 * null, {@code int}s as {@link IntNode}, other {@code long}s as {@link LongNode}, finite doubles
 * as {@link DoubleNode}, arrays and objects of those), nested well within {@link
 * StrictJson#MAX_NESTING_DEPTH}, with no text the codec would refuse or alter (over {@link
 * StrictJson#MAX_STRING_LENGTH}, or with half a surrogate pair) and no number it refuses ({@link
 * MessageNumbers}). A {@code long} that fits an
 * {@code int}, a float, a decimal or a big integer reads back as another node, which compares
 * unequal: such a message is decoded when read, as before. The arrays and objects are copied,
 * so that the message kept cannot change with the values a mapping may go on changing.
 */
public final class DecodedAlike {
  /** The nesting around a field value: the message, its {@code fields}, the field's object. */
  private static final int AROUND_VALUE = 3;

  private DecodedAlike() {}

  /**
   * The message decoding the codec's JSON of {@code message} would give: {@code message} itself
   * when it holds no arrays or objects, else a copy holding copies of them; null when the
   * decoded message might differ.
   */
  public static SyncMessage of(SyncMessage message) {
    if (message.formatVersion() != MessageCodec.FORMAT_VERSION || !envelopeAlike(message)
        || !MessageNumbers.within(message)) {
      return null;
    }
    boolean containers = false;
    for (Map.Entry<String, FieldValue> entry : message.fields().entrySet()) {
      FieldValue field = entry.getValue();
      int value = depth(field.value());
      int previous = field.previous() == null ? 0 : depth(field.previous());
      int document = field.document() == null ? 0 : depth(field.document());
      if (!textAlike(entry.getKey()) || !textAlike(field.changedBy()) || value < 0
          || previous < 0 || document < 0) {
        return null;
      }
      containers |= value + previous + document > 0;
    }
    for (Map.Entry<String, JsonNode> entry : message.content().entrySet()) {
      int depth = depth(entry.getValue());
      if (!textAlike(entry.getKey()) || depth < 0) {
        return null;
      }
      containers |= depth > 0;
    }
    return containers ? withCopies(message) : message;
  }

  /** Whether every text of the message outside its fields and content reads back the same. */
  private static boolean envelopeAlike(SyncMessage m) {
    return textAlike(m.messageId()) && textAlike(m.synchronizationId())
        && textAlike(m.fromConnector()) && textAlike(m.toConnector())
        && textAlike(m.sourceIssueKey()) && textAlike(m.partnerIssueKey())
        && textAlike(m.issueType()) && textAlike(m.parentIssueKey());
  }

  /**
   * How deep a value's arrays and objects nest (0 for a scalar), or -1 when decoding its JSON
   * might give another value.
   */
  private static int depth(JsonNode node) {
    return depth(node, AROUND_VALUE);
  }

  private static int depth(JsonNode node, int around) {
    if (node == null) {
      return -1; // (a JSON null reads back as NullNode)
    }
    if (node.isArray() || node.isObject()) {
      if (around + 1 >= StrictJson.MAX_NESTING_DEPTH) {
        return -1;
      }
      int deepest = 0;
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        if (!textAlike(entry.getKey())) {
          return -1;
        }
      }
      for (JsonNode child : node) {
        int depth = depth(child, around + 1);
        if (depth < 0) {
          return -1;
        }
        deepest = Math.max(deepest, depth);
      }
      return deepest + 1;
    }
    return scalarAlike(node) ? 0 : -1;
  }

  /** Whether a scalar is of the node type, and value, the codec reads its JSON back as. */
  private static boolean scalarAlike(JsonNode node) {
    if (node instanceof TextNode text) {
      return textAlike(text.textValue());
    }
    if (node instanceof LongNode number) {
      long value = number.longValue();
      return value != (int) value; // (one that fits an int reads back as an IntNode)
    }
    if (node instanceof DoubleNode number) {
      return Double.isFinite(number.doubleValue());
    }
    return node instanceof IntNode || node instanceof BooleanNode || node instanceof NullNode;
  }

  /** Whether a text (null included) reads back as itself: not too long, surrogates paired. */
  private static boolean textAlike(String text) {
    if (text == null) {
      return true;
    }
    return text.length() <= StrictJson.MAX_STRING_LENGTH && Escapes.pairedSurrogates(text);
  }

  private static SyncMessage withCopies(SyncMessage m) {
    SmallMap<FieldValue> fields = new SmallMap<>(m.fields().size());
    m.fields().forEach((id, f) -> fields.put(id, f.value().isContainerNode()
        || isContainer(f.previous()) || isContainer(f.document())
        ? new FieldValue(f.value().deepCopy(), f.changedAt(), f.changedBy(), copy(f.previous()),
            copy(f.document()))
        : f));
    SmallMap<JsonNode> content = new SmallMap<>(m.content().size());
    m.content().forEach((id, operations) -> content.put(id, operations.deepCopy()));
    return new SyncMessage(m.formatVersion(), m.messageId(), m.synchronizationId(),
        m.fromConnector(), m.toConnector(), m.sourceIssueKey(), m.partnerIssueKey(),
        m.sequenceId(), m.kind(), m.issueType(), m.createdAt(), fields, m.parentIssueKey(),
        m.seenSequenceId(), m.senderEpoch(), m.receiverEpoch(), m.partnerSince(), content,
        m.incomingChangesIgnored());
  }

  private static boolean isContainer(JsonNode node) {
    return node != null && node.isContainerNode();
  }

  private static JsonNode copy(JsonNode node) {
    return node == null ? null : node.deepCopy();
  }
}
