package org.backbonesync.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

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
