package org.backbonesync.core;

import static org.backbonesync.core.AdminText.shown;

import java.util.List;
import java.util.Locale;

/**
 * The {@code Content-Type} an HTTP host received an admin request under, judged for a route that
 * reads a JSON body: only {@code application/json} (in any case, RFC 9110 8.3.1), with any
 * parameters, a {@code charset} only UTF-8 ({@code utf8} too, as some clients spell it), since the body is read as UTF-8 whatever a header
 * says (RFC 8259 8.1). Anything else, no header included, is refused with 415: a browser sends
 * {@code text/plain}, form and multipart bodies to any origin without asking it first (no CORS
 * preflight), {@code application/json} only once the origin allowed it. Immutable.
 */
final class AdminMediaType {
  /** A body handed over in Java, not received over HTTP: no header to judge. */
  static final AdminMediaType UNCHECKED = new AdminMediaType(null, false);

  private static final String JSON = "application/json";

  /** UTF-8's name, and the alias some clients send. */
  private static final List<String> UTF_8_NAMES = List.of("utf-8", "utf8");

  private final String header;
  private final boolean checked;

  private AdminMediaType(String header, boolean checked) {
    this.header = header;
    this.checked = checked;
  }

  /** The request's {@code Content-Type} as received; null when it had none. */
  static AdminMediaType of(String header) {
    return new AdminMediaType(header, true);
  }

  /**
   * Refuses a request to a route that reads JSON unless it was sent as JSON in UTF-8.
   *
   * @param route the route, named in the refusal
   * @throws AdminException 415, naming the Content-Type received, at the problem path {@code
   *     Content-Type}
   */
  void requireJson(Object route) {
    String problem = checked ? problem(header) : null;
    if (problem == null) {
      return;
    }
    String was = header == null ? "none" : shown(header);
    throw new AdminException(415, route + " takes a JSON body: Content-Type must be " + JSON
        + ", was " + was + problem, List.of(new ConfigurationProblem("Content-Type",
            "must be " + JSON + " (UTF-8), was " + was + problem)));
  }

  /** Null when the header says JSON in UTF-8; else why not, to follow "was ...". */
  private static String problem(String header) {
    if (header == null) {
      return " (no Content-Type header)";
    }
    int semicolon = header.indexOf(';');
    String type = (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
    if (!type.equalsIgnoreCase(JSON)) {
      return "";
    }
    return semicolon < 0 ? null : parameters(header.substring(semicolon));
  }

  /**
   * Null when the parameters ({@code ; name=value}, a value a token or a quoted string) are
   * well formed with at most one {@code charset}, UTF-8; else why not.
   */
  private static String parameters(String text) {
    String charset = null;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ';' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int eq = text.indexOf('=', i);
      int next = text.indexOf(';', i);
      int end = eq <= i || (next >= 0 && next < eq) ? -1 : valueEnd(text, eq + 1);
      if (end < 0) {
        return " (its parameters are malformed)";
      }
      String name = text.substring(i, eq).strip();
      String raw = text.substring(eq + 1, end).strip();
      if (!isToken(name) || !raw.startsWith("\"") && !isToken(raw)) {
        // (two headers joined: "application/json; x=1, text/plain" is not one JSON type)
        return " (its parameters are malformed)";
      }
      String value = unquoted(raw);
      if (name.equalsIgnoreCase("charset")) {
        if (charset != null) {
          return " (charset given twice)";
        }
        charset = value;
      }
      i = end;
    }
    return charset == null || UTF_8_NAMES.contains(charset.toLowerCase(Locale.ROOT)) ? null
        : " (the body is read as UTF-8 only)";
  }

  /** Whether text is an RFC 9110 token: a parameter's name, or its value when not quoted. */
  private static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alphanumeric = c < 128 && Character.isLetterOrDigit(c);
      if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the value starting at {@code start} ends: after its closing quote, or at the next
   * {@code ;}; -1 for an unclosed quoted string or text after one.
   */
  private static int valueEnd(String text, int start) {
    if (start >= text.length() || text.charAt(start) != '"') {
      int semicolon = text.indexOf(';', start);
      return semicolon < 0 ? text.length() : semicolon;
    }
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        int next = i + 1;
        while (next < text.length() && (text.charAt(next) == ' ' || text.charAt(next) == '\t')) {
          next++;
        }
        return next == text.length() || text.charAt(next) == ';' ? next : -1;
      }
    }
    return -1;
  }

  /** A token as it is, a quoted string without its quotes and escapes. */
  private static String unquoted(String value) {
    String v = value.strip();
    if (!v.startsWith("\"")) {
      return v;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      out.append(c == '\\' && i + 1 < v.length() - 1 ? v.charAt(++i) : c);
    }
    return out.toString();
  }
}
