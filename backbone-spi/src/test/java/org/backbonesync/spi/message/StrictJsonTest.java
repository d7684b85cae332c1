package org.backbonesync.spi.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What the shared strict setup refuses, and that ordinary JSON still reads. */
class StrictJsonTest {
  private final ObjectMapper json = StrictJson.mapper();

  @Test
  void aDuplicateKeyIsRefusedAndNamed() {
    JsonProcessingException e = assertThrows(JsonProcessingException.class,
        () -> json.readTree("{\"id\": 1, \"nested\": {\"a\": 1, \"a\": 2}}"));
    assertTrue(e.getOriginalMessage().contains("Duplicate field 'a'"), e.getOriginalMessage());
  }

  @Test
  void aRefusedValueIsShownPrintableAndShortAndAnInfiniteNumberSaidSo() throws Exception {
    assertEquals("a number beyond a double's range",
        StrictJson.shown(json.readTree("{\"t\": 1e400}").get("t"), 80));
    assertEquals("\"caf?\"", StrictJson.shown(json.readTree("\"caf\u00e9\""), 80));
    assertEquals("\"xxxx...", StrictJson.shown(json.readTree("\"" + "x".repeat(50) + "\""), 5));
    assertEquals("{\"a\":[1,2]}", StrictJson.shown(json.readTree("{\"a\": [1, 2]}"), 80));
  }

  @Test
  void aTextFromOutsideIsShownOnOneLineOfPrintableAsciiAndShort() {
    assertEquals("a?forged line??[31m", StrictJson.printable("a\nforged line\r\u001b[31m", 80));
    assertEquals("abc...", StrictJson.printable("abcdef", 3));
    assertEquals("abc", StrictJson.printable("abc", 3));
    assertEquals("null", StrictJson.printable(null, 80));
  }

  @Test
  void textAfterTheValueIsRefused() {
    assertThrows(JsonProcessingException.class, () -> json.readValue("{} {}", Object.class));
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedBeforeTheTreeIsBuilt() throws Exception {
    String deep = "[".repeat(StrictJson.MAX_NESTING_DEPTH + 1)
        + "]".repeat(StrictJson.MAX_NESTING_DEPTH + 1);
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> json.readTree(deep));
    assertTrue(e.getOriginalMessage().contains("nesting depth"), e.getOriginalMessage());
    assertEquals("Document nesting depth (201) exceeds the maximum allowed (200)",
        StrictJson.reason(e), "for a person: without Jackson's setting");
    String fine = "[".repeat(StrictJson.MAX_NESTING_DEPTH) + "]".repeat(StrictJson.MAX_NESTING_DEPTH);
    assertEquals(1, json.readTree(fine).size()); // exactly at the limit: read
  }

  @Test
  void aNumberLongerThanTheLimitIsRefused() {
    String huge = "1".repeat(StrictJson.MAX_NUMBER_LENGTH + 1);
    JsonProcessingException e =
        assertThrows(JsonProcessingException.class, () -> json.readTree("{\"n\": " + huge + "}"));
    assertTrue(e.getOriginalMessage().contains("Number value length"), e.getOriginalMessage());
    assertEquals("Number value length (101) exceeds the maximum allowed (100)",
        StrictJson.reason(e));
  }

  /** Jackson's advice to enable one of its settings is left out: no sender can (helper-128). */
  @Test
  void aRefusalGivesNoAdviceToEnableAJacksonSetting() {
    JsonProcessingException nan = assertThrows(JsonProcessingException.class,
        () -> json.readTree("{\"n\": NaN}"));
    assertEquals("Non-standard token 'NaN'", StrictJson.reason(nan));
    JsonProcessingException comment = assertThrows(JsonProcessingException.class,
        () -> json.readTree("{/* x */}"));
    assertTrue(StrictJson.reason(comment).startsWith("Unexpected character ('/' (code 47)):"
        + " maybe a (non-standard) comment?"), StrictJson.reason(comment));
    assertTrue(!StrictJson.reason(comment).contains("Feature"), StrictJson.reason(comment));
  }

  @Test
  void ordinaryJsonReads() throws Exception {
    assertEquals(2, json.readTree("{\"a\": [1, {\"b\": \"x\"}]}").get("a").size());
  }
}
