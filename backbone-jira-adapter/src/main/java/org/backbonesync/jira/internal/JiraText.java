package org.backbonesync.jira.internal;

import org.backbonesync.spi.internal.Escapes;

/**
 * Text Jira chose (a key, a time, a header), or a setting a host gave, as a message or a log
 * line shows it: line breaks,
 * control and format characters escaped ({@code \n}, {@code \u001b}), so that it cannot forge a
 * line of the log or hide in a terminal's escapes, and cut short, since Jira chooses its length.
 * Credentials are not this class's business: scrub a text before it comes here, as a cut could
 * split a secret and leave most of it unrecognised.
 */
public final class JiraText {
  /** The most characters of a value {@link #quoted} shows. */
  static final int MAX = 80;

  private JiraText() {}

  /**
   * The value in quotes, escaped (quotes and backslashes too) and cut after {@value #MAX}
   * characters, e.g. {@code "PA-1\n2026 ERROR"} or {@code "AAAA…" (100042 characters)}.
   */
  public static String quoted(String value) {
    if (value == null) {
      return "null";
    }
    int end = Escapes.end(value, MAX);
    StringBuilder out = new StringBuilder(end + 32).append('"');
    Escapes.escape(value, end, true, out);
    out.append(end < value.length() ? "…\"" : "\"");
    return end < value.length() ? out + " (" + value.length() + " characters)" : out.toString();
  }

  /** The text escaped and cut after {@code max} characters with {@code …}; null as "". */
  static String printable(String text, int max) {
    if (text == null) {
      return "";
    }
    int end = Escapes.end(text, max);
    StringBuilder out = new StringBuilder(end + 16);
    Escapes.escape(text, end, false, out);
    return end < text.length() ? out.append('…').toString() : out.toString();
  }
}
