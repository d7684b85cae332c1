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

  /** Each line is kept as {@link #oneLine}: a path or value quoted in it cannot break it. */
  ServiceFailure(int exitCode, List<String> lines) {
    super(null, null, false, false);
    this.exitCode = exitCode;
    this.lines = lines.stream().map(ServiceFailure::oneLine).toList();
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

  @Override
  public String getMessage() {
    return String.join("; ", lines);
  }

  /**
   * What a failure says, as {@link #oneLine one line} for an operator: its message, else the
   * first message among its causes, else its class's name; never {@code null} nor nothing (a
   * driver's or the JDK's exception may carry no message, and was printed as ": null").
   */
  static String why(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      String shown = oneLine(t.getMessage());
      if (!shown.isEmpty()) {
        return shown;
      }
    }
    return failure.getClass().getName();
  }

  /**
   * A failure and its root cause, when that says more ({@code Failed to initialize pool: ...}
   * over the driver's refusal), each as {@link #why}: one line, never {@code null}.
   */
  static String withRootCause(Throwable failure) {
    Throwable root = failure;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32;
        depth++) {
      root = root.getCause();
    }
    String top = why(failure);
    String bottom = why(root);
    return root == failure || top.endsWith(bottom) ? top : top + ": " + bottom;
  }

  /**
   * One line of printable characters, whatever the text holds (a cause's message, a command-line
   * argument, a path, another server's answer): whitespace runs are one space, and each other
   * control (C0 and C1: no terminal escape), format character, line or paragraph separator,
   * surrogate left alone and unassigned code point is a {@code ?}.
   */
  static String oneLine(String text) {
    return printable(text, Integer.MAX_VALUE);
  }

  /** The text as {@link #oneLine one line} of at most {@code max} characters (code points). */
  static String printable(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder shown = new StringBuilder();
    text.replaceAll("\\s+", " ").trim().codePoints().limit(max).forEach(c -> {
      int type = Character.getType(c);
      boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE || type == Character.UNASSIGNED;
      shown.appendCodePoint(unsafe ? '?' : c);
    });
    return shown.toString();
  }
}
