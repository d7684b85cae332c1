package org.backbonesync.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.backbonesync.spi.store.ConflictRecord;
import org.junit.jupiter.api.Test;

/**
 * helper-141: e2b09e8b gave conflict records ids from a counter (lastId) instead of the list's
 * size, but backup() copies the records and not the counter: the restored store hands out id 1
 * again, beside the copied record 1 ("ids increase", ConflictStore.add). Before e2b09e8b the id
 * was records.size() + 1, which the copy kept right.
 */
class BackupConflictIdsTest {
  private static ConflictRecord conflict(int n) {
    return new ConflictRecord(0, "PA", "PA-1", "PB-1", "m1", JsonNodeFactory.instance.textNode(
        "a" + n), JsonNodeFactory.instance.textNode("b" + n), n, n, ConflictRecord.Winner.LOCAL,
        ConflictRecord.Rule.TIE_BREAK, n);
  }

  @Test
  void aRestoredBackupGoesOnWithGreaterConflictIds() {
    InMemoryStores stores = new InMemoryStores();
    for (int n = 1; n <= 3; n++) {
      stores.conflicts().add(conflict(n), 100);
    }

    InMemoryStores restored = stores.backup();
    ConflictRecord next = restored.conflicts().add(conflict(4), 100);

    assertTrue(next.id() > 3, "ids increase, was " + next.id());
    List<Long> ids = restored.conflicts().list("PA", "PA-1").stream().map(ConflictRecord::id)
        .toList();
    assertEquals(List.of(1L, 2L, 3L, 4L), ids);
  }
}
