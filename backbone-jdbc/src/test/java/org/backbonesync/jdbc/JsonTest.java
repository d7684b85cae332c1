package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
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
