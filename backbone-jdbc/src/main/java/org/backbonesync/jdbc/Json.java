package org.backbonesync.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON columns. Not the {@code StrictJson} setup of everything that comes from outside: these are
 * the library's own values as it wrote them (some exported from a local tracker, never bounded
 * by that setup's limits), read back as written; a column a bound refused would be a row lost.
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static String write(JsonNode node) {
    if (node == null) {
      return null;
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
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is not readable: " + e.getOriginalMessage(), e);
    }
  }
}
