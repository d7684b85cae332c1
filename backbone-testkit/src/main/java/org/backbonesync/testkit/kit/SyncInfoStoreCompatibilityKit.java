package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.PairedLink;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.WorklogLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every {@link SyncInfoStore}, the {@link org.backbonesync.spi.store.WatermarkStore} and the
 * {@link Stores} transaction boundary around them must do. Extend it and implement {@link #newStores()}; each test gets empty stores.
 */
public abstract class SyncInfoStoreCompatibilityKit extends StoresKit<SyncInfoStore> {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Override
  final SyncInfoStore storeOf(Stores fresh) {
    return fresh.syncInfo();
  }

  private static SyncInfo row(String connector, String local, String remote) {
    return new SyncInfo(
        0, connector, local, remote, 1000, 1100, 1050, 3, 1200, 2, false, 77, 2, 1010, 0, false);
  }

  @Test
  void insertAssignsIncreasingIdsAndKeepsEveryField() {
    SyncInfo first = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo second = store.insert(row("PA", "PA-2", "PB-2"));

    assertTrue(first.id() > 0);
    assertTrue(second.id() > first.id());
    assertTrue(second.stamp() > first.stamp());
    assertEquals(row("PA", "PA-1", "PB-1").withId(first.id()).withStamp(first.stamp()), first);
    assertEquals(Optional.of(first), store.findByLocalKey("PA", "PA-1"));
    assertEquals(Optional.of(first), store.findByRemoteKey("PA", "PB-1"));
    assertEquals(Optional.of(second), store.findById("PA", second.id()));
    assertEquals(List.of(first, second), store.list("PA"));
  }

  @Test
  void rowsOfSeveralLocalIssuesAreFoundAtOnce() {
    SyncInfo first = store.insert(row("PA", "PA-1", "PB-1"));
    store.insert(row("PB", "PA-2", "PB-2")); // another connector's
    List<String> keys = new java.util.ArrayList<>(List.of("PA-2", "PA-1", "PA-9"));
    Map<String, SyncInfo> expected = new java.util.HashMap<>(Map.of("PA-1", first));
    for (int i = 100; i < 250; i++) { // (more than a store may read at once)
      keys.add("PA-" + i);
      if (i % 50 == 0) {
        expected.put("PA-" + i, store.insert(row("PA", "PA-" + i, "PB-" + i)));
      }
    }

    assertEquals(expected, store.findByLocalKeys("PA", keys));
    assertEquals(Map.of(), store.findByLocalKeys("PA", List.of()));
  }

  @Test
  void rowsOfSeveralRemoteIssuesAreFoundAtOnce() {
    SyncInfo first = store.insert(row("PA", "PA-1", "PB-1"));
    store.insert(row("PB", "PB-2", "PA-2")); // another connector's
    store.insert(row("PA", "PA-3", null)); // no partner yet
    List<String> keys = new java.util.ArrayList<>(List.of("PA-2", "PB-1", "PB-9", "PB-1"));
    Map<String, SyncInfo> expected = new java.util.HashMap<>(Map.of("PB-1", first));
    for (int i = 100; i < 250; i++) { // (more than a store may read at once)
      keys.add("PB-" + i);
      if (i % 50 == 0) {
        expected.put("PB-" + i, store.insert(row("PA", "PA-" + i, "PB-" + i)));
      }
    }

    assertEquals(expected, store.findByRemoteKeys("PA", keys));
    assertEquals(Map.of(), store.findByRemoteKeys("PA", List.of()));
  }

  @Test
  void aLookUpOfOneKeyAnswersAsALookUpOfSeveral() {
    SyncInfo first = store.insert(row("PA", "PA-1", "PB-1"));
    store.insert(row("PB", "PA-2", "PB-2")); // another connector's

    assertEquals(Map.of("PA-1", first), store.findByLocalKeys("PA", List.of("PA-1")));
    assertEquals(Map.of("PA-1", first), store.findByLocalKeys("PA", Set.of("PA-1")));
    assertEquals(Map.of(), store.findByLocalKeys("PA", List.of("PA-2")));
    assertEquals(Map.of("PB-1", first), store.findByRemoteKeys("PA", List.of("PB-1")));
    assertEquals(Map.of(), store.findByRemoteKeys("PA", List.of("PB-2")));
    assertRefusedNaming("localIssueKeys[0]",
        () -> store.findByLocalKeys("PA", Arrays.asList((String) null)));
    assertRefusedNaming("remoteIssueKeys[0]",
        () -> store.findByRemoteKeys("PA", Arrays.asList((String) null)));
  }

  @Test
  void rowsReadAgainAreTheRowsAsTheyAreNow() {
    SyncInfo same = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo updated = store.insert(row("PA", "PA-2", "PB-2"));
    SyncInfo seen = store.insert(row("PA", "PA-3", "PB-3"));
    SyncInfo deleted = store.insert(row("PA", "PA-4", "PB-4"));
    SyncInfo replaced = store.insert(row("PA", "PA-5", "PB-5"));
    SyncInfo unpaired = store.insert(row("PA", "PA-6", null));
    SyncInfo ofPb = store.insert(row("PB", "PA-1", "PB-9")); // another connector's, same key
    List<SyncInfo> known = new ArrayList<>(List.of(same, updated, seen, deleted, replaced,
        unpaired));
    Map<String, SyncInfo> expected = new java.util.HashMap<>();
    for (int i = 100; i < 250; i++) { // (more than a store may read at once)
      SyncInfo many = store.insert(row("PA", "PA-" + i, "PB-" + i));
      known.add(many);
      expected.put(many.localIssueKey(), many);
    }

    store.update(updated.withSent(9, 5000));
    store.advanceLastChangeSeen("PA", seen.id(), 9000);
    store.update(unpaired.withRemoteIssueKey("PB-6"));
    store.delete("PA", deleted.id());
    store.delete("PA", replaced.id());
    SyncInfo replacing = store.insert(row("PA", "PA-5", "PB-55"));
    store.update(store.findByLocalKey("PA", "PA-150").orElseThrow().withSent(8, 6000));
    expected.put("PA-1", same);
    expected.put("PA-2", store.findById("PA", updated.id()).orElseThrow());
    expected.put("PA-3", store.findById("PA", seen.id()).orElseThrow());
    expected.put("PA-5", replacing);
    expected.put("PA-6", store.findById("PA", unpaired.id()).orElseThrow());
    expected.put("PA-150", store.findByLocalKey("PA", "PA-150").orElseThrow());

    Map<String, SyncInfo> again = store.findByLocalKeysAgain("PA", known);

    assertEquals(expected, again);
    assertEquals(9000, again.get("PA-3").lastChangeSeen(), "a last change seen moved shows");
    assertEquals("PB-6", again.get("PA-6").remoteIssueKey());
    assertEquals(store.findByLocalKeys("PA", known.stream().map(SyncInfo::localIssueKey)
        .toList()), again, "as the rows read by their keys");
    assertEquals(Map.of(), store.findByLocalKeysAgain("PA", List.of()));
    assertEquals(Map.of("PA-1", ofPb), store.findByLocalKeysAgain("PB", List.of(same)),
        "another connector's row of that key: its own, not PA's");
    assertRefusedNaming("known[1]",
        () -> store.findByLocalKeysAgain("PA", Arrays.asList(same, null)));
    assertRefusedNaming("known", () -> store.findByLocalKeysAgain("PA", null));
  }

  @Test
  void rowWritesRollBackWithTheirTransaction() {
    long id = store.insert(row("PA", "PA-1", "PB-1")).id();
    store.putSyncedValues(id, Map.of("m1", JSON.textNode("a")));
    PendingChange kept = new PendingChange(10, 1, null, JSON.textNode("a"));
    store.putPendingChanges(id, Map.of("m1", kept));
    SyncInfo a = store.findById("PA", id).orElseThrow(); // (a values write may stamp the row)

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      SyncInfo locked = store.findByIdForUpdate("PA", a.id()).orElseThrow();
      store.update(locked.withSent(locked.outgoingMessageSequenceId() + 1, 50)
          .withRemoteIssueKey("PB-7"));
      store.putSyncedValues(a.id(), Map.of("m1", JSON.textNode("b"), "m2", JSON.textNode("b")));
      store.putSyncedValues(a.id(), Map.of("m1", JSON.textNode("c"))); // (one key twice)
      store.putPendingChanges(a.id(),
          Map.of("m1", new PendingChange(20, 2, JSON.textNode("a"), JSON.textNode("c"))));
      store.insert(row("PA", "PA-2", "PB-2"));
      throw new IllegalStateException("boom");
    }));

    assertEquals(Optional.of(a), store.findById("PA", a.id()));
    assertEquals(Optional.of(a), store.findByRemoteKey("PA", "PB-1"));
    assertEquals(Optional.empty(), store.findByRemoteKey("PA", "PB-7"));
    assertEquals(Map.of("m1", JSON.textNode("a")), store.syncedValues(a.id()));
    assertEquals(Map.of("m1", kept), store.pendingChanges(a.id()));
    assertEquals(Optional.empty(), store.findByLocalKey("PA", "PA-2"));
    assertEquals(List.of(a), store.list("PA"));
  }

  @Test
  void keysAsLongAsTheDeclaredLimitAreKept() {
    int max = Math.min(store.maxIssueKeyLength(), 10_000);
    String local = "PA-" + "1".repeat(max - 3);
    String remote = "PB-" + "2".repeat(max - 3);

    SyncInfo stored = store.insert(row("PA", local, remote));

    assertEquals(Optional.of(stored), store.findByLocalKey("PA", local));
    assertEquals(remote, store.findByRemoteKey("PA", remote).orElseThrow().remoteIssueKey());
  }

  @Test
  void rowsBelongToTheirConnector() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));
    store.insert(row("PB", "PB-1", "PA-1"));

    assertEquals(List.of(a), store.list("PA"));
    assertEquals(Optional.empty(), store.findByLocalKey("PA", "PB-1"));
    assertEquals(Optional.empty(), store.findById("PB", a.id()));
  }

  @Test
  void aRowReadForUpdateIsTheRowAsItIsInItsConnector() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));

    SyncInfo changed = stores.inTransaction(() -> {
      SyncInfo locked = store.findByIdForUpdate("PA", a.id()).orElseThrow();
      store.update(locked.withSent(locked.outgoingMessageSequenceId() + 1, 50));
      return store.findByIdForUpdate("PA", a.id()).orElseThrow();
    });

    assertEquals(a.outgoingMessageSequenceId() + 1, changed.outgoingMessageSequenceId());
    assertEquals(Optional.of(changed), store.findById("PA", a.id()));
    assertEquals(Optional.empty(),
        stores.inTransaction(() -> store.findByIdForUpdate("PB", a.id())));
  }

  @Test
  void aRowWithoutRemoteKeyIsFoundByLocalKeyOnly() {
    SyncInfo pending = store.insert(row("PA", "PA-1", null));

    assertNull(store.findByLocalKey("PA", "PA-1").orElseThrow().remoteIssueKey());
    store.update(pending.withRemoteIssueKey("PB-7"));

    assertEquals("PA-1", store.findByRemoteKey("PA", "PB-7").orElseThrow().localIssueKey());
  }

  @Test
  void aLocalOrRemoteKeyIsPairedOnlyOncePerConnector() {
    store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo other = store.insert(row("PA", "PA-2", null));

    assertThrows(DuplicateSyncInfoException.class, () -> store.insert(row("PA", "PA-1", "PB-9")));
    assertThrows(DuplicateSyncInfoException.class, () -> store.insert(row("PA", "PA-3", "PB-1")));
    assertThrows(DuplicateSyncInfoException.class,
        () -> store.update(other.withRemoteIssueKey("PB-1")));
    store.insert(row("PA", "PA-3", null));
    store.insert(row("PB", "PA-1", "PB-1"));
    assertEquals(3, store.list("PA").size());
  }

  @Test
  void updateReplacesTheRowAndItsIndexes() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));

    store.update(row.withSent(4, 2000).withReceived(3, 2100));

    SyncInfo read = store.findById("PA", row.id()).orElseThrow();
    assertEquals(4, read.outgoingMessageSequenceId());
    assertEquals(2000, read.lastOutgoingChange());
    assertEquals(3, read.incomingMessageSequenceId());
    assertEquals(2100, read.lastIncomingChange());
    assertThrows(IllegalArgumentException.class, () -> store.update(row.withId(row.id() + 99)));
  }

  /**
   * A row an admin set to ignore keeps that fact through its later writes (one inside a
   * transaction, on the row as locked, as the engine writes), also when the engine sets it to
   * ignore again, and loses it when it takes changes again.
   */
  @Test
  void aRowKeepsBeingIgnoredByAnAdminUntilItTakesChangesAgain() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo engines = store.insert(row("PA", "PA-2", "PB-2").withIncomingChangesIgnored(true));
    stores.inTransaction(() -> store.update(
        store.findByIdForUpdate("PA", row.id()).orElseThrow().withIgnoredByAdmin(true)));
    stores.inTransaction(() -> store.update(store.findByIdForUpdate("PA", row.id())
        .orElseThrow().withReceived(3, 2100).withIncomingChangesIgnored(true)));
    stores.inTransaction(() -> store.update(store.findByIdForUpdate("PA", row.id())
        .orElseThrow().withRemoteIssueKey(null)));

    SyncInfo read = store.findById("PA", row.id()).orElseThrow();
    assertTrue(read.ignoredByAdmin(), "still the admin's: " + read);
    assertTrue(read.incomingChangesIgnored());
    assertNull(read.remoteIssueKey());
    assertEquals(3, read.incomingMessageSequenceId());
    SyncInfo enginesRead = store.findById("PA", engines.id()).orElseThrow();
    assertFalse(enginesRead.ignoredByAdmin(), "the engine's ignore: " + enginesRead);
    assertTrue(enginesRead.incomingChangesIgnored());

    stores.inTransaction(() -> store.update(store.findByIdForUpdate("PA", row.id())
        .orElseThrow().withRemoteIssueKey("PB-3").withIncomingChangesIgnored(false)));
    assertFalse(store.findById("PA", row.id()).orElseThrow().ignoredByAdmin());
  }

  /**
   * A row inserted as an admin's ignore (an import of a row set to ignore) is stored so, and
   * every read answers it so: an engine that took it for its own ignore would link it with a new
   * copy of its issue after a site restore, against the admin's choice.
   */
  @Test
  void aRowInsertedAsIgnoredByAnAdminIsReadSoByEveryRead() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1").withIgnoredByAdmin(true));

    assertTrue(store.findById("PA", row.id()).orElseThrow().ignoredByAdmin(), "findById");
    assertTrue(store.findByLocalKey("PA", "PA-1").orElseThrow().ignoredByAdmin(),
        "findByLocalKey");
    assertTrue(store.findByRemoteKey("PA", "PB-1").orElseThrow().ignoredByAdmin(),
        "findByRemoteKey");
    assertTrue(store.findByLocalKeys("PA", List.of("PA-1")).get("PA-1").ignoredByAdmin(),
        "findByLocalKeys");
    assertTrue(store.list("PA").get(0).ignoredByAdmin(), "list");
    assertTrue(stores.inTransaction(() -> store.findByIdForUpdate("PA", row.id()))
        .orElseThrow().ignoredByAdmin(), "findByIdForUpdate");
  }

  @Test
  void deleteRemovesOneRowAndDeleteAllTheConnectorsRows() {
    SyncInfo one = store.insert(row("PA", "PA-1", "PB-1"));
    store.insert(row("PA", "PA-2", "PB-2"));
    store.insert(row("PB", "PB-1", "PA-1"));

    assertTrue(store.delete("PA", one.id()));
    assertFalse(store.delete("PA", one.id()));
    assertFalse(store.delete("PB", store.list("PA").get(0).id()), "another connector's row");
    assertEquals(Optional.empty(), store.findByRemoteKey("PA", "PB-1"));
    store.insert(row("PA", "PA-1", "PB-1"));

    assertEquals(2, store.deleteAll("PA"));
    assertEquals(List.of(), store.list("PA"));
    assertEquals(1, store.list("PB").size());
  }

  @Test
  void syncedValuesMergePerMappingIdAndGoWithTheirRow() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putSyncedValues(row.id(), Map.of("m1", JSON.textNode("a"), "m2", NullNode.getInstance()));
    store.putSyncedValues(row.id(), Map.of("m1", JSON.textNode("b")));

    assertEquals(Map.of("m1", JSON.textNode("b"), "m2", NullNode.getInstance()),
        store.syncedValues(row.id()));

    store.delete("PA", row.id());
    assertEquals(Map.of(), store.syncedValues(row.id()));
  }

  @Test
  void valuesAndPendingChangesOfSeveralRowsAreReadAtOnce() {
    List<Long> ids = new java.util.ArrayList<>();
    Map<Long, Map<String, JsonNode>> values = new java.util.HashMap<>();
    Map<Long, Map<String, PendingChange>> pending = new java.util.HashMap<>();
    for (int i = 1; i <= 150; i++) { // (more than a store may read at once)
      long id = store.insert(row("PA", "PA-" + i, "PB-" + i)).id();
      ids.add(id);
      values.put(id, Map.of());
      pending.put(id, Map.of());
      if (i % 40 == 0) {
        Map<String, JsonNode> synced = Map.of("m1", JSON.textNode("v" + i), "m2", JSON.nullNode());
        store.putSyncedValues(id, synced);
        values.put(id, synced);
        PendingChange change = new PendingChange(i, 2, null, JSON.textNode("p" + i));
        store.putPendingChanges(id, Map.of("m1", change));
        pending.put(id, Map.of("m1", change));
      }
    }
    ids.add(ids.get(39)); // named twice
    long gone = store.insert(row("PA", "PA-999", "PB-999")).id();
    store.putSyncedValues(gone, Map.of("m1", JSON.textNode("x")));
    store.delete("PA", gone);
    ids.add(gone);
    values.put(gone, Map.of());
    pending.put(gone, Map.of());

    assertEquals(values, store.syncedValues(ids));
    assertEquals(pending, store.pendingChanges(ids));
    assertEquals(Map.of(), store.syncedValues(List.of()));
  }

  @Test
  void aNullAmongSeveralKeysIsRefusedByItsIndex() {
    store.insert(row("PA", "PA-1", "PB-1"));

    assertRefusedNaming("localIssueKeys[1]",
        () -> store.findByLocalKeys("PA", Arrays.asList("PA-1", null, "PA-2")));
    assertRefusedNaming("localIssueKeys", () -> store.findByLocalKeys("PA", null));
    assertRefusedNaming("remoteIssueKeys[0]",
        () -> store.findByRemoteKeys("PA", Arrays.asList(null, "PB-1")));
    assertRefusedNaming("remoteIssueKeys", () -> store.findByRemoteKeys("PA", null));
  }

  @Test
  void aNullAmongSeveralRowIdsIsRefusedByItsIndex() {
    long id = store.insert(row("PA", "PA-1", "PB-1")).id();
    store.putSyncedValues(id, Map.of("m1", JSON.textNode("a")));

    assertRefusedNaming("syncInfoIds[2]",
        () -> store.syncedValues(Arrays.asList(id, id + 1, null)));
    assertRefusedNaming("syncInfoIds", () -> store.syncedValues((Collection<Long>) null));
    assertRefusedNaming("syncInfoIds[0]",
        () -> store.pendingChanges(Arrays.asList((Long) null)));
    assertRefusedNaming("syncInfoIds", () -> store.pendingChanges((Collection<Long>) null));
    stores.inTransaction(() -> {
      assertRefusedNaming("syncInfoIds[1]",
          () -> store.lockRows("PA", Arrays.asList(id, null)));
      assertRefusedNaming("syncInfoIds", () -> store.lockRows("PA", null));
      assertRefusedNaming("readAhead[0]",
          () -> store.lockRows("PA", List.of(id), Arrays.asList((Long) null)));
      assertRefusedNaming("readAhead", () -> store.lockRows("PA", List.of(id), null));
      // refused before anything was read: the transaction goes on as if never asked
      store.update(store.findByIdForUpdate("PA", id).orElseThrow().withSent(7, 5000));
      store.putSyncedValues(id, Map.of("m1", JSON.textNode("b")));
    });

    assertEquals(7, store.findById("PA", id).orElseThrow().outgoingMessageSequenceId());
    assertEquals(Map.of("m1", JSON.textNode("b")), store.syncedValues(id));
  }

  /** The call throws a {@link NullPointerException} whose message is {@code name}. */
  private static void assertRefusedNaming(String name, Executable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call);
    assertEquals(name, e.getMessage());
  }

  @Test
  void rowsLockedAheadReadAsTheTransactionWroteThem() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));
    long idB = store.insert(row("PA", "PA-2", "PB-2")).id();
    store.putSyncedValues(idB, Map.of("m1", JSON.textNode("before")));
    SyncInfo b = store.findById("PA", idB).orElseThrow(); // (a values write may stamp the row)

    List<Object> seen = stores.inTransaction(() -> {
      store.lockRows("PA", List.of(b.id(), a.id(), 999_999L));
      SyncInfo first = store.findByIdForUpdate("PA", a.id()).orElseThrow();
      store.update(first.withSent(7, 5000));
      store.putSyncedValues(b.id(), Map.of("m1", JSON.textNode("after")));
      return List.of(store.findByIdForUpdate("PA", a.id()).orElseThrow(),
          store.syncedValues(b.id()), store.findByIdForUpdate("PA", b.id()).orElseThrow());
    });

    // (a stamp read in the transaction that wrote the row may be the one before: see nextStamp)
    assertEquals(List.of(a.withSent(7, 5000).withStamp(0), Map.of("m1", JSON.textNode("after")),
        b.withStamp(0)), List.of(((SyncInfo) seen.get(0)).withStamp(0), seen.get(1),
        ((SyncInfo) seen.get(2)).withStamp(0)));
    SyncInfo written = store.findById("PA", a.id()).orElseThrow();
    assertEquals(a.withSent(7, 5000).withStamp(written.stamp()), written);
    assertTrue(written.stamp() > b.stamp(), "stamped anew");
  }

  @Test
  void rowsLockedWithRowsReadBeforeReadAsStoredNow() {
    SyncInfo same = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo updated = store.insert(row("PA", "PA-2", "PB-2"));
    SyncInfo seen = store.insert(row("PA", "PA-3", "PB-3"));
    SyncInfo unknown = store.insert(row("PA", "PA-4", "PB-4"));
    SyncInfo written = store.insert(row("PA", "PA-5", "PB-5"));
    store.putSyncedValues(same.id(), Map.of("m1", JSON.textNode("a")));
    store.putSyncedValues(written.id(), Map.of("m1", JSON.textNode("e")));
    SyncInfo valuesOnly = store.findById("PA", written.id()).orElseThrow();
    store.putSyncedValues(updated.id(), Map.of("m1", JSON.textNode("b")));
    store.update(updated.withSent(9, 5000));
    store.putSyncedValues(updated.id(), Map.of("m1", JSON.textNode("b2")));
    store.advanceLastChangeSeen("PA", seen.id(), 9000);
    store.putSyncedValues(written.id(), Map.of("m1", JSON.textNode("e2"))); // (row not updated)
    SyncInfo ofPb = store.insert(row("PB", "PB-1", "PA-1")).withId(same.id());
    List<SyncInfo> known = List.of(same, updated, seen, valuesOnly,
        ofPb.withStamp(same.stamp())); // (another connector's: ignored)
    SyncInfo notAhead = store.insert(row("PA", "PA-6", "PB-6"));
    List<Long> ids = List.of(notAhead.id(), unknown.id(), seen.id(), updated.id(), same.id(),
        valuesOnly.id());
    List<Long> ahead = List.of(same.id(), updated.id(), seen.id(), unknown.id(),
        valuesOnly.id());
    // (values read after their rows; updated's before its update, seen's not at all)
    Map<Long, Map<String, JsonNode>> values = Map.of(same.id(),
        Map.of("m1", JSON.textNode("a")), updated.id(), Map.of("m1", JSON.textNode("b")),
        valuesOnly.id(), Map.of("m1", JSON.textNode("e")));

    List<Object> locked = stores.inTransaction(() -> {
      store.lockRows("PA", ids, ahead, known, values);
      List<Object> read = new ArrayList<>();
      for (long id : ahead) { // (first: a read of another row may forget those read ahead)
        read.add(store.findByIdForUpdate("PA", id).orElseThrow());
        read.add(store.syncedValues(id));
      }
      read.add(store.findByIdForUpdate("PA", notAhead.id()).orElseThrow());
      return read;
    });

    List<Object> stored = new ArrayList<>();
    for (long id : ahead) {
      stored.add(store.findById("PA", id).orElseThrow());
      stored.add(store.syncedValues(id));
    }
    stored.add(notAhead);
    assertEquals(stored, locked);
    assertEquals(9000, store.findById("PA", seen.id()).orElseThrow().lastChangeSeen());
    stores.inTransaction(() -> {
      assertRefusedNaming("known[1]",
          () -> store.lockRows("PA", ids, ahead, Arrays.asList(same, null), values));
      assertRefusedNaming("known", () -> store.lockRows("PA", ids, ahead, null, values));
      assertRefusedNaming("knownValues", () -> store.lockRows("PA", ids, ahead, known, null));
      assertRefusedNaming("readAhead", () -> store.lockRows("PA", ids, null, known, values));
      assertRefusedNaming("syncInfoIds[0]",
          () -> store.lockRows("PA", Arrays.asList((Long) null), ahead, known, values));
      return null;
    });
  }

  @Test
  void rowsLockedWithoutReadingAheadReadAsStoredAndAsWritten() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo b = store.insert(row("PA", "PA-2", "PB-2"));
    SyncInfo c = store.insert(row("PA", "PA-3", "PB-3"));
    store.putSyncedValues(a.id(), Map.of("m1", JSON.textNode("a")));
    store.putSyncedValues(b.id(), Map.of("m1", JSON.textNode("b")));
    SyncInfo storedB = store.findById("PA", b.id()).orElseThrow(); // (may be stamped anew)

    List<Object> seen = stores.inTransaction(() -> {
      store.lockRows("PA", List.of(c.id(), b.id(), a.id()), List.of(b.id()));
      store.advanceLastChangeSeen("PA", a.id(), 9000);
      store.advanceLastChangeSeen("PA", c.id(), 9000);
      return List.of(store.findByIdForUpdate("PA", a.id()).orElseThrow().lastChangeSeen(),
          store.syncedValues(a.id()), store.findByIdForUpdate("PA", b.id()).orElseThrow(),
          store.syncedValues(b.id()));
    });
    List<Object> none = stores.inTransaction(() -> {
      store.lockRows("PA", List.of(a.id(), c.id()), List.of());
      return List.of(store.findByIdForUpdate("PA", c.id()).orElseThrow().lastChangeSeen(),
          store.syncedValues(a.id()));
    });

    assertEquals(List.of(9000L, Map.of("m1", JSON.textNode("a")), storedB,
        Map.of("m1", JSON.textNode("b"))), seen);
    assertEquals(List.of(9000L, Map.of("m1", JSON.textNode("a"))), none);
  }

  @Test
  void theLastStampIsAtLeastEveryStampGivenBeforeAndBelowEveryStampAfter() {
    long first = store.lastStamp();
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));
    long afterInsert = store.lastStamp();
    store.update(a.withSent(4, 2000));
    long updated = store.findById("PA", a.id()).orElseThrow().stamp();
    long afterUpdate = store.lastStamp();
    long given = store.nextStamp();
    long afterGiven = store.lastStamp();
    SyncInfo b = store.insert(row("PA", "PA-2", "PB-2"));

    assertTrue(first < a.stamp() && a.stamp() <= afterInsert && afterInsert < updated
        && updated <= afterUpdate && afterUpdate < given && given <= afterGiven
        && afterGiven < b.stamp(), List.of(first, a.stamp(), afterInsert, updated, afterUpdate,
            given, afterGiven, b.stamp()).toString());
  }

  @Test
  void everyInsertAndUpdateStampsTheRowAfterEveryStampGivenBefore() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1").withStamp(Long.MAX_VALUE));
    long beforeUpdate = store.nextStamp();
    assertTrue(a.stamp() < beforeUpdate, "the caller's stamp is ignored: " + a.stamp());
    assertEquals(a.stamp(), store.findById("PA", a.id()).orElseThrow().stamp());

    store.update(a.withSent(4, 2000));
    long updated = store.findById("PA", a.id()).orElseThrow().stamp();
    long beforeTransaction = store.nextStamp();
    stores.inTransaction(() -> {
      SyncInfo row = store.findByIdForUpdate("PA", a.id()).orElseThrow();
      store.update(row.withSent(5, 3000).withStamp(0));
      return null;
    });
    long inTransaction = store.findById("PA", a.id()).orElseThrow().stamp();
    SyncInfo b = store.insert(row("PA", "PA-2", "PB-2"));

    assertTrue(beforeUpdate < updated && updated < beforeTransaction,
        beforeUpdate + " < " + updated + " < " + beforeTransaction);
    assertTrue(beforeTransaction < inTransaction && inTransaction < b.stamp(),
        beforeTransaction + " < " + inTransaction + " < " + b.stamp());
    assertEquals(b.stamp(), store.findByLocalKeys("PA", List.of("PA-2")).get("PA-2").stamp());
  }

  @Test
  void theLockingReadsShowTheStampTheOtherReadsShow() {
    SyncInfo a = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo b = store.insert(row("PA", "PA-2", "PB-2"));
    store.update(a.withSent(4, 2000));
    long stampA = store.findByLocalKeys("PA", List.of("PA-1")).get("PA-1").stamp();

    List<Long> locked = stores.inTransaction(() -> {
      store.lockRows("PA", List.of(a.id(), b.id()));
      return List.of(store.findByIdForUpdate("PA", a.id()).orElseThrow().stamp(),
          store.findByIdForUpdate("PA", b.id()).orElseThrow().stamp());
    });

    assertEquals(List.of(stampA, b.stamp()), locked,
        "a poll compares the stamp it read with the one under the lock");
  }

  @Test
  void commentLinksAreKeptPerRowReplacedByLocalIdAndGoWithTheirRow() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putCommentLink(row.id(), new CommentLink("10", null, 100, "h1"));
    store.putCommentLink(row.id(), new CommentLink("11", "20", 110, null));
    store.putCommentLink(row.id(), new CommentLink("10", "21", 150, "h2"));

    assertEquals(List.of(new CommentLink("10", "21", 150, "h2"), new CommentLink("11", "20", 110,
        null)), store.commentLinks(row.id()));
    store.removeCommentLink(row.id(), "11");
    assertEquals(List.of(new CommentLink("10", "21", 150, "h2")), store.commentLinks(row.id()));

    store.delete("PA", row.id());
    assertEquals(List.of(), store.commentLinks(row.id()));
  }

  @Test
  void aCarriedCommentOrWorklogLinkKeepsItsMarkAndLosesItWhenReplaced() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putCommentLink(row.id(), new CommentLink("10", null, 100, "h1", true));
    store.putWorklogLink(row.id(), new WorklogLink("10", null, 100, "h1", true));
    assertEquals(List.of(new CommentLink("10", null, 100, "h1", true)),
        store.commentLinks(row.id()), "a carried comment stays ours across a restart");
    assertEquals(List.of(new WorklogLink("10", null, 100, "h1", true)),
        store.worklogLinks(row.id()));

    store.putCommentLink(row.id(), new CommentLink("10", "20", 150, "h2"));
    store.putWorklogLink(row.id(), new WorklogLink("10", "20", 150, "h2"));
    assertEquals(List.of(new CommentLink("10", "20", 150, "h2", false)),
        store.commentLinks(row.id()));
    assertEquals(List.of(new WorklogLink("10", "20", 150, "h2", false)),
        store.worklogLinks(row.id()));
  }

  @Test
  void worklogLinksAreKeptPerRowReplacedByLocalIdAndGoWithTheirRow() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo other = store.insert(row("PA", "PA-2", "PB-2"));
    store.putWorklogLink(row.id(), new WorklogLink("10", null, 100, "h1"));
    store.putWorklogLink(row.id(), new WorklogLink("11", "20", 110, null));
    store.putWorklogLink(row.id(), new WorklogLink("10", "21", 150, "h2"));
    store.putWorklogLink(other.id(), new WorklogLink("10", "30", 160, "h3"));

    assertEquals(List.of(new WorklogLink("10", "21", 150, "h2"), new WorklogLink("11", "20", 110,
        null)), store.worklogLinks(row.id()));
    store.removeWorklogLink(row.id(), "11");
    assertEquals(List.of(new WorklogLink("10", "21", 150, "h2")), store.worklogLinks(row.id()));
    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.putWorklogLink(row.id(), new WorklogLink("12", "22", 170, "h4"));
      store.removeWorklogLink(row.id(), "10");
      throw new IllegalStateException("boom");
    }));
    assertEquals(List.of(new WorklogLink("10", "21", 150, "h2")), store.worklogLinks(row.id()));

    store.delete("PA", row.id());
    assertEquals(List.of(), store.worklogLinks(row.id()));
    assertEquals(List.of(new WorklogLink("10", "30", 160, "h3")), store.worklogLinks(other.id()));
  }

  @Test
  void attachmentLinksAreKeptPerRowReplacedByLocalIdAndGoWithTheirRow() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putAttachmentLink(row.id(), new AttachmentLink("1", null, "aa", true));
    store.putAttachmentLink(row.id(), new AttachmentLink("2", "9", "bb", false));
    store.putAttachmentLink(row.id(), new AttachmentLink("1", "8", "aa", true));

    assertEquals(List.of(new AttachmentLink("1", "8", "aa", true),
        new AttachmentLink("2", "9", "bb", false)), store.attachmentLinks(row.id()));
    store.removeAttachmentLink(row.id(), "2");
    assertEquals(1, store.attachmentLinks(row.id()).size());

    store.delete("PA", row.id());
    assertEquals(List.of(), store.attachmentLinks(row.id()));
  }

  @Test
  void pairedLinksAreKeptPerConnectorFoundByEitherIssueAndReplacedByLocalId() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putPairedLink("PA", new PairedLink("10", null, "Blocks", "PA-1", "PA-2", 0, false));
    store.putPairedLink("PA", new PairedLink("11", "31", "Relates", "PA-3", "PA-1", 0, false));
    store.putPairedLink("PB", new PairedLink("10", null, "Blocks", "PA-1", "PA-2", 0, false));
    store.putPairedLink("PA", new PairedLink("10", "30", "Blocks", "PA-1", "PA-2", 3, true));

    assertEquals(List.of(new PairedLink("10", "30", "Blocks", "PA-1", "PA-2", 3, true),
        new PairedLink("11", "31", "Relates", "PA-3", "PA-1", 0, false)),
        store.pairedLinks("PA", "PA-1"));
    assertEquals(List.of(new PairedLink("10", "30", "Blocks", "PA-1", "PA-2", 3, true)),
        store.pairedLinks("PA", "PA-2"), "found by its inward issue");
    store.removePairedLink("PA", "10");
    assertEquals(List.of(new PairedLink("11", "31", "Relates", "PA-3", "PA-1", 0, false)),
        store.pairedLinks("PA", "PA-1"));
    assertEquals(List.of(), store.pairedLinks("PA", "PA-2"));
    assertEquals(List.of(new PairedLink("10", null, "Blocks", "PA-1", "PA-2", 0, false)),
        store.pairedLinks("PB", "PA-2"), "another connector's links are its own");

    store.delete("PA", row.id());
    assertEquals(1, store.pairedLinks("PA", "PA-1").size(), "a row shares them: they stay");
    store.deleteAll("PA");
    assertEquals(List.of(), store.pairedLinks("PA", "PA-1"));
    assertEquals(1, store.pairedLinks("PB", "PA-1").size());
  }

  @Test
  void pendingChangesMergePerMappingIdAndCanBeForgotten() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    PendingChange one = new PendingChange(100, 2, JSON.arrayNode().add("a"),
        JSON.arrayNode().add("a").add("b"));
    PendingChange two = new PendingChange(200, 3, null, JSON.nullNode());
    PendingChange three = new PendingChange(300, 4, null); // its value not known
    store.putPendingChanges(row.id(), Map.of("m1", one));
    store.putPendingChanges(row.id(), Map.of("m2", two, "m3", three));

    assertEquals(Map.of("m1", one, "m2", two, "m3", three), store.pendingChanges(row.id()));
    store.putPendingChanges(row.id(), Map.of("m3", one));
    assertEquals(one, store.pendingChanges(row.id()).get("m3"), "replaced with its value");
    store.removePendingChange(row.id(), "m3");
    store.removePendingChange(row.id(), "m1");
    assertEquals(Map.of("m2", two), store.pendingChanges(row.id()));
    store.delete("PA", row.id());
    assertEquals(Map.of(), store.pendingChanges(row.id()));
  }

  @Test
  void skippedBasesMergePerMappingIdAndCanBeForgotten() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    SyncInfo other = store.insert(row("PA", "PA-2", "PB-2"));
    var one = JSON.arrayNode().add("a");
    var two = JSON.arrayNode().add("a").add("b");
    store.putSkippedBases(row.id(), Map.of("m1", one));
    store.putSkippedBases(row.id(), Map.of("m2", two));
    store.putSkippedBases(other.id(), Map.of("m1", two));

    assertEquals(Map.of("m1", one, "m2", two), store.skippedBases(row.id()));
    store.putSkippedBases(row.id(), Map.of("m1", two));
    assertEquals(two, store.skippedBases(row.id()).get("m1"), "replaced");
    store.removeSkippedBases(row.id(), List.of("m1", "m3"));
    assertEquals(Map.of("m2", two), store.skippedBases(row.id()));
    assertEquals(Map.of("m1", two), store.skippedBases(other.id()), "another row's stay");
    assertEquals(Map.of(row.id(), Map.of("m2", two), other.id(), Map.of("m1", two), 999L,
        Map.of()), store.skippedBases(List.of(row.id(), other.id(), 999L)), "read at once");
    store.delete("PA", row.id());
    assertEquals(Map.of(), store.skippedBases(row.id()));
  }

  @Test
  void conflictRecordsAreListedPerConnectorAndIssue() {
    var text = JSON.textNode("a");
    ConflictRecord first = stores.conflicts().add(new ConflictRecord(0, "PA", "PA-1", "PB-1", "m1",
        text, JSON.textNode("b"), 10, 20, ConflictRecord.Winner.REMOTE,
        ConflictRecord.Rule.NEWEST_WINS, 30));
    stores.conflicts().add(new ConflictRecord(0, "PA", "PA-2", "PB-2", "m1", text, text, 1, 1,
        ConflictRecord.Winner.LOCAL, ConflictRecord.Rule.TIE_BREAK, 31));
    stores.conflicts().add(new ConflictRecord(0, "PB", "PB-1", "PA-1", "m1", text, text, 1, 1,
        ConflictRecord.Winner.LOCAL, ConflictRecord.Rule.TIE_BREAK, 31));

    assertTrue(first.id() > 0);
    assertEquals(2, stores.conflicts().list("PA", null).size());
    assertEquals(List.of(first), stores.conflicts().list("PA", "PA-1"));
  }

  @Test
  void conflictRecordsKeepTheNewestOfEachIssueInTheCallersTransaction() {
    List<ConflictRecord> added = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      added.add(stores.conflicts().add(conflict("PA-1", i), 2));
    }
    ConflictRecord other = stores.conflicts().add(conflict("PA-2", 9), 2);
    for (int i = 1; i < added.size(); i++) {
      assertTrue(added.get(i).id() > added.get(i - 1).id(), "ids increase past trims: " + added);
    }
    assertTrue(other.id() > added.get(4).id(), "ids increase past trims");

    List<ConflictRecord> kept = stores.conflicts().list("PA", "PA-1", 10);
    assertTrue(kept.size() >= 2 && kept.size() <= 4, "the newest 2, up to twice: " + kept);
    assertEquals(added.subList(5 - kept.size(), 5), kept, "the newest, oldest first");
    assertEquals(added.subList(3, 5), stores.conflicts().list("PA", "PA-1", 2));
    assertEquals(List.of(other), stores.conflicts().list("PA", "PA-2", 2), "another issue's");
    assertEquals(List.of(added.get(4), other), stores.conflicts().list("PA", null, 2));

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      for (int i = 5; i < 10; i++) {
        stores.conflicts().add(conflict("PA-1", i), 2);
      }
      throw new IllegalStateException("the step fails");
    }));
    assertEquals(kept, stores.conflicts().list("PA", "PA-1", 10), "nothing added or trimmed");
  }

  private static ConflictRecord conflict(String localIssueKey, int n) {
    return new ConflictRecord(0, "PA", localIssueKey, "PB-" + n, "m1", JSON.textNode("a" + n),
        JSON.textNode("b" + n), n, n, ConflictRecord.Winner.LOCAL, ConflictRecord.Rule.TIE_BREAK,
        n);
  }

  @Test
  void aLeaseBelongsToOneNodeUntilItExpiresOrIsReleased() {
    var leases = stores.leases();

    assertTrue(leases.tryLease("inbox:PB", "PA-1", "node-1", 1000, 2000));
    assertTrue(leases.tryLease("inbox:PB", "PA-1", "node-1", 1500, 2500), "renewed by its node");
    assertFalse(leases.tryLease("inbox:PB", "PA-1", "node-2", 2000, 3000), "held until 2500");
    assertTrue(leases.tryLease("inbox:PB", "PA-2", "node-2", 2000, 3000), "another key is free");
    assertTrue(leases.tryLease("inbox:PB", "PA-1", "node-2", 2600, 3600), "expired: taken over");
    leases.release("inbox:PB", "PA-1", "node-1");
    assertFalse(leases.tryLease("inbox:PB", "PA-1", "node-3", 2700, 3700),
        "a node releases only its own lease");
    leases.release("inbox:PB", "PA-1", "node-2");
    assertTrue(leases.tryLease("inbox:PB", "PA-1", "node-3", 2700, 3700));
  }

  @Test
  void severalLeasesAtOnceBehaveAsOneByOne() {
    var leases = stores.leases();
    assertTrue(leases.tryLease("inbox:PB", "PA-2", "node-1", 1000, 2000));

    assertEquals(Set.of("PA-1", "PA-3"), leases.tryLeases("inbox:PB",
        List.of("PA-3", "PA-2", "PA-1"), "node-2", 1000, 2000), "PA-2 is node-1's");
    assertFalse(leases.tryLease("inbox:PB", "PA-3", "node-1", 1500, 2500));
    leases.release("inbox:PB", List.of("PA-1", "PA-2", "PA-3"), "node-2");
    assertEquals(Set.of("PA-1", "PA-3"), leases.tryLeases("inbox:PB",
        List.of("PA-1", "PA-2", "PA-3"), "node-3", 1500, 2500),
        "node-2's released; node-1's PA-2 kept");
    assertEquals(Set.of(), leases.tryLeases("inbox:PB", List.of(), "node-1", 1500, 2500));
  }

  @Test
  void pendingCreatesAreKeptPerConnectorAndRemoteIssue() {
    PendingCreate p = new PendingCreate("PB", "PA-1", "marker-1", 5000);
    store.putPendingCreate(p);

    assertEquals(Optional.of(p), store.pendingCreate("PB", "PA-1"));
    assertEquals(Optional.empty(), store.pendingCreate("PA", "PA-1"));
    store.removePendingCreate("PB", "PA-1");
    assertEquals(Optional.empty(), store.pendingCreate("PB", "PA-1"));
  }

  @Test
  void removedRowsAreKeptPerConnectorRemoteIssueAndPartnerRow() {
    RemovedRow removed = new RemovedRow("PA", "PB-1", 77, 2);
    store.putRemovedRow(removed);
    store.putRemovedRow(new RemovedRow("PB", "PB-1", 78, 1)); // another connector's

    assertEquals(Optional.of(removed), store.removedRow("PA", "PB-1", 77));
    assertEquals(Optional.empty(), store.removedRow("PA", "PB-1", 78), "another partner row");
    assertEquals(Optional.empty(), store.removedRow("PA", "PB-2", 77), "another partner issue");
    store.putRemovedRow(new RemovedRow("PA", "PB-1", 77, 5));
    assertEquals(Optional.of(new RemovedRow("PA", "PB-1", 77, 5)),
        store.removedRow("PA", "PB-1", 77), "the later record replaces the earlier");
  }

  @Test
  void aDeleteOfAllRowsForgetsTheConnectorsRemovedRows() {
    store.insert(row("PA", "PA-1", "PB-1"));
    store.putRemovedRow(new RemovedRow("PA", "PB-2", 77, 2));
    store.putRemovedRow(new RemovedRow("PB", "PA-2", 78, 1));

    assertEquals(1, store.deleteAll("PA"));
    assertEquals(Optional.empty(), store.removedRow("PA", "PB-2", 77));
    assertEquals(Optional.of(new RemovedRow("PB", "PA-2", 78, 1)),
        store.removedRow("PB", "PA-2", 78), "another connector's stays");
  }

  @Test
  void theNewestRemovedRowsOfAConnectorAreKept() {
    int kept = RemovedRow.KEPT_PER_CONNECTOR;
    store.putRemovedRow(new RemovedRow("PB", "PA-1", 1, 1)); // another connector's
    for (int i = 1; i <= kept + 1; i++) {
      store.putRemovedRow(new RemovedRow("PA", "PB-" + i, i, 1));
    }

    assertEquals(Optional.empty(), store.removedRow("PA", "PB-1", 1), "the oldest forgotten");
    assertTrue(store.removedRow("PA", "PB-2", 2).isPresent());
    assertTrue(store.removedRow("PA", "PB-" + (kept + 1), kept + 1).isPresent());
    assertTrue(store.removedRow("PB", "PA-1", 1).isPresent(), "another connector's stays");
  }

  @Test
  void watermarksAreKeptPerConnector() {
    assertTrue(stores.watermarks().watermark("PA").isEmpty());

    stores.watermarks().setWatermark("PA", 1000);
    stores.watermarks().setWatermark("PA", 2000);
    stores.watermarks().setWatermark("PB", 5);

    assertEquals(2000, stores.watermarks().watermark("PA").orElseThrow());
    assertEquals(5, stores.watermarks().watermark("PB").orElseThrow());
  }

  @Test
  void aTransactionThatThrowsLeavesNothingBehind() {
    SyncInfo kept = store.insert(row("PA", "PA-1", "PB-1"));

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.update(kept.withSent(9, 9000));
      SyncInfo added = store.insert(row("PA", "PA-2", "PB-2"));
      store.putSyncedValues(added.id(), Map.of("m1", JSON.textNode("x")));
      store.putPendingCreate(new PendingCreate("PA", "PB-3", "m", 1));
      store.putRemovedRow(new RemovedRow("PA", "PB-4", 77, 2));
      stores.watermarks().setWatermark("PA", 777);
      throw new IllegalStateException("boom");
    }));

    assertEquals(List.of(kept), store.list("PA"));
    assertEquals(Optional.empty(), store.findByRemoteKey("PA", "PB-2"));
    assertEquals(Optional.empty(), store.pendingCreate("PA", "PB-3"));
    assertEquals(Optional.empty(), store.removedRow("PA", "PB-4", 77));
    assertTrue(stores.watermarks().watermark("PA").isEmpty());
  }

  @Test
  void aTransactionThatThrowsLeavesARowsValuesAndLinksAsTheyWere() {
    SyncInfo row = store.insert(row("PA", "PA-1", "PB-1"));
    store.putSyncedValues(row.id(), Map.of("m1", JSON.textNode("a")));
    PendingChange pending = new PendingChange(100, 2, null);
    store.putPendingChanges(row.id(), Map.of("m1", pending));
    store.putCommentLink(row.id(), new CommentLink("10", "20", 100, "h1"));

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.putSyncedValues(row.id(), Map.of("m1", JSON.textNode("b"), "m2", JSON.textNode("c")));
      store.removePendingChange(row.id(), "m1");
      store.putCommentLink(row.id(), new CommentLink("10", "21", 150, "h2"));
      store.putAttachmentLink(row.id(), new AttachmentLink("1", "8", "aa", true));
      store.putPairedLink("PA", new PairedLink("7", "8", "Blocks", "PA-1", "PA-2", 0, false));
      throw new IllegalStateException("boom");
    }));

    assertEquals(Map.of("m1", JSON.textNode("a")), store.syncedValues(row.id()));
    assertEquals(Map.of("m1", pending), store.pendingChanges(row.id()));
    assertEquals(List.of(new CommentLink("10", "20", 100, "h1")), store.commentLinks(row.id()));
    assertEquals(List.of(), store.attachmentLinks(row.id()));
    assertEquals(List.of(), store.pairedLinks("PA", "PA-1"));
  }

  @Test
  void aTransactionCommitsAllItsWritesAndNestedCallsJoinIt() {
    stores.inTransaction(() -> {
      store.insert(row("PA", "PA-1", "PB-1"));
      stores.inTransaction(() -> stores.watermarks().setWatermark("PA", 42));
    });

    assertEquals(1, store.list("PA").size());
    assertEquals(42, stores.watermarks().watermark("PA").orElseThrow());
  }
}
