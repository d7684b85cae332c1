package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.backbonesync.spi.internal.MessageNumbers;
import org.backbonesync.spi.internal.ParserPlace;

/**
 * Reads and writes {@link SyncMessage}s as JSON, the form they take in transports and durable
 * stores. Thread-safe; create one and share it.
 *
 * <p>A message from a newer partner is refused with its version named rather than half
 * understood: the version is checked before the rest is read, except for a message of this
 * version, read in one pass (every refusal is still worded as that check words it). Reading is
 * {@link StrictJson} strict (a duplicate key, text after the message, nesting deeper than {@link
 * StrictJson#MAX_NESTING_DEPTH}, an overlong number or string are refused), and no value is
 * converted: a number in quotes, a fraction for an integer or a number for a kind is refused
 * rather than read as something its sender did not write. A number with a fraction or an
 * exponent is read as the nearest double, as Jira's number fields hold it; one a double cannot
 * hold ({@code 1e400}, which Jackson reads as an infinity, or {@code 1e-400}, read as 0) is
 * refused at its path, as written (see {@code DoubleRange}). A sequence id below 1, or a time,
 * an epoch or another sequence id below 0, is refused at its path with its value, and so is a
 * content operation's {@code started} that is no whole number (one before 1970 is read) or
 * {@code timeSpentSeconds} or {@code size} that is no whole number from 0 (see {@code
 * MessageNumbers}).
 */
public final class MessageCodec {
  /**
   * The properties a message cannot do without, refused by name when missing or null (the
   * record's own check said only "problem: messageId").
   */
  private static final List<String> REQUIRED = List.of("messageId", "synchronizationId",
      "fromConnector", "toConnector", "sourceIssueKey", "kind");

  /**
   * The envelope format this codec writes. It reads this one and the earlier ones, still in an
   * outbox or inbox when a host upgrades: version 1 (without the rows' epochs, which read as 0),
   * version 2 (content operations inside {@code fields}, under their mapping's id: the engine
   * moves them to {@code content} when it applies the message) and version 3 (issue links as a
   * value inside {@code fields}, which the engine moves to {@code content} likewise and reads as
   * adds; version 4 carries link operations in {@code content}). Version 5 adds the kind {@link
   * MessageKind#GONE}; its messages are otherwise as version 4's. Version 6 adds a field value's
   * {@code document} ({@link FieldValue#document()}, the source's rich-text document beside the
   * text), which a message of an earlier version is written without and refused with. Version 7
   * adds {@code incomingChangesIgnored} ({@link SyncMessage#incomingChangesIgnored()}: the
   * sender's row ignores the receiver's changes), false in the earlier ones.
   */
  public static final int FORMAT_VERSION = 7;

  /** The first version with {@code incomingChangesIgnored}. */
  private static final int IGNORED_VERSION = 7;

  /** The first version with a field value's {@code document}. */
  private static final int DOCUMENT_VERSION = 6;

  /** The first version with {@code content}. */
  private static final int CONTENT_VERSION = 3;

  private final ObjectMapper mapper =
      StrictJson.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .addModule(new SimpleModule().addDeserializer(MessageKind.class, new ExactKind()))
          .build();

  /** Reads a message in one pass, without the tree (see {@link #readCurrent}). */
  private final ObjectReader messages = mapper.readerFor(SyncMessage.class);

  /** The properties version 2 added. */
  private static final List<String> EPOCHS =
      List.of("senderEpoch", "receiverEpoch", "partnerSince");

  /** The property version 3 added. */
  private static final String CONTENT = "content";

  /** The property version 7 added. */
  private static final String IGNORED = "incomingChangesIgnored";

