package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Both Jira sites are restored from backups: each loses issues made since, and gives their keys
 * to the copies the sync makes next. A message from a partner row we no longer talk with (one a
 * newer row of the partner superseded, or one naming a row of ours since removed) is dropped
 * with a warning; it neither waits for good nor links a pair that is not one (the simulation
 * with site restores, seeds 32582 and 20896).
 */
class BothSitesRestoredTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  /** Runs until quiet, expecting nothing to wait for an operator; the log written meanwhile. */
  private String runUntilQuiet() {
    List<InboxEntry> failed = new ArrayList<>();
    String log = Stderr.of(() -> failed.addAll(sync.runUntilQuietExpectingFailures()));
    assertEquals(List.of(), failed, "nothing waits for an operator");
    return log;
  }

  private static boolean warns(String log, String text) {
    return log.lines().anyMatch(l -> l.contains("WARN") && l.contains(text));
  }

  /**
   * Alice's PA-1 and bob's PB-1 are lost in the restores. PA-1's create reaches B together with
   * the PAIRED of PB-1's copy, made under the key PA-1 since: the create is dropped, its row
   * superseded by the newer one, and the PAIRED too (PB-1 is PA-2's copy now). PA-1's change,
   * lost on the way and sent again, finds no row of PA-1 and no create before it: without a
   * record of the superseded row it waited for good for sequence id 1.
   */
  @Test
  void aLateChangeOfARowSupersededByANewerOneIsDropped() {
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Order more toner");
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1);
    sync.deliver("PA"); // PA-1's create lost on the way (sent again later), PA-2's reaches B
    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    sync.poll("PA");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1", "PA-2"), sync.a().restoreBackupOf(backup));
    assertEquals(List.of("PB-1"), sync.b().restoreBackupOf(backup));
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for bob's lost PB-1
    sync.apply("PB"); // PB-1 made for alice's lost PA-2
    sync.advance(Duration.ofMinutes(10));
    sync.transportAtoB().inject(InMemoryTransport.Fault.DUPLICATE, 1) // (delivered)
        .inject(InMemoryTransport.Fault.DROP, 1); // (PA-1's change, sent again later)
    sync.deliver("PA"); // PA-1's create, and the PAIRED of its new row
    sync.apply("PB");

    String log = runUntilQuiet();

    assertTrue(warns(log, "of \"PA-1\" is not applied: its sender row is one we no longer talk"
        + " with: a newer row of PA sent for PA-1 first"), "an operator sees the drop: " + log);
    assertEquals(List.of("PB-1"), sync.b().allIssues().stream().map(i -> i.key()).toList(),
        "no copy of the lost PA-1");
    assertEquals("Order more toner", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * A's restore loses PA-1, PB-1's copy, and B's loses bob's PB-2; PB-2's copy takes the key
   * PA-1, and alice's lost PA-2's copy the key PB-2. The copy's PAIRED reaches B naming PB-2, for
   * B's row of bob's lost issue, removed since: PA-1 names another issue now, and PB-1's row
   * gives it up. Taken as PB-1's, it made that row talk with the copy's, and PB-1 stayed linked
   * with an issue that is not its copy (bob's changes of it dropped at A without a word).
   */
  @Test
  void aPairedForARowSinceRemovedUnlinksTheLostKeysOldPair() {
    long backupA = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Printer on fire");
    long backupB = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet(); // PA-1 made for PB-1
    sync.advance(Duration.ofMinutes(1));
    assertEquals("PB-2", sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    assertEquals("PA-2", sync.a("alice").create("Order more toner"));
    sync.poll("PA");
    sync.deliver("PA");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1", "PA-2"), sync.a().restoreBackupOf(backupA));
    assertEquals(List.of("PB-2"), sync.b().restoreBackupOf(backupB));
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for bob's lost PB-2
    sync.apply("PB"); // PB-2 made for alice's lost PA-2
    sync.deliver("PA"); // the PAIRED of PA-1, for bob's lost PB-2's row

    String log = runUntilQuiet();

    SyncInfo pb1 = ReusedKeyStory.row(sync.syncInfoB(), "PB-1");
    assertTrue(pb1.incomingChangesIgnored(), "PB-1's pair is unlinked: " + pb1);
    assertNull(pb1.remoteIssueKey(), "and no longer names PA-1");
    assertTrue(warns(log, "PA says PA-1 is the partner of PB-2, through a row of ours since"
        + " removed"), "an operator sees PB-1 unlinked: " + log);
    assertEquals("Scanner jams", sync.a().value("PA-1", "summary").asText());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * B's restore loses bob's PB-1, its create still on the way; A's loses alice's PA-2, copied
   * to PB-2, whose PAIRED is still on the way. PB-1's create makes PA-2 under the lost key, and
   * PA-1's copy takes the key PB-1, so PA-2's row gives its key up. PB-2's PAIRED, for the
   * removed row of alice's PA-2, then found bob's copy's row (naming no partner now), which
   * took PB-2's row for its partner's and sent its issue whole there: with the whole sent as
   * from a linked row, it waited at B for good for a sequence id that went to the removed row
   * of bob's PB-1 (the simulation with site restores, worklogs, link removals, webhooks and
   * store faults, seed 12181).
   */
  @Test
  void aPairedForARowSinceRemovedLinksNoRowThatGaveItsKeyUp() {
    long backupB = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("PB-1", sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    assertEquals("PA-1", sync.a("alice").create("Printer on fire"));
    sync.poll("PA");
    long backupA = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("PA-2", sync.a("alice").create("Order more toner"));
    sync.poll("PA");
    sync.deliver("PA");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PB-1"), sync.b().restoreBackupOf(backupB));
    sync.apply("PB"); // PB-1 made for PA-1, PB-2 for PA-2
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backupA));
    sync.advance(Duration.ofMinutes(10));
    sync.transportBtoA().inject(InMemoryTransport.Fault.DUPLICATE, 1) // (PB-1's create)
        .inject(InMemoryTransport.Fault.HOLD, 1) // (PB-1's PAIRED, for PA-1)
        .inject(InMemoryTransport.Fault.DROP, 1); // (PB-2's PAIRED, sent again later)
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for bob's lost PB-1
    sync.transportBtoA().releaseHeld();
    sync.apply("PA"); // PA-2's row gives the key PB-1 up to PA-1's pair

    String log = runUntilQuiet();

    SyncInfo pa2 = ReusedKeyStory.row(sync.syncInfoA(), "PA-2");
    assertTrue(pa2.incomingChangesIgnored(), "PA-2's pair is unlinked: " + pa2);
    assertNull(pa2.remoteIssueKey(), "and names no partner issue");
    assertEquals("Order more toner", sync.b().value("PB-2", "summary").asText(),
        "nothing of bob's lost issue's copy reaches PB-2");
    assertTrue(warns(log, "of \"PB-2\" is not applied: it was sent to a row of ours since"
        + " removed; PA-2 is another issue now"), "an operator sees the drop: " + log);
  }

  /**
   * As above, but PB-1's row has not heard from PA-1 yet: A made PA-1 for bob's PB-1, and its
   * PAIRED is still on the way when A's restore loses PA-1 and B's loses bob's PB-2. PB-2's
   * create makes a new PA-1, whose PAIRED goes to B's row of bob's lost PB-2, removed since
   * (PB-2 is alice's lost PA-2's copy now). Both PAIREDs are queued at B together: the new one
   * was dropped (no row of B named PA-1 yet), and the lost copy's then paired PB-1 with PA-1 for
   * good, though PA-1 is bob's lost issue's copy; bob's edits of PB-1 were dropped at A without a
   * word (the simulation with site restores, worklogs, link removals, webhooks and store faults,
   * seed 29917). PB-1 gives the key up instead: unlinked, as the README says.
   */
  @Test
  void aLostCopysPairedStillOnTheWayLinksNoRowWhenBothSitesAreRestored() {
    long backupA = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("PB-1", sync.b("bob").create("Printer on fire"));
    long backupB = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-1; its PAIRED waits in A's outbox
    assertEquals("PA-2", sync.a("alice").create("Order more toner"));
    sync.poll("PA");
    assertEquals("PB-2", sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1", "PA-2"), sync.a().restoreBackupOf(backupA));
    assertEquals(List.of("PB-2"), sync.b().restoreBackupOf(backupB));
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (PA-1's PAIRED of before)
    sync.deliver("PA"); // alice's PA-2's create
    sync.apply("PB"); // PB-2 made for alice's lost PA-2
    sync.apply("PA"); // PA-1 made for bob's lost PB-2
    sync.transportAtoB().releaseHeld();
    sync.deliver("PA"); // the new PA-1's PAIRED, for the removed row of bob's PB-2

    String log = runUntilQuiet();
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, still");
    sync.runUntilQuiet();

    SyncInfo pb1 = ReusedKeyStory.row(sync.syncInfoB(), "PB-1");
    assertTrue(pb1.incomingChangesIgnored(), "PB-1's pair is unlinked: " + pb1);
    assertNull(pb1.remoteIssueKey(), "and no longer names PA-1");
    assertTrue(warns(log, "PB-1, which was to be paired with it, is unlinked"),
        "an operator sees PB-1 unlinked: " + log);
    assertEquals("Scanner jams", sync.a().value("PA-1", "summary").asText(),
        "bob's edit of PB-1 does not reach PA-1, his lost PB-2's copy");
  }
}
