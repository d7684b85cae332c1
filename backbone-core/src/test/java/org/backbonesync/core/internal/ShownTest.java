package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Text from outside as errors and logs show it. */
class ShownTest {
  @Test
  void quotesBreaksAndInvisibleCharactersAreEscaped() {
    assertEquals("\"PA-1\\\")\\n\\u200b\"", Shown.quoted("PA-1\")\n\u200b"));
  }

  /** Found by a review: a lone surrogate in an id was echoed raw into the JSON error. */
  @Test
  void anUnpairedSurrogateIsEscapedAndAPairIsKept() {
    assertEquals("\"a\\ud800b\"", Shown.quoted("a\ud800b"));
    assertEquals("\"\\udc00\"", Shown.quoted("\udc00"));
    assertEquals("\"\ud83d\ude00\"", Shown.quoted("\ud83d\ude00"));
  }

  @Test
  void aLongValueIsCutWithItsLengthNamed() {
    String shown = Shown.quoted("x".repeat(100));
    assertEquals("\"" + "x".repeat(80) + "...\" (100 characters)", shown);
  }
}
