package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads and writes {@link SyncMessage}s as JSON, the form they take in transports and durable
 * stores. Thread-safe; create one and share it.
 *
 * <p>The version is checked before the rest is read, so that a message from a newer partner is
 * refused with its version named rather than half understood.
 */
public final class MessageCodec {
  /** The envelope format this codec writes and the only one it reads. */
  public static final int FORMAT_VERSION = 1;

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /** Encodes a message as UTF-8 JSON. */
  public byte[] encode(SyncMessage message) {
    try {
      return mapper.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException("cannot encode message " + message.messageId(), e);
    }
  }

  /**
   * Decodes UTF-8 JSON into a message.
   *
   * @throws MessageFormatException when the bytes are not JSON, the format version is not {@link
   *     #FORMAT_VERSION}, or a property is missing, unknown or of the wrong type
   */
  public SyncMessage decode(byte[] json) {
    JsonNode tree;
    try {
      tree = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(
          "message is not valid JSON at " + location(e) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MessageFormatException("message cannot be read: " + e.getMessage(), e);
    }
    return decode(tree);
  }

  /**
   * Decodes a message already parsed as JSON (for example one element of a transport envelope),
   * with the same checks as {@link #decode(byte[])}.
   *
   * @throws MessageFormatException when the format version is not {@link #FORMAT_VERSION}, or a
   *     property is missing, unknown or of the wrong type
   */
  public SyncMessage decode(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new MessageFormatException("message must be a JSON object", null);
    }
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new MessageFormatException(
          "message has no numeric formatVersion (messageId " + tree.path("messageId") + ")", null);
    }
    if (version.asInt() != FORMAT_VERSION) {
      throw new MessageFormatException(
          "unsupported message formatVersion "
              + version
              + " (messageId "
              + tree.path("messageId")
              + "); this version reads "
              + FORMAT_VERSION,
          null);
    }
    try {
      return mapper.treeToValue(tree, SyncMessage.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new MessageFormatException(
          "malformed message " + tree.path("messageId") + ": " + detail, e);
    }
  }

  private static String location(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? "an unknown position"
        : "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