  /**
   * Encodes a message as UTF-8 JSON, in the format version it has (a message of an earlier
   * version, still queued from before an upgrade, is written without what later versions added).
   *
   * @throws MessageFormatException for a message of an earlier version with content operations,
   *     which that version cannot carry
   */
  public byte[] encode(SyncMessage message) {
    try {
      int version = message.formatVersion();
      if (version >= IGNORED_VERSION) {
        return mapper.writeValueAsBytes(message);
      }
      if (version < CONTENT_VERSION && !message.content().isEmpty()) {
        throw new MessageFormatException("message " + message.messageId() + " of formatVersion "
            + version + " cannot carry content " + message.content().keySet()
            + "; only version " + CONTENT_VERSION + " and later can", null);
      }
      if (message.incomingChangesIgnored()) {
        throw new MessageFormatException("message " + message.messageId() + " of formatVersion "
            + version + " cannot carry " + IGNORED + "; only version " + IGNORED_VERSION
            + " and later can", null);
      }
      ObjectNode tree = mapper.valueToTree(message);
      tree.remove(IGNORED);
      if (version < DOCUMENT_VERSION) {
        withoutDocuments(tree); // a companion of the text only: the text is whole without it
      }
      if (version < CONTENT_VERSION) {
        tree.remove(CONTENT);
      }
      if (version == 1) {
        tree.remove(EPOCHS);
      }
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException("cannot encode message " + message.messageId(), e);
    }
  }

  /**
   * Decodes UTF-8 JSON into a message.
   *
   * @throws MessageFormatException when the bytes are not JSON (or break a {@link StrictJson}
   *     rule), the format version is not 1 to {@link #FORMAT_VERSION}, or a property is
   *     missing, unknown or of the wrong type
   */
  public SyncMessage decode(byte[] json) {
    Objects.requireNonNull(json, "json"); // (Jackson's words named its own parameter)
    SyncMessage current = readCurrent(json);
    return current != null ? current : decodeThroughTree(json);
  }

  /**
   * A message of {@link #FORMAT_VERSION} read in one pass; null for anything else (another
   * version, or bytes refused), which {@link #decodeThroughTree} then reads or refuses in its own
   * words, the version checked first. Reading every message as a tree first, to check its version
   * before the rest, was about a tenth of what an engine node allocated per change
   * ({@code TwoNodeBenchmark}, JFR). The same mapper reads both ways, so a message of this version
   * reads the same ({@code MessageCodecPropertiesTest} compares the two over random and damaged
   * messages); refused bytes are read twice, within the same {@link StrictJson} limits.
   */
  SyncMessage readCurrent(byte[] json) {
    try (DoubleRange.Parser p = new DoubleRange.Parser(mapper.createParser(json))) {
      SyncMessage read = messages.readValue(p);
      return read != null && !p.kept() && read.formatVersion() == FORMAT_VERSION
          && MessageNumbers.within(read) ? read : null;
    } catch (IOException | RuntimeException refused) {
      return null;
    }
  }

