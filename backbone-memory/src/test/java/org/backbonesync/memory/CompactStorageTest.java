package org.backbonesync.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.junit.jupiter.api.Test;

/** How the in-memory stores keep a pair's values small without changing what readers see. */
class CompactStorageTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void aCompactMapIsAMapLikeAnyOtherKeepingPutAllOrder() {
    Map<String, Integer> stored = CompactMap.merge(Map.of(), ordered("a", 1, "b", 2), v -> v);
    Map<String, Integer> merged = CompactMap.merge(stored, ordered("c", 3, "a", 9), v -> v);

    Map<String, Integer> expected = ordered("a", 9, "b", 2, "c", 3);
    assertEquals(expected, merged);
    assertEquals(merged, expected);
    assertEquals(expected.hashCode(), merged.hashCode());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(merged.keySet()));
    assertEquals(Map.of("a", 1, "b", 2), stored); // merging left the stored map as it was
    assertNull(merged.get("z"));
    assertFalse(merged.containsKey("z"));
    assertEquals(7, merged.getOrDefault("z", 7));
    assertEquals(Map.of("b", 2, "c", 3), CompactMap.without(merged, "a"));
    assertSame(merged, CompactMap.without(merged, "z"));
    assertThrows(UnsupportedOperationException.class, () -> merged.put("d", 4));
  }

  @Test
  void equalSmallScalarsAreKeptOnceAndArraysAreCopiedWithSharedItems() {
    InMemoryStores stores = new InMemoryStores();
    SyncInfoStore store = stores.syncInfo();
    SyncInfo one = store.insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1));
    SyncInfo two = store.insert(SyncInfo.newPair("PA", "PA-2", "PB-2", 1));
    ArrayNode labels = JSON.arrayNode().add("hardware");
    store.putSyncedValues(one.id(), Map.of("priority", JSON.textNode("High"), "labels", labels));
    store.putSyncedValues(two.id(),
        Map.of("priority", JSON.textNode("High"), "labels", JSON.arrayNode().add("hardware")));

    Map<String, JsonNode> first = store.syncedValues(one.id());
    Map<String, JsonNode> second = store.syncedValues(two.id());
    assertSame(first.get("priority"), second.get("priority"));
    assertSame(first.get("labels").get(0), second.get("labels").get(0));
    assertNotSame(first.get("labels"), second.get("labels")); // arrays can change: not shared
    labels.add("changed by the caller afterwards");
    assertEquals(JSON.arrayNode().add("hardware"), store.syncedValues(one.id()).get("labels"));
  }

  @Test
  void longTextAndObjectsAreKeptAsGiven() {
    InMemoryStores stores = new InMemoryStores();
    SyncInfo row = stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1));
    JsonNode description = JSON.textNode("x".repeat(SharedValues.MAX_TEXT + 1));
    ObjectNode object = JSON.objectNode().put("name", "High");
    stores.syncInfo().putSyncedValues(row.id(), Map.of("d", description, "o", object));

    assertSame(description, stores.syncInfo().syncedValues(row.id()).get("d"));
    assertSame(object, stores.syncInfo().syncedValues(row.id()).get("o"));
  }

  @Test
  void sharingStartsOverPastItsCapacityAndValuesStayRight() {
    SharedValues shared = new SharedValues();
    JsonNode first = shared.share(JSON.textNode("High"));
    for (int i = 0; i <= SharedValues.CAPACITY; i++) {
      shared.share(JSON.numberNode(i));
    }
    JsonNode again = JSON.textNode("High");

    assertSame(again, shared.share(again)); // forgotten, so this one is now the shared one
    assertEquals(first, shared.share(JSON.textNode("High")));
    List<JsonNode> mixed = new ArrayList<>(List.of(JSON.textNode("a"), JSON.objectNode()));
    ArrayNode notScalars = new ArrayNode(JSON, mixed);
    assertSame(notScalars, shared.share(notScalars));
  }

  @Test
  void writesForADeletedRowAreDroppedAndItsIdIsNotReused() {
    InMemoryStores stores = new InMemoryStores();
    SyncInfoStore store = stores.syncInfo();
    SyncInfo gone = store.insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 1));
    store.delete("PA", gone.id());

    store.putSyncedValues(gone.id(), Map.of("m1", JSON.textNode("late")));
    SyncInfo next = store.insert(SyncInfo.newPair("PA", "PA-1", "PB-1", 2));

    assertTrue(next.id() > gone.id());
    assertEquals(Map.of(), store.syncedValues(gone.id()));
    assertEquals(Map.of(), store.syncedValues(next.id()));
    assertEquals(List.of(next), store.list("PA"));
  }

  @Test
  void rowsAreListedInIdOrderPastTheFirstThousand() {
    InMemoryStores stores = new InMemoryStores();
    List<Long> ids = new ArrayList<>();
    for (int i = 1; i <= 2500; i++) {
      ids.add(stores.syncInfo().insert(SyncInfo.newPair("PA", "PA-" + i, "PB-" + i, 1)).id());
    }
    stores.syncInfo().delete("PA", ids.remove(1500));

    assertEquals(ids, stores.syncInfo().list("PA").stream().map(SyncInfo::id).toList());
    assertEquals("PA-2500", stores.syncInfo().findById("PA", 2500).orElseThrow().localIssueKey());
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> ordered(Object... keysAndValues) {
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
    }
    return m;
  }
}
