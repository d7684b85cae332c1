package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A pair's row made again twice, by two steps that read the clock in the other order: an apply
 * read it, then a poll made the issue's row a millisecond later, an admin deleted that row, and
 * the apply made the next one. The partner talks with the newest row it heard of, by epoch
 * ({@code madeAt}, then id), and drops messages of an older one: the apply's row, made with the
 * time it read first, had the older epoch, and the pair stayed apart for good (found by {@code
 * ThreadedStepsStressTest}'s row deletes).
 */
class RowMadeAgainDuringStepsTest {
  private final AtomicReference<Runnable> afterIssueRead = new AtomicReference<>();
  private final SyncTestDriver sync =
      TrackerProxies.hooked("PA", "issue", afterIssueRead).build();

  @Test
  void aRowMadeByAStepThatReadTheClockFirstIsStillTheNewest() {
    givenBobsChangeWaitingForPa1WithoutARow();
    afterIssueRead.set(() -> { // the apply read the clock and PA-1; now a poll and an admin
      sync.advance(Duration.ofMillis(1));
      sync.poll("PA"); // PA-1 changed and has no row: a row made, PA-1 sent
      SyncInfo made = sync.syncInfoA().get(0);
      sync.engine().deleteSyncInformation("PA", made.id());
    });

    sync.apply("PA"); // the row made again for bob's change
    sync.runUntilQuiet();

    assertBothChangesCrossedOnce();
    assertTrue(sync.syncInfoB().get(0).partnerEpoch() == sync.syncInfoA().get(0).epoch(),
        "B talks with A's row");
  }

  /**
   * The same without the millisecond between: the poll's row and the apply's are made in one
   * millisecond, and the store's ids cross a multiple of 1,024 between them (1023, then 1024),
   * which the epoch, keeping the id's last ten bits, saw as older.
   */
  @Test
  void aRowMadeAgainInTheSameMillisecondIsNewestWhenTheIdsWrap() {
    givenBobsChangeWaitingForPa1WithoutARow();
    long next = sync.stores().syncInfo().insert(SyncInfo.newPair("XX", "X-0", "Y-0", 0)).id();
    for (long id = next; id % 1024 != 1022; id++) { // (the poll's row gets id 1023)
      sync.stores().syncInfo().delete("XX", id);
      sync.stores().syncInfo().insert(SyncInfo.newPair("XX", "X-" + id, "Y", 0));
    }
    afterIssueRead.set(() -> { // the apply read PA-1; now a poll and an admin, in its millisecond
      sync.poll("PA"); // PA-1 changed and has no row: a row made, PA-1 sent
      SyncInfo made = sync.syncInfoA().get(0);
      assertEquals(1023, made.id());
      sync.engine().deleteSyncInformation("PA", made.id());
    });

    sync.apply("PA"); // the row made again for bob's change, id 1024
    sync.runUntilQuiet();

    assertBothChangesCrossedOnce();
    assertEquals(sync.syncInfoA().get(0).epoch(), sync.syncInfoB().get(0).partnerEpoch(),
        "B talks with A's row");
  }

  /** PA-1's row deleted; alice edits PA-1, bob PB-1, and bob's change waits in PA's inbox. */
  private void givenBobsChangeWaitingForPa1WithoutARow() {
    sync.a("alice").create("one");
    sync.runUntilQuiet();
    sync.engine().deleteSyncInformation("PA", sync.syncInfoA().get(0).id());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "from A");
    sync.b("bob").edit("PB-1", "description", "from B");
    sync.poll("PB");
    sync.deliver("PB"); // (bob's change waits in PA's inbox, naming PA-1)
  }

  private void assertBothChangesCrossedOnce() {
    assertNull(afterIssueRead.get(), "the poll ran during the apply");
    assertEquals("from A", sync.b().value("PB-1", "summary").asText());
    assertEquals("from B", sync.a().value("PA-1", "description").asText());
    assertEquals(1, sync.b().allIssues().size(), "nothing copied twice");
  }
}
