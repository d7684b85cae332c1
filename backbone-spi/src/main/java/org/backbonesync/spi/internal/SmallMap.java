package org.backbonesync.spi.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * An insertion-ordered map of string keys kept as one array of immutable entries: the map a
 * message's fields travel in through the engine, from the changed values found to the message and
 * its last synced and pending values. A message carries a few fields, so a lookup is a scan of a
 * few keys (usually the very same string instances), and the map costs its array and one small
 * entry per key where a {@link java.util.LinkedHashMap} costs a table, a node per key and itself:
 * about half the heap, made several times per message ({@code EngineBenchmark}). Beyond {@value
 * #SCANNED} keys a hash index keeps lookups constant-time (a removal drops it; the next lookup
 * builds it again, so removing many keys one by one costs a pass each).
 *
 * <p>{@link #copyOf} gives an unmodifiable copy that shares the entries (they are immutable) and
 * returns an unmodifiable one as it is, so a map handed on is copied at the cost of its array.
 * Unlike a {@code LinkedHashMap}'s, an entry is a snapshot: {@link Map.Entry#setValue} is
 * refused, and an entry read before a {@code put} of its key keeps the value it had.
 * Not thread-safe while it is being filled; an unmodifiable one, once safely published (as
 * through a record's final field), may be read by any number of threads: it never changes after
 * its constructor. Null keys are refused; null values are kept, as {@code HashMap} keeps them.
 *
 * @param <V> the values' type
 */
public final class SmallMap<V> extends AbstractMap<String, V> {
  /** Keys found by scanning; a map with more has a hash index. */
  static final int SCANNED = 12;

  private static final Object[] NONE = {};

  private Object[] entries; // Entry<V>, the first `size` of them
  private int size;
  private final boolean unmodifiable;
  private HashMap<String, Integer> index; // key -> position, only beyond SCANNED keys
  private int modCount;
  private Entries entrySet;

  /** An empty map with room for {@code capacity} keys before it grows. */
  public SmallMap(int capacity) {
    this.entries = capacity == 0 ? NONE : new Object[capacity];
    this.unmodifiable = false;
  }

  /** An empty map with room for four keys. */
  public SmallMap() {
    this(4);
  }

  private SmallMap(Object[] entries, int size) {
    this.entries = entries;
    this.size = size;
    this.unmodifiable = true;
    if (size > SCANNED) {
      reindex();
    }
  }

  /**
   * An unmodifiable map of {@code map}'s entries in its order: {@code map} itself when it is one
   * already, and sharing the entries of a modifiable {@code SmallMap}.
   *
   * @throws NullPointerException when {@code map} or one of its keys is null
   */
  @SuppressWarnings("unchecked")
  public static <V> Map<String, V> copyOf(Map<String, ? extends V> map) {
    if (map instanceof SmallMap<?> small) {
      return small.unmodifiable ? (Map<String, V>) small
          : new SmallMap<>(Arrays.copyOf(small.entries, small.size), small.size);
    }
    Object[] copied = new Object[map.size()];
    int n = 0;
    for (Map.Entry<String, ? extends V> e : map.entrySet()) {
      if (n == copied.length) { // (a concurrent map that grew meanwhile)
        copied = Arrays.copyOf(copied, n + (n >> 1) + 1);
      }
      copied[n++] = new Entry<>(Objects.requireNonNull(e.getKey(), "key"), e.getValue());
    }
    return new SmallMap<>(n == copied.length ? copied : Arrays.copyOf(copied, n), n);
  }

  @SuppressWarnings("unchecked")
  private Entry<V> at(int i) {
    return (Entry<V>) entries[i];
  }

  private int indexOf(Object key) {
    if (index == null && size > SCANNED) {
      reindex();
    }
    if (index != null) {
      Integer i = index.get(key);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < size; i++) { // (identity first: ids are mostly the same instances)
      String k = at(i).key;
      if (k == key || k.equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private void reindex() {
    index = new HashMap<>(2 * size);
    for (int i = 0; i < size; i++) {
      index.put(at(i).key, i);
    }
  }

  private void checkModifiable() {
    if (unmodifiable) {
      throw new UnsupportedOperationException("an unmodifiable map");
    }
  }

  @Override
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : at(i).value;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public V put(String key, V value) {
    checkModifiable();
    int i = indexOf(Objects.requireNonNull(key, "key"));
    if (i >= 0) {
      V old = at(i).value;
      entries[i] = new Entry<>(at(i).key, value); // (keeps its place, as LinkedHashMap does)
      return old;
    }
    if (size == entries.length) {
      entries = Arrays.copyOf(entries, Math.max(4, size + (size >> 1) + 1));
    }
    entries[size++] = new Entry<>(key, value);
    modCount++;
    if (index != null) {
      index.put(key, size - 1);
    }
    return null;
  }

  @Override
  public V remove(Object key) {
    checkModifiable();
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    V old = at(i).value;
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    System.arraycopy(entries, i + 1, entries, i, size - i - 1);
    entries[--size] = null;
    modCount++;
    index = null; // (rebuilt by the next lookup that needs one: a removal costs a pass)
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super V, ? extends V> function) {
    checkModifiable();
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      entries[i] = new Entry<V>(at(i).key, function.apply(at(i).key, at(i).value));
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public void clear() {
    checkModifiable();
    Arrays.fill(entries, 0, size, null);
    size = 0;
    index = null;
    modCount++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super V> action) {
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(at(i).key, at(i).value);
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<Map.Entry<String, V>> entrySet() {
    if (entrySet == null) {
      entrySet = new Entries();
    }
    return entrySet;
  }

  /** The entries in their order, as a view (made on first need, as HashMap's is). */
  private final class Entries extends AbstractSet<Map.Entry<String, V>> {
    @Override
    public int size() {
      return size;
    }

    @Override
    public Iterator<Map.Entry<String, V>> iterator() {
      return new Iterator<>() {
        private int next;
        private int last = -1; // the place of the entry next() gave, until removed
        private int expected = modCount;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Map.Entry<String, V> next() {
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          if (next >= size) {
            throw new NoSuchElementException();
          }
          last = next;
          return at(next++);
        }

        @Override
        public void remove() {
          checkModifiable();
          if (last < 0) {
            throw new IllegalStateException("next() not called since the last remove()");
          }
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          removeAt(last);
          next = last;
          last = -1;
          expected = modCount;
        }
      };
    }
  }

  /** One key and its value; immutable, so copies share it. */
  private static final class Entry<V> implements Map.Entry<String, V> {
    final String key;
    final V value;

    Entry(String key, V value) {
      this.key = key;
      this.value = value;
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    public V getValue() {
      return value;
    }

    @Override
    public V setValue(V value) {
      throw new UnsupportedOperationException("entries are immutable; put the key again");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey())
          && Objects.equals(value, e.getValue());
    }

    @Override
    public int hashCode() {
      return key.hashCode() ^ Objects.hashCode(value);
    }

    @Override
    public String toString() {
      return key + "=" + value;
    }
  }
}
