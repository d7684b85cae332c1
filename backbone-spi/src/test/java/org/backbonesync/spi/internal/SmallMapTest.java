package org.backbonesync.spi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SmallMapTest {

  /** One step of a run: put (value >= 0) or remove (value < 0) a key. */
  record Op(String key, int value) {}

  @Provide
  Arbitrary<List<Op>> runs() {
    // keys from a space of 30, so that runs cross the scanned size both ways
    Arbitrary<Op> op = Arbitraries.integers().between(0, 29)
        .flatMap(k -> Arbitraries.integers().between(-3, 9).map(v -> new Op("f" + k, v)));
    return op.list().ofMaxSize(120);
  }

  @Property(tries = 500)
  void behavesAsALinkedHashMap(@ForAll("runs") List<Op> run) {
    Map<String, Integer> model = new LinkedHashMap<>();
    SmallMap<Integer> map = new SmallMap<>(2);
    for (Op op : run) {
      if (op.value() < 0) {
        assertEquals(model.remove(op.key()), map.remove(op.key()));
      } else {
        assertEquals(model.put(op.key(), op.value()), map.put(op.key(), op.value()));
      }
      assertEquals(model.size(), map.size());
    }
    assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(map.entrySet()));
    Map<String, Integer> copy = SmallMap.copyOf(map);
    assertEquals(model, copy);
    assertEquals(model.hashCode(), copy.hashCode());
    assertEquals(new ArrayList<>(model.keySet()), new ArrayList<>(copy.keySet()));
    for (int k = 0; k < 30; k++) {
      assertEquals(model.get("f" + k), map.get("f" + k));
      assertEquals(model.containsKey("f" + k), map.containsKey("f" + k));
      assertEquals(model.get("f" + k), copy.get("f" + k));
    }
  }

  @Test
  void aReplacedKeyKeepsItsPlace() {
    SmallMap<String> map = new SmallMap<>();
    map.put("a", "1");
    map.put("b", "2");
    map.put("a", "3");
    assertEquals(List.of(Map.entry("a", "3"), Map.entry("b", "2")),
        new ArrayList<>(map.entrySet()));
  }

  @Test
  void aCopyIsUnmodifiableAndACopyOfACopyIsItself() {
    SmallMap<String> map = new SmallMap<>();
    map.put("a", "1");
    Map<String, String> copy = SmallMap.copyOf(map);
    map.put("b", "2"); // (the copy does not see it)

    assertEquals(Map.of("a", "1"), copy);
    assertSame(copy, SmallMap.copyOf(copy));
    assertThrows(UnsupportedOperationException.class, () -> copy.put("c", "3"));
    assertThrows(UnsupportedOperationException.class, () -> copy.remove("a"));
    assertThrows(UnsupportedOperationException.class, copy::clear);
    assertThrows(UnsupportedOperationException.class,
        () -> copy.entrySet().iterator().next().setValue("x"));
    assertThrows(UnsupportedOperationException.class, () -> copy.keySet().remove("a"));
    assertThrows(UnsupportedOperationException.class, () -> copy.keySet().remove("z"));
    Map<String, String> empty = SmallMap.copyOf(Map.of());
    assertThrows(UnsupportedOperationException.class, () -> empty.keySet().clear());
    assertThrows(UnsupportedOperationException.class, () -> empty.values().clear());
    assertThrows(UnsupportedOperationException.class, () -> empty.entrySet().clear());
    assertEquals(Map.of("a", "1"), copy);
  }

  @Test
  void theViewsChangeAModifiableMap() {
    SmallMap<String> map = new SmallMap<>();
    map.put("a", "1");
    map.put("b", "2");
    map.put("c", "3");

    assertTrue(map.keySet().remove("b"));
    assertFalse(map.keySet().remove("z"));
    assertEquals(List.of("a", "c"), List.copyOf(map.keySet()));
    map.values().clear();
    assertEquals(Map.of(), map);
  }

  @Test
  void copiesAnyMapInItsOrder() {
    Map<String, Integer> given = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) { // (beyond the scanned size: indexed)
      given.put("k" + i, i);
    }
    Map<String, Integer> copy = SmallMap.copyOf(given);
    assertEquals(new ArrayList<>(given.keySet()), new ArrayList<>(copy.keySet()));
    assertEquals(7, copy.get("k7"));
    assertNull(copy.get("k21"));
  }

  @Test
  void refusesANullKeyAndKeepsANullValue() {
    SmallMap<String> map = new SmallMap<>();
    assertEquals("key",
        assertThrows(NullPointerException.class, () -> map.put(null, "1")).getMessage());
    Map<String, String> withNullKey = new HashMap<>();
    withNullKey.put(null, "1");
    assertThrows(NullPointerException.class, () -> SmallMap.copyOf(withNullKey));

    map.put("a", null);
    assertTrue(map.containsKey("a"));
    assertNull(map.get("a"));
    assertFalse(map.containsKey("b"));
  }

  @Test
  void anIteratorRemovesAndFailsFastOnAnotherChange() {
    SmallMap<Integer> map = new SmallMap<>();
    for (int i = 0; i < 5; i++) {
      map.put("k" + i, i);
    }
    Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() % 2 == 0) {
        it.remove();
      }
    }
    assertEquals(List.of("k1", "k3"), new ArrayList<>(map.keySet()));

    Iterator<String> keys = map.keySet().iterator();
    keys.next();
    map.put("k9", 9);
    assertThrows(ConcurrentModificationException.class, keys::next);
    assertThrows(ConcurrentModificationException.class,
        () -> map.forEach((k, v) -> map.put(k + "x", v)));
  }

  @Test
  void anIteratorRemovesOnlyWhatItGaveOnce() {
    SmallMap<Integer> map = new SmallMap<>();
    map.put("a", 1);
    map.put("b", 2);
    map.put("c", 3);
    Iterator<String> keys = map.keySet().iterator();
    keys.next();
    keys.next();
    keys.remove();

    assertThrows(IllegalStateException.class, keys::remove);
    assertEquals(Map.of("a", 1, "c", 3), map);
    assertEquals("c", keys.next());
    assertFalse(keys.hasNext());
  }

  @Test
  void replaceAllKeepsTheOrder() {
    SmallMap<Integer> map = new SmallMap<>();
    for (int i = 0; i < 20; i++) {
      map.put("k" + i, i);
    }
    map.replaceAll((k, v) -> v * 10);
    assertEquals(190, map.get("k19"));
    assertEquals("k0", map.keySet().iterator().next());
    assertThrows(UnsupportedOperationException.class,
        () -> SmallMap.copyOf(map).replaceAll((k, v) -> v));
  }

  @Test
  void removingFromAnIndexedMapKeepsLookupsRight() {
    SmallMap<Integer> map = new SmallMap<>();
    for (int i = 0; i < 30; i++) {
      map.put("k" + i, i);
    }
    for (int i = 0; i < 30; i += 2) {
      map.remove("k" + i);
    }
    for (int i = 0; i < 30; i++) {
      assertEquals(i % 2 == 0 ? null : i, map.get("k" + i));
    }
    map.put("k0", 0);
    assertEquals(0, map.get("k0"));
    assertEquals(16, map.size());
  }

  @Test
  void copiesAMapThatGrowsWhileCopied() {
    Map<String, Integer> growing = new LinkedHashMap<>(Map.of("a", 1, "b", 2)) {
      @Override
      public int size() {
        return 1; // (as a concurrent map may answer before others add to it)
      }
    };
    assertEquals(Map.of("a", 1, "b", 2), new HashMap<>(SmallMap.copyOf(growing)));
  }
}
