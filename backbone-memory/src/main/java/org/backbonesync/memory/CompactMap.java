package org.backbonesync.memory;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An immutable map of a few string keys kept as one array of key, value, key, value: about half
 * the heap of {@code Map.copyOf} for the five to ten values a synced pair keeps, and a lookup is a
 * scan of a few keys that are usually the very same string instances. The in-memory stores keep
 * one per pair, so their footprint grows by this much per synced issue.
 */
final class CompactMap<V> extends AbstractMap<String, V> {
  private final Object[] pairs;

  private CompactMap(Object[] pairs) {
    this.pairs = pairs;
  }

  /**
   * {@code stored} with {@code given} put over it, as {@code putAll} would (a replaced key keeps
   * its place, new keys come last), each new value passed through {@code canon} (for sharing
   * equal values); {@code stored} itself is left as it is.
   */
  static <V> Map<String, V> merge(Map<String, V> stored, Map<String, V> given,
      UnaryOperator<V> canon) {
    int added = 0; // (counted first: the array is made once, of its size)
    for (String key : given.keySet()) {
      if (!stored.containsKey(key)) {
        added++;
      }
    }
    Object[] pairs = new Object[2 * (stored.size() + added)];
    int n = 0;
    for (Map.Entry<String, V> e : stored.entrySet()) {
      V replaced = given.get(e.getKey());
      pairs[n++] = e.getKey();
      pairs[n++] = replaced == null ? e.getValue() : canon.apply(replaced);
    }
    for (Map.Entry<String, V> e : given.entrySet()) {
      if (!stored.containsKey(e.getKey())) {
        pairs[n++] = e.getKey();
        pairs[n++] = canon.apply(e.getValue());
      }
    }
    return new CompactMap<>(pairs);
  }

  /** {@code stored} without {@code key}. */
  static <V> Map<String, V> without(Map<String, V> stored, String key) {
    if (!stored.containsKey(key)) {
      return stored;
    }
    Object[] pairs = new Object[2 * (stored.size() - 1)];
    int n = 0;
    for (Map.Entry<String, V> e : stored.entrySet()) {
      if (!e.getKey().equals(key)) {
        pairs[n++] = e.getKey();
        pairs[n++] = e.getValue();
      }
    }
    return new CompactMap<>(pairs);
  }

  private int indexOf(Object key) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == key || pairs[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) pairs[i + 1];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return pairs.length / 2;
  }

  @Override
  public Set<Map.Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return pairs.length / 2;
      }

      @Override
      public Iterator<Map.Entry<String, V>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < pairs.length;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Map.Entry<String, V> next() {
            if (i >= pairs.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, V> e =
                new AbstractMap.SimpleImmutableEntry<>((String) pairs[i], (V) pairs[i + 1]);
            i += 2;
            return e;
          }
        };
      }
    };
  }
}
