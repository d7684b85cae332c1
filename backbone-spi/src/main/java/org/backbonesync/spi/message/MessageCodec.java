package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Reads and writes {@link SyncMessage}s as JSON, the form they take in transports and durable
 * stores. Thread-safe; create one and share it.
 *
 * <p>The version is checked before the rest is read, so that a message from a newer partner is
 * refused with its version named rather than half understood. Reading is {@link StrictJson}
 * strict (a duplicate key, text after the message, nesting deeper than {@link
 * StrictJson#MAX_NESTING_DEPTH}, an overlong number or string are refused), and no value is
 * converted: a number in quotes, a fraction for an integer or a number for a kind is refused
 * rather than read as something its sender did not write.
 */
public final class MessageCodec {
  /**
   * The envelope format this codec writes. It reads this one and version 1 (without the rows'
   * epochs: a message still in an outbox or inbox when a host upgrades), whose epochs read as 0.
   */
  public static final int FORMAT_VERSION = 2;

  private final ObjectMapper mapper =
      StrictJson.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  /** The properties version 2 added. */
  private static final List<String> EPOCHS =
      List.of("senderEpoch", "receiverEpoch", "partnerSince");

  /**
   * Encodes a message as UTF-8 JSON, in the format version it has (a message of version 1, still
   * queued from before an upgrade, is written without the epochs).
   */
  public byte[] encode(SyncMessage message) {
    try {
      if (message.formatVersion() == 1) {
        ObjectNode tree = mapper.valueToTree(message);
        tree.remove(EPOCHS);
        return mapper.writeValueAsBytes(tree);
      }
      return mapper.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException("cannot encode message " + message.messageId(), e);
    }
  }

  /**
   * Decodes UTF-8 JSON into a message.
   *
   * @throws MessageFormatException when the bytes are not JSON (or break a {@link StrictJson}
   *     rule), the format version is neither 1 nor {@link #FORMAT_VERSION}, or a property is
   *     missing, unknown or of the wrong type
   */
  public SyncMessage decode(byte[] json) {
    JsonNode tree;
    try {
      tree = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(
          "message is not valid JSON at " + location(e) + ": " + shown(e.getOriginalMessage()),
          e);
    } catch (IOException e) {
      throw new MessageFormatException("message cannot be read: " + e.getMessage(), e);
    }
    return decode(tree);
  }

  /**
   * Decodes a message already parsed as JSON (for example one element of a transport envelope),
   * with the same checks as {@link #decode(byte[])}, except those of parsing: the caller must have
   * parsed it with {@link StrictJson} (a tree no longer shows a duplicate key).
   *
   * @throws MessageFormatException when the format version is neither 1 nor {@link
   *     #FORMAT_VERSION}, or a property is missing, unknown or of the wrong type
   */
  public SyncMessage decode(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new MessageFormatException("message must be a JSON object", null);
    }
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new MessageFormatException(
          "message has no numeric formatVersion (messageId " + shown(tree.path("messageId"))
              + ")", null);
    }
    if (version.asInt() == 1) {
      for (String added : EPOCHS) {
        if (tree.has(added)) {
          throw new MessageFormatException("message " + shown(tree.path("messageId"))
              + " of formatVersion 1 has " + added + ", which only version 2 has", null);
        }
      }
      tree = ((ObjectNode) tree).deepCopy()
          .put("senderEpoch", 0).put("receiverEpoch", 0).put("partnerSince", 0);
    } else if (version.asInt() != FORMAT_VERSION) {
      throw new MessageFormatException(
          "unsupported message formatVersion "
              + version
              + " (messageId "
              + shown(tree.path("messageId"))
              + "); this version reads 1 and "
              + FORMAT_VERSION,
          null);
    }
    try {
      return mapper.treeToValue(tree, SyncMessage.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      String at = e instanceof JsonMappingException jme ? " at " + path(jme) : "";
      throw new MessageFormatException(
          "malformed message " + shown(tree.path("messageId")) + at + ": " + shown(detail), e);
    }
  }

  /** A value from outside as an error message shows it: printable ASCII, at most 200 characters. */
  private static String shown(Object value) {
    String text = String.valueOf(value).replaceAll("[^\\x20-\\x7e]", "?");
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /** Where in the message a mapping error is, e.g. {@code $.fields["map-1"].changedAt}. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(r.getFieldName().matches("[A-Za-z_][A-Za-z0-9_]*")
            ? "." + r.getFieldName() : "[\"" + shown(r.getFieldName()) + "\"]");
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String location(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? "an unknown position"
        : "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
