package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.backbonesync.jdbc.TransactionWrites.Key;
import org.junit.jupiter.api.Test;

/** The write keys' set answers as a hash set of the same keys would. */
class WrittenKeysTest {
  @Test
  void aKeyEqualToOneAddedIsRefusedUntilCleared() {
    WrittenKeys keys = new WrittenKeys();
    assertTrue(keys.add(Key.of("bb_sync_info", 1_000_000L)));
    assertTrue(keys.add(Key.of("bb_synced_value", 1_000_000L, "m1")));
    assertTrue(keys.add(Key.of("bb_synced_value", 1_000_000L, "m2")));
    // equal keys of other instances (a Long beyond the boxes' cache, a string made anew)
    assertFalse(keys.add(Key.of("bb_sync_info", Long.valueOf(1_000_000L))));
    assertFalse(keys.add(Key.of("bb_synced_value", 1_000_000L, new String("m1"))));
    assertEquals(3, keys.size());
    keys.clear();
    assertEquals(0, keys.size());
    assertTrue(keys.add(Key.of("bb_sync_info", 1_000_000L)));
  }

  @Test
  void manyKeysAnswerAsAHashSetDoes() {
    WrittenKeys keys = new WrittenKeys();
    Set<Key> expected = new HashSet<>();
    Random random = new Random(24);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 5_000; i++) {
        Key key = random.nextBoolean() ? Key.of("bb_sync_info", (long) random.nextInt(3_000))
            : Key.of("bb_pending_change", (long) random.nextInt(300), "m" + random.nextInt(8));
        assertEquals(expected.add(key), keys.add(key), key.toString());
      }
      assertEquals(expected.size(), keys.size());
      keys.clear();
      expected.clear();
    }
  }
}
