package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.backbonesync.core.internal.Shown;

/**
 * How the admin REST shows text from a request or a tracker in its answers: quoted and escaped
 * ({@link Shown}), cut short when long, and JSON paths and parameter names written so that an odd
 * name cannot pass for another.
 */
final class AdminText {
  private static final int SHOWN = 80;
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,79}");
  private static final Pattern PLAIN_PARAMETER = Pattern.compile("[A-Za-z0-9_.%-]{1,80}");

  private AdminText() {}

  /** A JSON value from the request for a message, cut short when long. */
  static String shown(JsonNode v) {
    String text = v.toString();
    return text.length() <= SHOWN ? text
        : text.substring(0, SHOWN) + "... (" + text.length() + " characters)";
  }

  /** A text from the request for a message: quoted, escaped, and cut short when long. */
  static String shown(String value) {
    return Shown.quoted(value);
  }

  static String cut(String value, int max) {
    return Shown.text(value, max);
  }

  /** A property name in a JSON path: {@code .name}, or {@code ["odd name"]}. */
  static String member(String name) {
    return PLAIN_NAME.matcher(name).matches() ? "." + name : "[" + shown(name) + "]";
  }

  /** A query parameter's name for a problem's path: {@code ?name}, or {@code ?"odd name"}. */
  static String parameter(String name) {
    return "?" + (PLAIN_PARAMETER.matcher(name).matches() ? name : shown(name));
  }
}
