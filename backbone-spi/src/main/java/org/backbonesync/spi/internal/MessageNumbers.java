package org.backbonesync.spi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageFormatException;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Not API. A message's counts and times within their range, or the message refused: a sequence
 * id from 1, the times (epoch millis), the epochs and the other sequence ids from 0, which means
 * "none" or "not known" (a message of format version 1 has no epochs, a sender that knows no row
 * of the receiver's says 0). A negative one is no value the engine writes: it orders a pair's messages
 * and rows by them, so one from a partner is refused at its path rather than used. The message
 * codec checks them, and {@link DecodedAlike} answers for no message out of range.
 */
public final class MessageNumbers {
  /** The message's own whole numbers by name, with the least each may be. */
  private static final Map<String, Rule> RULES = Map.of(
      "sequenceId", new Rule(1, SyncMessage::sequenceId),
      "createdAt", new Rule(0, SyncMessage::createdAt),
      "seenSequenceId", new Rule(0, SyncMessage::seenSequenceId),
      "senderEpoch", new Rule(0, SyncMessage::senderEpoch),
      "receiverEpoch", new Rule(0, SyncMessage::receiverEpoch),
      "partnerSince", new Rule(0, SyncMessage::partnerSince));

  /** The least a field value's {@code changedAt} may be. */
  private static final long CHANGED_AT = 0;

  private record Rule(long least, ToLongFunction<SyncMessage> value) {}

  private MessageNumbers() {}

  /** Whether every such number of a message read is within its range. */
  public static boolean within(SyncMessage message) {
    for (Rule rule : RULES.values()) {
      if (rule.value().applyAsLong(message) < rule.least()) {
        return false;
      }
    }
    for (FieldValue v : message.fields().values()) { // (per message read: no stream)
      if (v.changedAt() < CHANGED_AT) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses a message's tree when such a number in it is below its range, naming the first in
   * the tree's order; a number of another type is left to the mapping, which refuses it.
   *
   * @param path the message's path, {@code $} or its place in a larger document
   * @throws MessageFormatException naming the number's path and value
   */
  public static void check(JsonNode message, String path, String messageId) {
    for (var members = message.fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> member = members.next();
      Rule rule = RULES.get(member.getKey());
      if (rule != null) {
        check(member.getValue(), rule.least(), path + "." + member.getKey(), messageId);
      }
    }
    JsonNode fields = message.path("fields");
    for (var members = fields.fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> field = members.next();
      check(field.getValue().path("changedAt"), CHANGED_AT, path + ".fields"
          + ParserPlace.member(field.getKey()) + ".changedAt", messageId);
    }
  }

  private static void check(JsonNode number, long least, String path, String messageId) {
    if (number.isIntegralNumber() && number.canConvertToLong() && number.longValue() < least) {
      throw new MessageFormatException("malformed message " + messageId + " at " + path
          + ": must be " + (least == 0 ? "0 or more" : "at least " + least) + ", was "
          + number.longValue(), null);
    }
  }
}
