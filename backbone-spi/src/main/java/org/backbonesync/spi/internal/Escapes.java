package org.backbonesync.spi.internal;

/**
 * Not API. Escapes text from outside for a message or a log line, as JSON does: line breaks,
 * control and format characters and unpaired surrogates as {@code \n} or {@code \u001b}, so
 * that it cannot forge a line around it or hide in a terminal's escapes. The engine's {@code
 * Shown} and {@code SyncAdminServlet}'s refused paths share {@link #quoted}; the Jira adapter's
 * texts, cut with another mark, compose their own of {@link #end} and {@link #escape}.
 */
public final class Escapes {
  private Escapes() {}

  /**
   * The value in quotes, escaped (quotes and backslashes too) and cut after {@code max}
   * characters with {@code ...} and its length, e.g. {@code "PA-1\n2026"} or {@code "AAAA..."
   * (100042 characters)}: the engine's {@code Shown.quoted} and the servlet's refused paths.
   */
  public static String quoted(String value, int max) {
    int end = end(value, max);
    StringBuilder out = new StringBuilder(end + 32).append('"');
    escape(value, end, true, out);
    if (end == value.length()) {
      return out.append('"').toString();
    }
    return out.append("...\" (").append(value.length()).append(" characters)").toString();
  }

  /** Where a cut after {@code max} characters ends, never between the halves of a pair. */
  public static int end(String value, int max) {
    int end = Math.min(value.length(), max);
    return end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))
        ? end - 1 : end;
  }

  /**
   * Appends the value's first {@code end} characters escaped; with {@code quote}, quotes and
   * backslashes too (for a value shown in quotes).
   */
  public static void escape(String value, int end, boolean quote, StringBuilder out) {
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
  }

  /**
   * Whether the text has nothing {@link #escape} would escape but quotes and backslashes: no
   * control, format or separator character, nor a surrogate left alone.
   */
  public static boolean printable(String text) {
    return text.codePoints().noneMatch(cp -> invisible(cp) || Character.getType(cp)
        == Character.SURROGATE);
  }

  /**
   * Whether every surrogate of the text is half of a pair: whole UTF-16, which encodes as UTF-8
   * and reads back the same (the engine's arguments, {@link DecodedAlike}).
   */
  public static boolean pairedSurrogates(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean invisible(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
  }
}
