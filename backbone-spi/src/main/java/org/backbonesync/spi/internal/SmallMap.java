package org.backbonesync.spi.internal;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
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
 * An insertion-ordered map of string keys kept as one array of keys and values side by side: the
 * map a message's fields travel in through the engine, from the changed values found to the
 * message and its last synced and pending values. A message carries a few fields, so a lookup is
 * a scan of a few keys (usually the very same string instances), and the map costs itself and its
 * array where a {@link java.util.LinkedHashMap} costs a table and a node per key as well: about a
 * third of the heap, made several times per message ({@code EngineBenchmark}). Beyond {@value
 * #SCANNED} keys a hash index keeps lookups constant-time (a removal drops it; the next lookup
 * builds it again, so removing many keys one by one costs a pass each).
 *
 * <p>{@link #keySet()}, {@link #values()} and {@link #forEach} walk the array and make nothing per
 * key; {@link #entrySet()}'s iterator makes an entry per step, a snapshot: {@link
 * Map.Entry#setValue} is refused, and an entry read before a {@code put} of its key keeps the value
 * it had. (In the engine's loops over entries the JIT removes those entries: JFR's allocation
 * events show none once it has compiled them.) Views are made per call, as the JDK's immutable
 * maps make theirs; a change through one changes the map, and is refused when the map is
 * unmodifiable. {@link #copyOf} gives an
 * unmodifiable copy at the cost of one array and returns an unmodifiable one as it is. Not
 * thread-safe while it is being filled; an unmodifiable one, once safely published (as through a
 * record's final field), may be read by any number of threads: it never changes after its
 * constructor. Null keys are refused; null values are kept, as {@code HashMap} keeps them.
 *
 * @param <V> the values' type
 */
public final class SmallMap<V> extends AbstractMap<String, V> {
  /** Keys found by scanning; a map with more has a hash index. */
  static final int SCANNED = 12;

  private static final Object[] NONE = {};

  private Object[] pairs; // key at 2i, its value at 2i + 1, for the first `size` keys
  private int size;
  private final boolean unmodifiable;
  private HashMap<String, Integer> index; // key -> position, only beyond SCANNED keys
  private int modCount;

  /** An empty map with room for {@code capacity} keys before it grows. */
  public SmallMap(int capacity) {
    this.pairs = capacity == 0 ? NONE : new Object[2 * capacity];
    this.unmodifiable = false;
  }

  /** An empty map with room for four keys. */
  public SmallMap() {
    this(4);
  }

  private SmallMap(Object[] pairs, int size) {
    this.pairs = pairs;
    this.size = size;
    this.unmodifiable = true;
    if (size > SCANNED) {
      reindex();
    }
  }

  /**
   * An unmodifiable map of {@code map}'s entries in its order: {@code map} itself when it is one
   * already.
   *
   * @throws NullPointerException when {@code map} or one of its keys is null
   */
  @SuppressWarnings("unchecked")
  public static <V> Map<String, V> copyOf(Map<String, ? extends V> map) {
    if (map instanceof SmallMap<?> small) {
      return small.unmodifiable ? (Map<String, V>) small
          : new SmallMap<>(Arrays.copyOf(small.pairs, 2 * small.size), small.size);
    }
    Object[] copied = new Object[2 * map.size()];
    int n = 0;
    for (Map.Entry<String, ? extends V> e : map.entrySet()) {
      if (2 * n == copied.length) { // (a concurrent map that grew meanwhile)
        copied = Arrays.copyOf(copied, 2 * (n + (n >> 1) + 1));
      }
      copied[2 * n] = Objects.requireNonNull(e.getKey(), "key");
      copied[2 * n + 1] = e.getValue();
      n++;
    }
    return new SmallMap<>(2 * n == copied.length ? copied : Arrays.copyOf(copied, 2 * n), n);
  }

  private String keyAt(int i) {
    return (String) pairs[2 * i];
  }

  @SuppressWarnings("unchecked")
  private V valueAt(int i) {
    return (V) pairs[2 * i + 1];
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
      String k = keyAt(i);
      if (k == key || k.equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private void reindex() {
    index = new HashMap<>(2 * size);
    for (int i = 0; i < size; i++) {
      index.put(keyAt(i), i);
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
    return i < 0 ? null : valueAt(i);
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
      V old = valueAt(i);
      pairs[2 * i + 1] = value; // (keeps its place, as LinkedHashMap does)
      return old;
    }
    if (2 * size == pairs.length) {
      pairs = Arrays.copyOf(pairs, 2 * Math.max(4, size + (size >> 1) + 1));
    }
    pairs[2 * size] = key;
    pairs[2 * size + 1] = value;
    size++;
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
    V old = valueAt(i);
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    System.arraycopy(pairs, 2 * i + 2, pairs, 2 * i, 2 * (size - i - 1));
    size--;
    pairs[2 * size] = null;
    pairs[2 * size + 1] = null;
    modCount++;
    index = null; // (rebuilt by the next lookup that needs one: a removal costs a pass)
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super V, ? extends V> function) {
    checkModifiable();
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      pairs[2 * i + 1] = function.apply(keyAt(i), valueAt(i));
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public void clear() {
    checkModifiable();
    Arrays.fill(pairs, 0, 2 * size, null);
    size = 0;
    index = null;
    modCount++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super V> action) {
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(keyAt(i), valueAt(i));
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }

      @Override
      public boolean remove(Object o) {
        checkModifiable();
        int i = indexOf(o);
        if (i < 0) {
          return false;
        }
        removeAt(i);
        return true;
      }

      @Override
      public void clear() {
        SmallMap.this.clear();
      }

      @Override
      public Iterator<String> iterator() {
        return new Walk<>() {
          @Override
          String at(int i) {
            return keyAt(i);
          }
        };
      }
    };
  }

  @Override
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public void clear() {
        SmallMap.this.clear();
      }

      @Override
      public Iterator<V> iterator() {
        return new Walk<>() {
          @Override
          V at(int i) {
            return valueAt(i);
          }
        };
      }
    };
  }

  @Override
  public Set<Map.Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public void clear() {
        SmallMap.this.clear();
      }

      @Override
      public Iterator<Map.Entry<String, V>> iterator() {
        return new Walk<>() {
          @Override
          Map.Entry<String, V> at(int i) {
            return new SimpleImmutableEntry<>(keyAt(i), valueAt(i));
          }
        };
      }
    };
  }

  /** A walk over the keys in their order, giving what {@link #at} makes of each. */
  private abstract class Walk<T> implements Iterator<T> {
    private int next;
    private int last = -1; // the place next() gave, until removed
    private int expected = modCount;

    abstract T at(int i);

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public T next() {
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
  }
}
