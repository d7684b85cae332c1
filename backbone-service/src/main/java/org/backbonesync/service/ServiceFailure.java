package org.backbonesync.service;

import java.util.List;

/**
 * Why the service stops before or instead of syncing: the exit code and the lines that tell the
 * operator, one line per problem, never a stack trace.
 */
final class ServiceFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final transient List<String> lines;

  ServiceFailure(int exitCode, List<String> lines) {
    super(String.join("; ", lines), null, false, false);
    this.exitCode = exitCode;
    this.lines = List.copyOf(lines);
  }

  ServiceFailure(int exitCode, String line) {
    this(exitCode, List.of(line));
  }

  int exitCode() {
    return exitCode;
  }

  List<String> lines() {
    return lines;
  }

  /** One line, whatever the cause's message holds. */
  static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }

  /**
   * Another server's text as {@link #oneLine one line} of at most {@code max} printable
   * characters: each control (C0 and C1: no terminal escape), format character, line or
   * paragraph separator, surrogate left alone and unassigned code point is a {@code ?}.
   */
  static String printable(String text, int max) {
    StringBuilder shown = new StringBuilder();
    oneLine(text).codePoints().limit(max).forEach(c -> {
      int type = Character.getType(c);
      boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE || type == Character.UNASSIGNED;
      shown.appendCodePoint(unsafe ? '?' : c);
    });
    return shown.toString();
  }
}
