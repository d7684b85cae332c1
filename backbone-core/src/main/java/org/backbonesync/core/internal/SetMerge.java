package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The merge of two concurrent changes of a multi-valued field ({@code "conflict": "merge"}):
 * each side's additions and removals against the value both had. The local order is kept and
 * the remote side's additions follow in its order, so a merge that adds and removes nothing
 * locally leaves the local array as a person ordered it. Both sides end with one array because
 * one side merges ({@code ConflictResolver}) and sends its result back whenever it differs from
 * the remote value, order included; sorting here once made a merge that changed nothing rewrite
 * a person's order on one side only (simulation seed 2000151578).
 */
final class SetMerge {
  private SetMerge() {}

  /** Whether a value merges as a set: an array, or none. */
  static boolean isArrayish(JsonNode v) {
    return v.isArray() || v.isNull();
  }

  /**
   * Local plus the remote side's additions, minus its removals, both against the base: local's
   * items in local's order, then the additions in the remote order.
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
    result.forEach(merged::add);
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
