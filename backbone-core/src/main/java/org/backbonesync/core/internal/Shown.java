package org.backbonesync.core.internal;

/**
 * Text from outside, for an error message or a log line: line breaks, invisible characters and
 * unpaired surrogates escaped as in JSON (so that they cannot forge the message or the log
 * around them), and cut short when long (an attacker chooses its length).
 */
public final class Shown {
  /** The most characters of a value {@link #quoted} shows. */
  static final int MAX = 80;

  private Shown() {}

  /** The value quoted, with quotes and backslashes escaped too, e.g. {@code "PA-1\")"}. */
  public static String quoted(String value) {
    if (value == null) {
      return "null";
    }
    return escaped(value, MAX, true);
  }

  /** The text with control and format characters escaped, cut after {@code max} characters. */
  public static String text(String value, int max) {
    if (value == null) {
      return "";
    }
    return escaped(value, max, false);
  }

  private static String escaped(String value, int max, boolean quote) {
    int end = Math.min(value.length(), max);
    if (end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = new StringBuilder(end + 8);
    if (quote) {
      out.append('"');
    }
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
        out.append(c).append(value.charAt(++i)); // one character beyond the BMP
      } else if (invisible(c) || Character.isSurrogate(c)) {
        // a surrogate on its own is no character: as it is, it cannot even be encoded
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (end < value.length()) {
      out.append("...");
    }
    if (quote) {
      out.append('"');
    }
    if (end < value.length()) {
      out.append(" (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }

  private static boolean invisible(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
