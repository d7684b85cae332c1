package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Both sites restored: PB-2 copied to PA-2, which A's restore loses; PB-3's copy takes the key
 * PA-2, and PB-2's create, sent again, makes PA-3. Before PB hears PA-3's PAIRED, B's restore
 * loses PB-2 too, and bob makes a new issue under its key. PB-2's row, which gave PA-2 up, then
 * hears PA-3's PAIRED from a row it never talked with: the issue under its key is another, so
 * nothing is sent of it, but the row must still talk with PA-3's row from then on, or the GONE
 * that unlinks the pair goes to the removed row of PA-2 and is dropped there, PA-3 stays linked,
 * and its next change waits at PB for good for the PAIRED consumed before (the simulation with
 * site restores, webhooks and store faults, seed 1676).
 */
class RestoredTwiceRelinkTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  @Test
  void aNewCopysPairedReachingARowWhoseIssueIsReplacedUnlinksTheCopy() {
    long backup = ReusedKeyStory.copyMadeAgainUnderANewKey(sync);
    sync.deliver("PA"); // both PAIREDs queued at PB
    sync.advance(Duration.ofMinutes(10));
    assertEquals(List.of("PB-2", "PB-3"), sync.b().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-2", sync.b("bob").create("Toner low")); // under the lost key
    sync.apply("PB"); // PB-2's row gives PA-2 up, then hears PA-3's PAIRED

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "summary", "Scanner jams on A");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");

    assertTrue(ReusedKeyStory.row(sync.syncInfoA(), "PA-3").incomingChangesIgnored(),
        "PA-3, the lost PB-2's copy, is unlinked: " + sync.syncInfoA());
    assertTrue(ReusedKeyStory.row(sync.syncInfoB(), "PB-2").incomingChangesIgnored());
    assertEquals("Toner low", sync.b().value("PB-2", "summary").asText(),
        "bob's new PB-2 gets nothing of PA-3");
  }
}
