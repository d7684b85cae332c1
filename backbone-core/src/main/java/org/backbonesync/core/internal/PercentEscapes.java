package org.backbonesync.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent escapes ({@code %41}) decoded strictly, for the admin API's path segments and query
 * parts and for the parts of a wire mention: the one decoder, so that they cannot drift apart. A
 * malformed escape ({@code %G1}, a trailing {@code %}) or bytes that are not text in the charset
 * ({@code %FF} in UTF-8) make the whole text malformed: never a U+FFFD or a guess. Stateless.
 */
public final class PercentEscapes {
  private PercentEscapes() {}

  /**
   * The text with each run of escapes decoded as bytes in {@code charset}; the characters between
   * escapes are kept as they are.
   *
   * @param plusIsSpace whether {@code +} stands for a space, as in a form's query; in a path it
   *     is a {@code +}
   * @return the decoded text, or null when an escape is malformed or its bytes are not text in
   *     {@code charset}
   */
  public static String decode(String raw, Charset charset, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          return null;
        }
        run.write(hi << 4 | lo);
        i += 2;
        continue;
      }
      // a run of escapes ends here: one character may take several bytes, never more than a run
      if (run.size() > 0 && !flush(run, charset, out)) {
        return null;
      }
      out.append(plusIsSpace && c == '+' ? ' ' : c);
    }
    return run.size() > 0 && !flush(run, charset, out) ? null : out.toString();
  }

  /**
   * Whether an escape itself is malformed (not {@code %} and two hex digits), whatever the bytes
   * of the others are: what tells "a malformed escape" from "not UTF-8" after {@link #decode}.
   */
  public static boolean malformed(String raw) {
    // every byte is a character in ISO-8859-1: only a malformed escape fails there
    return decode(raw, StandardCharsets.ISO_8859_1, false) == null;
  }

  private static boolean flush(ByteArrayOutputStream run, Charset charset, StringBuilder out) {
    try {
      out.append(charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(run.toByteArray())));
      run.reset();
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