  /** {@link #decode(byte[])} through a tree: every version, and every refusal's words. */
  SyncMessage decodeThroughTree(byte[] json) {
    JsonNode tree;
    try (JsonParser p = new DoubleRange.Parser(mapper.createParser(json))) {
      try {
        tree = mapper.readTree(p);
      } catch (StreamConstraintsException e) { // no location: the parser's place names it
        throw new MessageFormatException("message is over a limit: "
            + shown(StrictJson.reason(e)) + ParserPlace.at(p)
            + ParserPlace.longNumber(e, p, json, 40), e);
      } catch (JsonProcessingException e) {
        throw new MessageFormatException("message is not valid JSON at " + location(e) + ": "
            + shown(StrictJson.reason(e)) + ParserPlace.at(p), e);
      }
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
   * @throws MessageFormatException when the format version is not 1 to {@link
   *     #FORMAT_VERSION}, or a property is missing, unknown, of the wrong type or out of range
   */
  public SyncMessage decode(JsonNode tree) {
    return decode(tree, "$");
  }

  /**
   * Decodes a message that is part of a larger JSON document, as {@link #decode(JsonNode)} does;
   * a refusal names the place of what it refuses from the document's root, e.g. {@code
   * $.messages[0].fields["map-1"].changedAt} for the path {@code $.messages[0]}.
   *
   * @param tree the message
   * @param path where the message is in the document, {@code $} for its root; not null
   * @throws MessageFormatException as {@link #decode(JsonNode)}
   * @since 0.1.0
   */
  public SyncMessage decode(JsonNode tree, String path) {
    Objects.requireNonNull(path, "path");
    String where = path.equals("$") ? "" : " at " + path;
    if (tree == null || !tree.isObject()) {
      throw new MessageFormatException("message" + where + " must be a JSON object", null);
    }
    String id = shown(tree.path("messageId"));
    int v = version(tree, where, id);
    if (v < DOCUMENT_VERSION) {
      for (var field : tree.path("fields")) {
        if (field.has("document")) {
          throw new MessageFormatException("message " + id + where + " of formatVersion " + v
              + " has a field value's document, which only version " + DOCUMENT_VERSION
              + " and later have", null);
        }
      }
    }
    if (v < IGNORED_VERSION) {
      tree = earlier(tree, v, where);
    }
    for (String property : REQUIRED) {
      if (tree.path(property).isNull() || tree.path(property).isMissingNode()) {
        throw new MessageFormatException("malformed message" + (property.equals("messageId")
            ? "" : " " + id) + " at " + path + "." + property
            + ": missing or null; every message has one", null);
      }
    }
    // before the record's own checks, which a mapping error names at the root
    mappingIds(tree, path, id);
    MessageNumbers.check(tree, path, id);
    SyncMessage message;
    try {
      message = mapper.treeToValue(tree, SyncMessage.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      String at = e instanceof JsonMappingException jme ? " at " + path(path, jme) : "";
      throw new MessageFormatException("malformed message " + id + at + ": " + shown(detail), e);
    }
    // after the types: 1e400 for a sequenceId is refused as no whole number, not as a double
    DoubleRange.check(tree, path, id);
    return message;
  }

  /**
   * Refuses a blank id of a field mapping in {@code fields} or {@code content} at its path: the
   * configuration refuses one, so no mapping has it.
   */
  private static void mappingIds(JsonNode tree, String path, String id) {
    for (String property : List.of("fields", CONTENT)) {
      for (var ids = tree.path(property).fieldNames(); ids.hasNext(); ) {
        String mapping = ids.next();
        if (mapping.isBlank()) {
          throw new MessageFormatException("malformed message " + id + " at " + path + "."
              + property + ParserPlace.member(mapping) + ": a field mapping id must not be"
              + " blank, was " + StrictJson.shown(TextNode.valueOf(mapping), 40), null);
        }
      }
    }
  }

  /** The message's format version, from 1 to {@link #FORMAT_VERSION}, or the message refused. */
  private static int version(JsonNode tree, String where, String id) {
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new MessageFormatException("message" + where + " has no numeric formatVersion (a"
          + " whole number from 1 to " + FORMAT_VERSION + "), was " + (version == null ? "missing"
          : StrictJson.shown(version, 80)) + " (messageId " + id + ")", null);
    }
    int v = version.canConvertToInt() ? version.asInt() : -1;
    if (v < 1 || v > FORMAT_VERSION) {
      throw new MessageFormatException("unsupported message formatVersion " + version + where
          + " (messageId " + id + "); this version reads 1 to " + FORMAT_VERSION, null);
    }
    return v;
  }

  /** A message's tree without its field values' documents. */
  private static ObjectNode withoutDocuments(ObjectNode tree) {
    for (JsonNode field : tree.path("fields")) {
      if (field.isObject()) {
        ((ObjectNode) field).remove("document");
      }
    }
    return tree;
  }

  /** A message of an earlier version, with what later versions added as those read it. */
  private static JsonNode earlier(JsonNode tree, int version, String where) {
    List<String> added = new ArrayList<>(List.of(IGNORED));
    if (version < CONTENT_VERSION) {
      added.add(CONTENT);
    }
    if (version == 1) {
      added.addAll(EPOCHS);
    }
    for (String property : added) {
      if (tree.has(property)) {
        throw new MessageFormatException("message " + shown(tree.path("messageId")) + where
            + " of formatVersion " + version + " has " + property
            + ", which only a later version has", null);
      }
    }
    ObjectNode read = ((ObjectNode) tree).deepCopy();
    read.put(IGNORED, false);
    if (version == 1) {
      read.put("senderEpoch", 0).put("receiverEpoch", 0).put("partnerSince", 0);
    }
    return read;
  }

  /** A value from outside as an error message shows it: printable ASCII, at most 200 characters. */
  private static String shown(Object value) {
    return StrictJson.printable(String.valueOf(value), 200);
  }

  /**
   * Where a mapping error is, from the message's {@code root} on, e.g. {@code
   * $.fields["map-1"].changedAt}.
   */
  private static String path(String root, JsonMappingException e) {
    StringBuilder path = new StringBuilder(root);
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
