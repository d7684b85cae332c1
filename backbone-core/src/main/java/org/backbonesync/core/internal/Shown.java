package org.backbonesync.core.internal;

import org.backbonesync.spi.internal.Escapes;

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
    int end = Escapes.end(value, max);
    StringBuilder out = new StringBuilder(end + 8);
    if (quote) {
      out.append('"');
    }
    Escapes.escape(value, end, quote, out);
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
}
