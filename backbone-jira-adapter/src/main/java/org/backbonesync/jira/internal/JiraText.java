package org.backbonesync.jira.internal;

/**
 * Text Jira chose (a key, a time, a header), as a message or a log line shows it: line breaks,
 * control and format characters escaped ({@code \n}, {@code \u001b}), so that it cannot forge a
 * line of the log or hide in a terminal's escapes, and cut short, since Jira chooses its length.
 * Credentials are not this class's business: scrub a text before it comes here, as a cut could
 * split a secret and leave most of it unrecognised.
 */
final class JiraText {
  /** The most characters of a value {@link #quoted} shows. */
  static final int MAX = 80;

  private JiraText() {}

  /**
   * The value in quotes, escaped (quotes and backslashes too) and cut after {@value #MAX}
   * characters, e.g. {@code "PA-1\n2026 ERROR"} or {@code "AAAA…" (100042 characters)}.
   */
  static String quoted(String value) {
    if (value == null) {
      return "null";
    }
    int end = end(value, MAX);
    StringBuilder out = new StringBuilder(end + 32).append('"');
    escape(value, end, true, out);
    out.append(end < value.length() ? "…\"" : "\"");
    return end < value.length() ? out + " (" + value.length() + " characters)" : out.toString();
  }

  /** The text escaped and cut after {@code max} characters with {@code …}; null as "". */
  static String printable(String text, int max) {
    if (text == null) {
      return "";
    }
    int end = end(text, max);
    StringBuilder out = new StringBuilder(end + 16);
    escape(text, end, false, out);
    return end < text.length() ? out.append('…').toString() : out.toString();
  }

  /** Where a cut after {@code max} characters ends, never between the halves of a pair. */
  private static int end(String value, int max) {
    int end = Math.min(value.length(), max);
    return end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))
        ? end - 1 : end;
  }

  private static void escape(String value, int end, boolean quote, StringBuilder out) {
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (quote && (c == '"' || c == '\\')) {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (Character.isHighSurrogate(c) && i + 1 < end
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(++i));
      } else if (invisible(c) || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
  }

  private static boolean invisible(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
