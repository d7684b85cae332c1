package org.backbonesync.transport;

import static org.backbonesync.transport.Envelopes.ACKS;
import static org.backbonesync.transport.Envelopes.CONTENT;
import static org.backbonesync.transport.Envelopes.MESSAGES;
import static org.backbonesync.transport.Envelopes.printable;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageFormatException;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * Checks the parsed body of an envelope whose signature {@link Envelopes#open} verified: its
 * shape, synchronization, connectors, id and age, and each message or acknowledged id in it.
 */
final class EnvelopeBody {
  /** An envelope id: as it is remembered by {@link EnvelopeIdStore}. */
  private static final Pattern ENVELOPE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,"
      + EnvelopeIdStore.MAX_ID_LENGTH + "}");
  private static final Set<String> PROPERTIES = Set.of("format", "version", "kind", "envelopeId",
      "synchronizationId", "from", "to", "timestamp", "messages", "acked", "attachment");
  private static final MessageCodec CODEC = new MessageCodec();

  private EnvelopeBody() {}

  /**
   * The envelope the body holds, checked.
   *
   * @param maxAge how long ago the envelope may have been sealed
   * @throws EnvelopeRejectedException with the reason
   */
  static Envelopes.Opened check(EnvelopeSecurity security, JsonNode root, Duration maxAge) {
    checkShape(root);
    String sync = text(root, "synchronizationId");
    if (!sync.equals(security.synchronizationId())) {
      throw new EnvelopeRejectedException(Reason.WRONG_SYNCHRONIZATION, "for synchronization \""
          + printable(sync) + "\", this is \"" + security.synchronizationId() + "\"");
    }
    String kind = text(root, "kind");
    String from = text(root, "from");
    String to = text(root, "to");
    String id = text(root, "envelopeId");
    if (!(kind.equals(MESSAGES) || kind.equals(ACKS) || kind.equals(CONTENT))) {
      throw malformed("kind", "\"" + MESSAGES + "\", \"" + ACKS + "\" or \"" + CONTENT + "\"",
          root);
    }
    for (String name : List.of("from", "to", "envelopeId")) {
      if (text(root, name).isEmpty()) {
        throw malformed(name, "a string that is not empty", root);
      }
    }
    if (!root.path("timestamp").isIntegralNumber()
        || !root.path("timestamp").canConvertToLong()) {
      throw malformed("timestamp", "epoch milliseconds (a whole number)", root);
    }
    if (!ENVELOPE_ID.matcher(id).matches()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "envelopeId \"" + printable(id)
          + "\" is not 1 to " + EnvelopeIdStore.MAX_ID_LENGTH + " letters, digits, '.', '_', ':'"
          + " or '-'");
    }
    long timestamp = root.path("timestamp").asLong();
    checkAge(security, id, timestamp, maxAge);
    if (kind.equals(CONTENT)) {
      return new Envelopes.Opened(kind, id, from, to, timestamp, List.of(), List.of(),
          ContentRequest.read(root));
    }
    if (root.has("attachment")) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "an envelope of " + kind
          + " with an attachment");
    }
    JsonNode list = entries(security, root, kind);
    List<SyncMessage> messages = kind.equals(MESSAGES) ? messages(security, list, from, to)
        : new ArrayList<>();
    List<String> acked = kind.equals(ACKS) ? acked(list) : new ArrayList<>();
    return new Envelopes.Opened(kind, id, from, to, timestamp, messages, acked, null);
  }

  /** The refusal of a property that is missing or not what it must be, naming its value. */
  private static EnvelopeRejectedException malformed(String name, String must, JsonNode root) {
    return new EnvelopeRejectedException(Reason.MALFORMED, name + " must be " + must + ", was "
        + shown(root.get(name)));
  }

  /** A version 1 backbone envelope with no property this version does not know. */
  private static void checkShape(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "not a version 1 backbone envelope"
          + " (not an object: " + (root == null ? "nothing" : StrictJson.shown(root, 80)) + ")");
    }
    if (!"backbone-envelope".equals(root.path("format").textValue())
        || !root.path("version").isIntegralNumber()
        || !root.path("version").canConvertToLong() || root.path("version").asLong() != 1) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "not a version 1 backbone envelope"
          + " (format " + shown(root.get("format")) + ", version " + shown(root.get("version"))
          + ")");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PROPERTIES.contains(name)) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "unknown property \""
            + printable(name) + "\"");
      }
    }
  }

  /** Sealed at most {@code maxAge} ago and at most the window ahead of this side's clock. */
  private static void checkAge(EnvelopeSecurity security, String id, long timestamp,
      Duration maxAge) {
    long now = security.clock().millis();
    long ahead = ahead(timestamp, now);
    if (ahead > security.window().toMillis() || -ahead > maxAge.toMillis()) {
      throw new EnvelopeRejectedException(Reason.STALE, "envelope " + id + " was sealed at "
          + Instant.ofEpochMilli(timestamp) + ", " + Duration.ofMillis(Math.abs(ahead))
              .toSeconds() + " s " + (ahead > 0 ? "ahead of" : "before") + " this side's clock;"
          + " accepted from " + maxAge.toSeconds() + " s before to "
          + security.window().toSeconds() + " s ahead");
    }
  }

  /**
   * How far the timestamp is ahead of now (negative: before), held at {@code -Long.MAX_VALUE}:
   * subtracted plainly, {@code Long.MIN_VALUE + now} wrapped to {@code Long.MIN_VALUE}, whose
   * negation is itself, and so passed for an envelope sealed this very moment.
   */
  private static long ahead(long timestamp, long now) {
    try {
      return Math.max(-Long.MAX_VALUE, Math.subtractExact(timestamp, now));
    } catch (ArithmeticException e) {
      return timestamp < now ? -Long.MAX_VALUE : Long.MAX_VALUE;
    }
  }

  /** The envelope's {@code messages} or {@code acked} array, within the security's limit. */
  private static JsonNode entries(EnvelopeSecurity security, JsonNode root, String kind) {
    String name = kind.equals(MESSAGES) ? "messages" : "acked";
    JsonNode list = root.path(name);
    if (!list.isArray()) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "no " + name + " array, was "
          + shown(root.get(name)));
    }
    if (list.size() > security.maxMessages()) {
      throw new EnvelopeRejectedException(Reason.LIMIT, list.size() + " entries; at most "
          + security.maxMessages());
    }
    return list;
  }

  private static List<String> acked(JsonNode list) {
    List<String> acked = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isTextual()) {
        throw new EnvelopeRejectedException(Reason.MALFORMED, "an acknowledged id is not text"
            + " at $.acked[" + i + "], was " + shown(item));
      }
      acked.add(item.textValue());
    }
    return acked;
  }

  /** A value from the body as a refusal shows it, {@code missing} when there is none. */
  private static String shown(JsonNode value) {
    return value == null ? "missing" : StrictJson.shown(value, 80);
  }

  private static List<SyncMessage> messages(EnvelopeSecurity security, JsonNode list,
      String from, String to) {
    List<SyncMessage> messages = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      messages.add(message(list.get(i), "$.messages[" + i + "]", security.synchronizationId(),
          from, to));
    }
    return messages;
  }

  /**
   * A message of the envelope, parsed once under its limits and checked against it; a refusal
   * names the path in the envelope ({@code $.messages[1].fields.summary.changedAt}), as the
   * parser's do.
   */
  private static SyncMessage message(JsonNode item, String path, String sync, String from,
      String to) {
    SyncMessage m;
    try {
      m = CODEC.decode(item, path); // parsed once, under the envelope's limits
    } catch (MessageFormatException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "a message is malformed: "
          + e.getMessage());
    }
    if (!m.synchronizationId().equals(sync)) {
      throw new EnvelopeRejectedException(Reason.WRONG_SYNCHRONIZATION, "message "
          + printable(m.messageId()) + " is for synchronization "
          + printable(m.synchronizationId()));
    }
    if (!m.fromConnector().equals(from) || !m.toConnector().equals(to)) {
      throw new EnvelopeRejectedException(Reason.NOT_PARTNER, "message "
          + printable(m.messageId()) + " goes from " + printable(m.fromConnector()) + " to "
          + printable(m.toConnector()) + ", the envelope from " + printable(from) + " to "
          + printable(to));
    }
    return m;
  }

  /** A property's text, or "" when it is missing or not text. */
  static String text(JsonNode root, String name) {
    JsonNode value = root.get(name);
    return value != null && value.isTextual() ? value.textValue() : "";
  }
}
