package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JiraTextTest {
  @Test
  void aQuotedValueShowsLineBreaksAndEscapesAsEscapes() {
    assertEquals("\"PA-1\\n2026 ERROR \\\"x\\\" \\\\ \\u001b[31m \\u202e\\r\\t\"",
        JiraText.quoted("PA-1\n2026 ERROR \"x\" \\ \u001b[31m \u202e\r\t"));
  }

  @Test
  void aLongValueIsCutAndItsLengthSaid() {
    assertEquals("\"" + "A".repeat(80) + "…\" (100000 characters)",
        JiraText.quoted("A".repeat(100_000)));
    assertEquals("\"" + "A".repeat(79) + "…\" (81 characters)",
        JiraText.quoted("A".repeat(79) + "\uD83D\uDE00"), "a pair is not cut in two");
  }

  @Test
  void printableTextIsEscapedAndCutWithoutQuotes() {
    assertEquals("a\\nb \"c\"…", JiraText.printable("a\nb \"c\" d", 7));
    assertEquals("", JiraText.printable(null, 8));
    assertEquals("null", JiraText.quoted(null));
  }
}
