package org.backbonesync.spi.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The store interfaces' defaults for a look-up of several keys: each key looked up alone. A look-up
 * of one key (a poll of one changed issue, an apply of one message: the engine's usual case) is
 * answered with {@code Map.of}, not a hash map and its node: those were about 300 B of the
 * engine's garbage per message on the in-memory stores ({@code EngineBenchmark}).
 */
final class OneByOne {
  private OneByOne() {}

  /**
   * The found values by key, after refusing a null collection or key (naming it by {@code
   * name}); {@code find} answers null for a key without one.
   */
  static <V> Map<String, V> lookUp(Collection<String> keys, String name,
      Function<String, V> find) {
    NullChecks.requireNoNull(keys, name);
    if (keys.size() == 1) {
      String key = keys.iterator().next();
      V found = find.apply(key);
      return found == null ? Map.of() : Map.of(key, found);
    }
    Map<String, V> found = new HashMap<>(2 * keys.size());
    for (String key : keys) {
      V value = find.apply(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return found;
  }
}
