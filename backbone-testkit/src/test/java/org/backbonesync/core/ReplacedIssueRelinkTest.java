package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Both sites restored from a backup: PA-1's key goes to a new issue on A, so A's row of PA-1 is
 * unlinked as replaced (GoneIssues); B gives PB-1's key, lost, to PA-2's copy, so the row also
 * gives PB-1 up (ReusedKeys); PA-1's create, sent again, makes PB-2 for the lost PA-1. Its
 * PAIRED relinked A's row, whose issue is another one (InOrder.gaveKeyUp counts every ignore
 * but an admin's since 8505d68a); the next poll unlinked it again and sent PB-2 a second GONE.
 * Simulation seed 29463 with site restores failed on it (found by h188). The PAIRED now undoes
 * the pair at once, as when the whole sent to a copy finds the issue replaced
 * (RestoredTwiceRelinkTest): the row unlinked, the copy told.
 */
class ReplacedIssueRelinkTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  @Test
  void aRowUnlinkedForAReplacedIssueIsNotLinkedAgainByALostIssuesCopy() {
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").create("Lost on A"); // PA-1
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.deliver("PA"); // PA-1's create reaches B, to be sent again
    sync.apply("PB"); // PB-1 made for PA-1, its PAIRED queued
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1"), sync.a().restoreBackupOf(backup));
    assertEquals(List.of("PB-1"), sync.b().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PA-1", sync.a("alice").create("New on A"));
    sync.poll("PA"); // PA-1 is another issue: its row unlinked (replaced)
    sync.deliver("PB");
    sync.apply("PA"); // PB-1's PAIRED, to the unlinked row
    assertEquals("PA-2", sync.a("alice").create("Other on A"));
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (PA-1's create again)
    sync.deliver("PA");
    sync.apply("PB"); // PB-1 made for PA-2: B's row of the lost PB-1 removed
    sync.transportAtoB().releaseHeld();
    sync.apply("PB"); // PA-1's create again: PB-2 made for the lost PA-1
    sync.deliver("PB");
    sync.apply("PA"); // PB-1 is PA-2's now (PA-1's row gives it up); PB-2's PAIRED

    SyncInfo row = ReusedKeyStory.row(sync.syncInfoA(), "PA-1");
    assertTrue(row.incomingChangesIgnored(), "PA-1 is another issue than the pair's: " + row);
    assertEquals("New on A", sync.a().value("PA-1", "summary").asText());
    sync.runUntilQuiet();
    assertTrue(ReusedKeyStory.row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(),
        "PB-2, the lost PA-1's copy, is told and unlinked: " + sync.syncInfoB());
    assertEquals("New on A", sync.a().value("PA-1", "summary").asText());
  }
}
