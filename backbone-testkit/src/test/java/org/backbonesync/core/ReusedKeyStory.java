package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * The start several stories of a restored Jira site share: PB-2's create reaches A twice (its
 * acknowledgement lost), A is restored from a backup that lost PA-2, PA-2 is made again for a
 * new PB-3, so the old row of PA-2 is removed ({@code ReusedKeys}), and PB-2's create, sent
 * again, makes PA-3.
 */
final class ReusedKeyStory {
  private ReusedKeyStory() {}

  /** Plays the story up to PA-3 made for PB-2; returns the backup's time. */
  static long copyMadeAgainUnderANewKey(SyncTestDriver sync) {
    return copyMadeAgainUnderANewKey(sync, s -> { });
  }

  /**
   * Plays the story up to PA-3 made for PB-2, running {@code beforeRestore} once PB-2's row
   * names PA-2 and before A's restore loses PA-2 (PB-2's create, its acknowledgement lost, still
   * waits in PB's outbox then: deliver nothing of PB there); returns the backup's time.
   */
  static long copyMadeAgainUnderANewKey(SyncTestDriver sync,
      Consumer<SyncTestDriver> beforeRestore) {
    return copyMadeAgainUnderANewKey(sync, s -> { }, beforeRestore);
  }

  /**
   * As above, running {@code beforePaired} just before PA-2's PAIRED is delivered (to inject a
   * transport fault for it, say).
   */
  static long copyMadeAgainUnderANewKey(SyncTestDriver sync,
      Consumer<SyncTestDriver> beforePaired, Consumer<SyncTestDriver> beforeRestore) {
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.deliver("PB"); // PB-2's create, to be sent again
    sync.apply("PA"); // PA-2 made for PB-2
    beforePaired.accept(sync);
    sync.deliver("PA");
    sync.apply("PB"); // PB-2's row names PA-2
    beforeRestore.accept(sync);
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-2's create again)
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, PA-2's old row removed
    sync.transportBtoA().releaseHeld();
    sync.apply("PA"); // PA-3 made for PB-2
    return backup;
  }

  /** The row of {@code localKey} among {@code rows}. */
  static SyncInfo row(List<SyncInfo> rows, String localKey) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + localKey + " in " + rows));
  }
}
