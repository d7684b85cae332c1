package org.backbonesync.spi.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.nio.charset.StandardCharsets;
import org.backbonesync.spi.message.StrictJson;

/**
 * Not API. Where a parser stopped when it refused a body, for the refusal's words: the JSON path
 * ({@code " at $.timestamp"}, {@code " at $.fields[\"map-1\"].value"}) and, for a number over the length limit, the number as written and
 * cut ({@code ", was 99999..."}). The Jira webhook handler, the message codec, the
 * transports' envelopes and the service's configuration file use it.
 */
public final class ParserPlace {
  /** The most characters of a path shown. */
  private static final int PATH = 200;

  private ParserPlace() {}

  /**
   * Where the parser stopped, as a JSON path ({@code " at $.timestamp"}, {@code " at
   * $.issue.fields[0]"}), printable and cut; nothing at the top.
   */
  public static String at(JsonParser p) {
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot();
        c = c.getParent()) {
      if (c.inArray()) {
        path.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        path.insert(0, member(c.getCurrentName()));
      }
    }
    return path.length() == 0 ? "" : " at $" + StrictJson.printable(path.toString(), PATH);
  }

  /**
   * A member's name on a path: {@code .name} for a name of letters, digits and {@code _} that
   * does not begin with a digit, else {@code ["map-1"]}, as {@code MessageCodec} names them.
   */
  public static String member(String name) {
    return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + name
        : "[\"" + StrictJson.printable(name, PATH) + "\"]";
  }

  /**
   * The number a refusal of its length is about, as written and cut after {@code max}
   * characters ({@code ", was 1000000000..."}), read back from where the parser stopped, just
   * after it; nothing for another refusal.
   *
   * @param body the bytes the parser read, from their start
   */
  public static String longNumber(StreamConstraintsException e, JsonParser p, byte[] body,
      int max) {
    return longNumber(e, new String(body, StandardCharsets.ISO_8859_1),
        p.currentLocation().getByteOffset(), max);
  }

  /**
   * {@link #longNumber(StreamConstraintsException, JsonParser, byte[], int)} for a parser that
   * reads a text (a configuration file read as a string).
   *
   * @param text the text the parser read, from its start
   */
  public static String longNumber(StreamConstraintsException e, JsonParser p, String text,
      int max) {
    return longNumber(e, text, p.currentLocation().getCharOffset(), max);
  }

  private static String longNumber(StreamConstraintsException e, String text, long after,
      int max) {
    if (!String.valueOf(e.getOriginalMessage()).startsWith("Number value length")) {
      return "";
    }
    int end = (int) Math.min(text.length(), Math.max(0, after));
    int start = end;
    while (start > 0 && "0123456789+-.eE".indexOf(text.charAt(start - 1)) >= 0) {
      start--;
    }
    return start == end ? "" : ", was " + StrictJson.printable(text.substring(start, end), max);
  }
}
