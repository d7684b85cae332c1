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
    return value == null ? "null" : Escapes.quoted(value, MAX);
  }

  /** The text with control and format characters escaped, cut after {@code max} characters. */
  public static String text(String value, int max) {
    if (value == null) {
      return "";
    }
    int end = Escapes.end(value, max);
    StringBuilder out = new StringBuilder(end + 8);
    Escapes.escape(value, end, false, out);
    return end < value.length() ? out.append("...").toString() : out.toString();
  }
}
