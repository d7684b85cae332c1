package org.backbonesync.spi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageFormatException;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Not API. A message's counts and times within their range, or the message refused: a sequence
 * id from 1, the times (epoch millis), the epochs and the other sequence ids from 0, which means
 * "none" or "not known" (a message of format version 1 has no epochs, a sender that knows no row
 * of the receiver's says 0). A negative one is no value the engine writes: it orders a pair's
 * messages and rows by them, so one from a partner is refused at its path rather than used. So
 * are the whole numbers of the content operations the engine sends out of their range: a
 * worklog's {@code started} may be any long (Jira holds work started before 1970 as any other),
 * its {@code timeSpentSeconds} and an attachment's {@code size} are from 0; a text, a fraction or
 * {@code 1e400} is refused, since no mapping reads them (one was read as some long and handed to
 * the tracker). The message codec checks them, and {@link DecodedAlike} answers for no message
 * out of range.
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

  /**
   * The whole numbers of content operations, with the least each may be: a worklog's start
   * (epoch millis, any: Jira holds work started before 1970, a negative time, as any other) and
   * length, an attachment's size in bytes, from 0.
   */
  private static final List<Operand> OPERATION_NUMBERS = List.of(
      new Operand("started", Long.MIN_VALUE), new Operand("timeSpentSeconds", 0),
      new Operand("size", 0));

  private record Operand(String name, long least) {}

  /** The first format version with {@code content}; before it, operations were field values. */
  private static final int CONTENT_VERSION = 3;

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
    for (JsonNode operations : message.content().values()) {
      if (operationNumber(operations, "") != null) {
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
    boolean operationsInFields = message.path("formatVersion").asInt() < CONTENT_VERSION;
    JsonNode fields = message.path("fields");
    for (var members = fields.fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> field = members.next();
      String at = path + ".fields" + ParserPlace.member(field.getKey());
      check(field.getValue().path("changedAt"), CHANGED_AT, at + ".changedAt", messageId);
      if (operationsInFields) {
        refuse(operationNumber(field.getValue().path("value"), at + ".value"), messageId);
      }
    }
    for (var members = message.path("content").fields(); members.hasNext(); ) {
      Map.Entry<String, JsonNode> content = members.next();
      refuse(operationNumber(content.getValue(),
          path + ".content" + ParserPlace.member(content.getKey())), messageId);
    }
  }

  /**
   * The first of a mapping's content operations' whole numbers that is none or below its least,
   * as its path (from {@code at}, the operations' path) and what is wrong with it; null when all
   * are fine, or when the value is no array of operations (a {@code GONE}'s reason). Only an
   * object with a text {@code op} is an operation: a message of format 1 or 2 carried them in
   * {@code fields}, beside any mapping's value, which may be objects with a {@code size} (a
   * select's {@code [{"size": "L"}]}) of its own.
   */
  private static String operationNumber(JsonNode operations, String at) {
    if (!operations.isArray()) {
      return null;
    }
    for (int i = 0; i < operations.size(); i++) {
      JsonNode operation = operations.get(i);
      boolean isOperation = operation.isObject() && operation.path("op").isTextual();
      for (int n = 0; isOperation && n < OPERATION_NUMBERS.size(); n++) {
        Operand operand = OPERATION_NUMBERS.get(n);
        JsonNode number = operation.get(operand.name());
        boolean whole = number != null && number.isIntegralNumber() && number.canConvertToLong();
        if (number != null && !(whole && number.longValue() >= operand.least())) {
          return at + "[" + i + "]." + operand.name() + ": must be " + (whole ? "0 or more"
              : "a whole number from " + operand.least() + " to " + Long.MAX_VALUE) + ", was "
              + StrictJson.shown(number, 80);
        }
      }
    }
    return null;
  }

  private static void refuse(String problem, String messageId) {
    if (problem != null) {
      throw new MessageFormatException("malformed message " + messageId + " at " + problem,
          null);
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
