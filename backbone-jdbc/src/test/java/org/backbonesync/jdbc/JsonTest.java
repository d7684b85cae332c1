package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Stored JSON reads as Jackson reads it, plain strings without Jackson's parser. */
class JsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  /** Any string written reads back equal, and as Jackson reads the text. */
  @Property
  void aWrittenStringReadsBackAsJacksonReadsIt(@ForAll String value) throws Exception {
    String text = Json.write(TextNode.valueOf(value));
    assertEquals(TextNode.valueOf(value), Json.read(text));
    assertEquals(JACKSON.readTree(text), Json.read(text));
  }

  /** Any string is written as Jackson writes it, plain or not. */
  @Property
  void anyStringIsWrittenAsJacksonWritesIt(@ForAll("insides") String value) throws Exception {
    assertEquals(JACKSON.writeValueAsString(TextNode.valueOf(value)),
        Json.write(TextNode.valueOf(value)));
  }

  /**
   * Any text of quotes, backslashes, control and other characters reads as Jackson reads it, or
   * is refused where Jackson refuses it.
   */
  @Property
  void anyTextReadsAsJacksonReadsIt(@ForAll("texts") String text) {
    JsonNode jackson;
    try {
      jackson = JACKSON.readTree(text);
    } catch (Exception refused) {
      assertThrows(IllegalStateException.class, () -> Json.read(text));
      return;
    }
    assertEquals(jackson, Json.read(text));
  }

  /**
   * A write's argument is the text {@code write} gives, as that text or, for a plain ASCII
   * string, as its UTF-8 bytes.
   */
  @Property
  void aWritesArgumentIsTheWrittenText(@ForAll("insides") String value) {
    Object argument = Json.writeArgument(TextNode.valueOf(value));
    String text = Json.write(TextNode.valueOf(value));
    if (argument instanceof Utf8Text bytes) {
      assertEquals(text, bytes.toString());
      assertEquals(text, new String(bytes.utf8(), StandardCharsets.UTF_8));
    } else {
      assertEquals(text, argument);
    }
  }

  /** Values other than strings are written as {@code write} writes them; null is null. */
  @Test
  void otherValuesAreArgumentsAsWritten() {
    JsonNode object = JACKSON.createObjectNode().put("a", 1).set("b",
        JACKSON.createArrayNode().add("x"));
    assertEquals(Json.write(object), Json.writeArgument(object));
    assertEquals(null, Json.writeArgument(null));
    assertTrue(Json.writeArgument(TextNode.valueOf("round 5")) instanceof Utf8Text);
  }

  /**
   * Any text, as the database holds it (UTF-8, so a lone surrogate is a question mark), reads
   * from its UTF-8 bytes as from the text, or is refused alike.
   */
  @Property
  void anyTextReadsFromItsBytesAsFromTheText(@ForAll("texts") String written) {
    byte[] utf8 = written.getBytes(StandardCharsets.UTF_8);
    String text = new String(utf8, StandardCharsets.UTF_8);
    JsonNode fromText;
    try {
      fromText = Json.read(text);
    } catch (IllegalStateException refused) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Json.read(utf8));
      assertEquals(refused.getMessage(), e.getMessage());
      return;
    }
    assertEquals(fromText, Json.read(utf8));
    assertEquals(Json.isPlainString(text), Json.isPlainString(utf8));
  }

  @Provide
  Arbitrary<String> texts() {
    return insides().map(s -> '"' + s + '"');
  }

  @Provide
  Arbitrary<String> insides() {
    return Arbitraries.strings().withChars('"', '\\', '\n', '\u0000', '\u001f', 'a', 'é',
        '\ud83d', '\ude00', ' ', 'n', '/', '\u007f', '\u2028', '<').ofMaxLength(8);
  }

  @Test
  void plainStringsAreThoseWithNothingToUnescape() {
    assertTrue(Json.isPlainString("\"round 5\""));
    assertTrue(Json.isPlainString("\"\""));
    assertFalse(Json.isPlainString("\"a\\nb\""));
    assertFalse(Json.isPlainString("\"a\"b\""));
    assertFalse(Json.isPlainString("\"a\tb\""));
    assertFalse(Json.isPlainString("\""));
    assertFalse(Json.isPlainString("5"));
    assertFalse(Json.isPlainString("[\"a\"]"));
  }
}
