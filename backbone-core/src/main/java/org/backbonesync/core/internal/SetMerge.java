package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The merge of two concurrent changes of a multi-valued field ({@code "conflict": "merge"}):
 * each side's additions and removals against the value both had, sorted, so that both sides
 * build the same array whichever merges first.
 */
final class SetMerge {
  private SetMerge() {}

  /** Whether a value merges as a set: an array, or none. */
  static boolean isArrayish(JsonNode v) {
    return v.isArray() || v.isNull();
  }

  /**
   * Local plus the remote side's additions, minus its removals, both against the base; sorted,
   * so that both sides build the same array whichever merges first.
   */
  static JsonNode merge(JsonNode base, JsonNode local, JsonNode remote) {
    Set<String> b = items(base);
    Set<String> l = items(local);
    Set<String> r = items(remote);
    Set<String> result = new LinkedHashSet<>(l);
    for (String added : r) {
      if (!b.contains(added)) {
        result.add(added);
      }
    }
    for (String removed : b) {
      if (!r.contains(removed)) {
        result.remove(removed);
      }
    }
    ArrayNode merged = JsonNodeFactory.instance.arrayNode();
    result.stream().sorted().forEach(merged::add);
    return merged;
  }

  private static Set<String> items(JsonNode v) {
    Set<String> s = new LinkedHashSet<>();
    if (v != null && v.isArray()) {
      v.forEach(i -> s.add(i.asText()));
    }
    return s;
  }
}
