package org.backbonesync.memory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands out one instance per distinct small scalar JSON value, so that the priority, status or
 * assignee that thousands of synced pairs share is kept once. Only immutable nodes are shared
 * (text up to {@value #MAX_TEXT} characters, numbers, booleans, null); an array of such scalars
 * (labels, components) is copied with shared items and no spare capacity, since the array itself
 * could be changed by whoever holds it; anything else is kept as given. Bounded: past
 * {@value #CAPACITY} distinct values it starts over, which costs sharing, never correctness. Not
 * thread-safe; the stores call it under their lock.
 */
final class SharedValues {
  static final int MAX_TEXT = 64;
  static final int MAX_ITEMS = 32;
  static final int CAPACITY = 4096;

  private final Map<JsonNode, JsonNode> known = new HashMap<>();

  JsonNode share(JsonNode value) {
    if (value.isArray() && value.size() <= MAX_ITEMS) {
      List<JsonNode> items = new ArrayList<>(value.size());
      for (JsonNode item : value) {
        JsonNode one = scalar(item);
        if (one == null) {
          return value;
        }
        items.add(one);
      }
      return new ArrayNode(JsonNodeFactory.instance, items);
    }
    JsonNode one = scalar(value);
    return one == null ? value : one;
  }

  /** The shared instance of a small scalar, or null for anything else. */
  private JsonNode scalar(JsonNode value) {
    boolean small = value.isTextual() ? value.textValue().length() <= MAX_TEXT
        : value.isNumber() || value.isBoolean() || value.isNull();
    if (!small) {
      return null;
    }
    JsonNode first = known.putIfAbsent(value, value);
    if (first != null) {
      return first;
    }
    if (known.size() > CAPACITY) {
      known.clear();
    }
    return value;
  }
}
