package org.backbonesync.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;

/**
 * JSON columns. Not the {@code StrictJson} setup of everything that comes from outside: these are
 * the library's own values as it wrote them (some exported from a local tracker, never bounded
 * by that setup's limits), read back as written; a column a bound refused would be a row lost.
 */
final class Json {
  /** Strings of any length: Jackson's default bound (20 M characters) would lose a row. */
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE).build()).build()).build();

  private Json() {}

  static String write(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual() && isPlain(node.textValue(), 0, node.textValue().length())) {
      return '"' + node.textValue() + '"';
    }
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * As {@link #write}, for a write's arguments: a plain string of ASCII characters (most values)
   * as its UTF-8 bytes, which PostgreSQL's batched writes send as they are ({@link
   * ManyRows#UTF8}), where a string written and then encoded was about a fiftieth of what a
   * change allocated ({@code TwoNodeBenchmark}, JFR); any other value as {@link #write}'s text,
   * encoded by the driver as before. Null for null.
   */
  static Object writeArgument(JsonNode node) {
    if (node != null && node.isTextual() && isPlainAscii(node.textValue())) {
      String text = node.textValue();
      byte[] quoted = new byte[text.length() + 2];
      quoted[0] = '"';
      for (int i = 0; i < text.length(); i++) {
        quoted[i + 1] = (byte) text.charAt(i);
      }
      quoted[quoted.length - 1] = '"';
      return new Utf8Text(quoted);
    }
    return write(node);
  }

  /** Whether every character is ASCII and none needs an escape in a JSON string. */
  private static boolean isPlainAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * As {@link #read(String)}, from the text's UTF-8 bytes (pgjdbc's {@code getBytes} of a text
   * column hands over those it received): a plain string's value is then one string made of
   * them, not the column's text and then the part between its quotes. Any other text is read
   * as {@link #read(String)} reads it.
   */
  static JsonNode read(byte[] utf8) {
    if (utf8 == null) {
      return null;
    }
    if (isPlainString(utf8)) {
      return TextNode.valueOf(new String(utf8, 1, utf8.length - 2, StandardCharsets.UTF_8));
    }
    return read(new String(utf8, StandardCharsets.UTF_8));
  }

  /**
   * As {@link #isPlainString(String)}, of the text's UTF-8 bytes: the bytes of a character
   * beyond ASCII are all at or above 0x80, never a quote, a backslash or a control character.
   */
  static boolean isPlainString(byte[] utf8) {
    int last = utf8.length - 1;
    if (last < 1 || utf8[0] != '"' || utf8[last] != '"') {
      return false;
    }
    for (int i = 1; i < last; i++) {
      byte b = utf8[i];
      if (b == '"' || b == '\\' || (b >= 0 && b < 0x20)) {
        return false;
      }
    }
    return true;
  }

  static JsonNode read(String text) {
    if (text == null) {
      return null;
    }
    if (isPlainString(text)) {
      return TextNode.valueOf(text.substring(1, text.length() - 1));
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Whether the text is a JSON string with nothing to unescape: a quote, then characters that
   * are neither quotes, backslashes nor below U+0020, then a quote. Its value is then the text
   * between the quotes, as Jackson reads it ({@code JsonTest} compares the two). Most synced
   * values are such strings, and Jackson's parser and context cost about 1.5 KB per value read,
   * however short: reading every pair's values when examining, locking and applying made this
   * about 5 % of what a node allocated per change ({@code TwoNodeBenchmark}, JFR).
   */
  static boolean isPlainString(String text) {
    int last = text.length() - 1;
    return last >= 1 && text.charAt(0) == '"' && text.charAt(last) == '"'
        && isPlain(text, 1, last);
  }

  /**
   * Whether the characters from {@code from} to before {@code to} need no escape in a JSON
   * string: none is a quote, a backslash or below U+0020. Jackson writes such a string as the
   * characters between quotes ({@code JsonTest} compares the two), and {@link #write} so too:
   * its generator and writer cost about a kilobyte per value written ({@code TwoNodeBenchmark},
   * JFR).
   */
  private static boolean isPlain(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        return false;
      }
    }
    return true;
  }
}
