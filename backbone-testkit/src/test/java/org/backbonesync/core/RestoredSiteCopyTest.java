package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A Jira site restored from a backup gives a lost issue's key to the next issue created there,
 * also to a copy the sync creates for a partner's new issue. The lost issue's pair still holds
 * the key; the new copy must be paired all the same (once, and synced both ways), and the lost
 * pair unlinked on both sides, never overwriting the partner's issue of it.
 */
class RestoredSiteCopyTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();

  /** PB-1 copied to PA-1, then a minute on: the backup's time; then another minute on. */
  private long pb1CopiedThenBackedUp() {
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    return backup;
  }

  /**
   * PB-1 copied to PA-1 before the backup, then {@code second} made PA-2 and PB-2 after it; PA is
   * restored (PA-2 lost), and bob creates PB-3, whose copy gets the key PA-2.
   */
  private void restoredThenPb3Created(Runnable second) {
    restoredThenPb3Created(second, () -> { });
  }

  /** As above, {@code beforeRestore} run once PB-2's change is synced, before the restore. */
  private void restoredThenPb3Created(Runnable second, Runnable beforeRestore) {
    long backup = pb1CopiedThenBackedUp();
    second.run();
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.runUntilQuiet();
    beforeRestore.run();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.events().clear();
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
  }

  private static SyncInfo row(List<SyncInfo> rows, String localKey) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + localKey + " in " + rows));
  }

  /** The copy under the lost key is PB-3's, synced both ways; PB-2 is unlinked and marked. */
  private void thenPb3IsPairedWithPa2AndPb2Unlinked() {
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");

    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertEquals(2, sync.a().allIssues().size(), "one copy, not two");
    assertEquals("PB-3", row(sync.syncInfoA(), "PA-2").remoteIssueKey());
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    SyncInfo lost = row(sync.syncInfoB(), "PB-2");
    assertTrue(lost.incomingChangesIgnored(), "PB-2's pair is unlinked");
    assertNull(lost.remoteIssueKey(), "and no longer names PA-2");
    assertTrue(sync.b().value("PB-2", "labels").toString().contains("sync-partner-gone"),
        sync.b().value("PB-2", "labels").toString());
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-2", "description").asText());

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-3", "description", "Black and cyan");
    sync.a("alice").edit("PA-2", "summary", "Order more toner, today");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Black and cyan", sync.a().value("PA-2", "description").asText());
    assertEquals("Order more toner, today", sync.b().value("PB-3", "summary").asText());
    assertEquals("Order more toner, today", sync.a().value("PA-2", "summary").asText(),
        "PB-2's change does not reach PA-2");
    assertEquals("Scanner jams again", sync.b().value("PB-2", "summary").asText());
    assertEquals(2, sync.a().allIssues().size(), "nothing made for PB-2 on A");
    assertFalse(row(sync.syncInfoA(), "PA-2").incomingChangesIgnored());
    assertFalse(row(sync.syncInfoB(), "PB-3").incomingChangesIgnored());
  }

  @Test
  void aCopyOfTheLostCopysKeyIsPairedWithItsPartner() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));

    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /** The lost PA-2 was alice's own issue, and PB-2 its copy: the same. */
  @Test
  void aCopyOfALostOriginalsKeyIsPairedWithItsPartner() {
    restoredThenPb3Created(() -> sync.a("alice").create("Scanner jams"));

    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * PB-2 changed after PA-2 was made for PB-3 and before PB learned of it: its message, for the
   * pair lost, is dropped at A, not applied to PA-2 nor failed for good.
   */
  @Test
  void aChangeOfTheLostPairSentBeforeItsPartnerLearnedIsDropped() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.poll("PB"); // PB-2's row still names PA-2
    sync.deliver("PB");
    String log = Stderr.of(() -> sync.apply("PA"));

    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("of \"PB-2\" is not"
        + " applied: it was sent to a row of ours since removed; PA-2 is paired with PB-3 now")),
        "an operator sees the drop: " + log);
    thenPb3IsPairedWithPa2AndPb2Unlinked();
    assertEquals(1, sync.events().events(Type.PARTNER_GONE).size(),
        sync.events().events(Type.PARTNER_GONE).toString());
  }

  /**
   * A change of the lost PA-2, made before the restore and held on the way, reaches PB after the
   * copy's PAIRED gave PA-2 to PB-3: it is for PB-2's row, which gave the key up, and is consumed
   * there; PB-3's row keeps PA-2 (found by the simulation with site restores, seed 9: the late
   * message took the key back from the new pair, unlinking PB-3, and PB-2 named no one).
   */
  @Test
  void aChangeOfTheLostIssueArrivingAfterTheCopysPairedLeavesTheNewPairLinked() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"), () -> {
      sync.a("alice").edit("PA-2", "summary", "Scanner jams on A");
      sync.poll("PA");
      sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1);
      sync.deliver("PA"); // held on the way
    });
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, its PAIRED queued
    sync.poll("PA");
    sync.deliver("PA"); // the PAIRED, then the held change
    assertEquals(0, sync.transportAtoB().heldCount());
    sync.apply("PB");

    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    assertFalse(row(sync.syncInfoB(), "PB-3").incomingChangesIgnored(), "PB-3 stays linked");
    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * The lost PA-2's row sent a change before it heard from PB-2 (addressed to no row), held on
   * the way; after the restore it learned PB-2, and a change of PB-2 unlinked it (PA-2 is gone):
   * its GONE, addressed to PB-2's row, follows the held change. The copy made for PB-3 takes
   * PA-2, and PB-2's row gives it up; the held change then reaches PB-3's pair, older than the
   * row PB-3 talks with, and is dropped: the GONE must not wait for it for good (found by the
   * simulation with site restores, seed 837).
   */
  @Test
  void aGoneOfTheLostPairAfterItsEarlierChangeWasDroppedDoesNotWaitForIt() {
    long backup = pb1CopiedThenBackedUp();
    sync.a("alice").create("Scanner jams");
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB"); // PB-2 made, its PAIRED not sent yet
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Scanner jams on A");
    sync.poll("PA"); // addressed to no row of PB's
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1);
    sync.deliver("PA");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.deliver("PB");
    sync.apply("PA"); // PA-2's row learns PB-2
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 is gone: unlinked, its GONE queued
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3

    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * PA-2, made for PB-2, is lost in the restore before its PAIRED reached PB; PB-2's next change
   * finds it gone, and the lost row's GONE follows its PAIRED. The copy made for PB-3 takes the
   * key, and its PAIRED reaches PB with the lost row's, which is dropped there (a newer row of A
   * sent for PA-2); the GONE, coming after, must not wait for that PAIRED for good at PB-2's row,
   * nor take PA-2 from PB-3's: it unlinks PB-2 (found by the simulation with site restores, seed
   * 2939, and five more of that class).
   */
  @Test
  void aGoneOfTheLostCopysRowAfterItsPairedWasDroppedUnlinksThePartner() {
    pa2MadeForPb2LostBeforeItsPairedLeftThenItsGoneQueued();
    pb3CopiedAsPa2WhileTheLostRowsPairedIsDroppedAndItsNextMessageHeld();

    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * As above, but the lost row's PAIRED (and its GONE) are held on the way until the copy's
   * PAIRED was applied at PB: arriving late and alone, not together with the copy's, the lost
   * row's PAIRED must not take PA-2 from PB-3's row (helper-147's review of d38d5c93).
   */
  @Test
  void aLateLostCopysPairedAfterTheCopysWasAppliedTakesNothingFromIt() {
    pa2MadeForPb2LostBeforeItsPairedLeftThenItsGoneQueued();
    sync.events().clear();
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3: the lost row removed, the copy's PAIRED queued
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 2); // (the lost row's PAIRED, GONE)
    sync.deliver("PA");
    sync.apply("PB"); // the copy's PAIRED applied alone
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    sync.transportAtoB().releaseHeld();
    sync.apply("PB"); // the lost row's PAIRED, late

    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey(),
        "PB-3's row keeps PA-2: " + sync.syncInfoB());
    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * As above, but what follows the lost row's dropped PAIRED is a change of PA-2 made before the
   * restore: it is of the lost pair, so it unlinks PB-2 (marked) and does not wait for good
   * (simulation seed 389). Alice's change of the lost copy goes on in PB-2, as any change of a
   * lost issue sent before the restore ({@code LostIssuesLateChangeTest}).
   */
  @Test
  void aChangeOfTheLostCopysRowAfterItsPairedWasDroppedUnlinksThePartner() {
    long backup = pb1CopiedThenBackedUp();
    sync.b("bob").create("Scanner jams");
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-2, its PAIRED queued
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Scanner jams on A");
    sync.poll("PA"); // the change queued after the PAIRED
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    pb3CopiedAsPa2WhileTheLostRowsPairedIsDroppedAndItsNextMessageHeld();
    sync.apply("PB");

    assertEquals("Scanner jams on A", sync.b().value("PB-2", "summary").asText(),
        "alice's change of the lost copy");
    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(), "PB-2 is unlinked");
    thenPb3IsPairedWithPa2AndPb2Unlinked();
  }

  /**
   * PA-2's row sent a change before it heard from PB-2's row (addressed to no row), held on the
   * way; PB's site is restored (PB-2 lost), PA-2's row learns PB-2's, and the copy made for PA-3
   * takes PB-2 (PB-2's row removed). The held change then waits for the changes before it, which
   * PB-2's row applied: a later change of PA-2, addressed to that row, shows it; the held one
   * is dropped, not left waiting for good (found by the simulation with site restores, seed
   * 463).
   */
  @Test
  void aChangeSentBeforeTheLostRowWasHeardFromDoesNotWaitForGood() {
    long backup = pb2MadeForPa2AfterABackup(); // its PAIRED queued
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Scanner jams on A");
    sync.poll("PA"); // addressed to no row of PB's, not sent yet
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PB-2"), sync.b().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.deliver("PB");
    sync.apply("PA"); // PA-2's row learns PB-2's
    assertEquals("PB-2", row(sync.syncInfoA(), "PA-2").remoteIssueKey());
    sync.a("alice").create("Order more toner");
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1); // (the change, sent again)
    sync.deliver("PA"); // PA-3's create
    sync.apply("PB"); // PB-2 made for PA-3: PB-2's row removed
    assertEquals("PA-3", row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    sync.advance(Duration.ofMinutes(10));
    sync.deliver("PA"); // the change, to no row now
    sync.apply("PB");
    sync.a("alice").edit("PA-2", "description", "Paper stuck in tray 2");

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");
    assertEquals("Order more toner", sync.b().value("PB-2", "summary").asText());
    assertEquals("PA-3", row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals("PB-2", row(sync.syncInfoA(), "PA-3").remoteIssueKey());
    SyncInfo lost = row(sync.syncInfoA(), "PA-2");
    assertTrue(lost.incomingChangesIgnored(), "PA-2's pair is unlinked");
    assertNull(lost.remoteIssueKey(), "and no longer names PB-2");
    assertEquals(2, sync.b().allIssues().size(), "nothing made for PA-2 on B");
    assertTrue(sync.b().allIssues().stream().noneMatch(i -> sync.b().value(i.key(),
        "summary").asText().startsWith("Scanner")), "nothing of PA-2 on B");
  }

  /**
   * PB-2 copied to PA-2 (its create to be sent again, its acknowledgement lost), {@code paired}
   * run, then PA restored (PA-2 lost); PB-3's copy takes the key PA-2, PB-2's create reaches A
   * again and makes PA-3, and PB hears both PAIREDs.
   */
  private void pb2MadeAgainAsPa3AfterTheRestore(Runnable paired) {
    long backup = pb1CopiedThenBackedUp();
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.deliver("PB"); // PB-2's create, to be sent again
    sync.apply("PA"); // PA-2 made for PB-2
    sync.deliver("PA");
    sync.apply("PB"); // PB-2's row names PA-2
    paired.run();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.events().clear();
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-2's create again)
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, PA-2's old row removed
    sync.transportBtoA().releaseHeld();
    sync.apply("PA"); // PA-3 made for PB-2
    assertEquals("Scanner jams", sync.a().value("PA-3", "summary").asText());
    sync.deliver("PA");
    sync.apply("PB");
  }

  /**
   * PB-2's create reaches A again (its acknowledgement lost) after the restore lost PA-2 and the
   * copy made for PB-3 took the key: it makes PA-3, a new copy of PB-2. PB-2's row gives PA-2 up
   * to PB-3's, and then hears PA-3's PAIRED: it is paired with PA-3 and linked both ways, not
   * left ignoring PA-3's changes while sending its own (found by the simulation with site
   * restores, seeds 346, 1463 and 2116).
   */
  @Test
  void aRowThatGaveItsKeyUpIsLinkedWithANewCopyOfItsIssue() {
    pb2MadeAgainAsPa3AfterTheRestore(() -> { });

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    SyncInfo again = row(sync.syncInfoB(), "PB-2");
    assertEquals("PA-3", again.remoteIssueKey());
    assertFalse(again.incomingChangesIgnored(), "PB-2 is linked with PA-3 both ways");
    assertEquals("PB-2", row(sync.syncInfoA(), "PA-3").remoteIssueKey());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "description", "Tray 2 is empty");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.a("alice").edit("PA-2", "description", "Black and cyan");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Tray 2 is empty", sync.b().value("PB-2", "description").asText());
    assertEquals("Scanner jams again", sync.a().value("PA-3", "summary").asText());
    assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText());
    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertEquals(3, sync.a().allIssues().size(), "PA-1, PA-2 and PA-3, none twice");
  }

  /**
   * No restore: PA-1's row is deleted by an admin before its PAIRED reaches PB, and made again
   * by PB-1 sent whole (a resync; PA-1 found by its origin marker), whose own PAIRED waits at PB
   * with the first. The first is stale, but the newer one names the same issue of ours: it is the
   * copy's row made again, not a lost copy's key taken by another issue's copy
   * (PairOrder.lostPairing), and PB-1 is paired with PA-1, linked both ways, not given up or
   * marked (helper-170's review: it passes with lostPairing's check of the named issue removed
   * too, the newer PAIRED then pairing the row first).
   */
  @Test
  void aCopysPairedOvertakenByItsRowMadeAgainPairsTheRow() {
    sync.b("bob").create("Printer on fire");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-1
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (its PAIRED)
    sync.deliver("PA");
    sync.engine().deleteSyncInformation("PA", row(sync.syncInfoA(), "PA-1").id());
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "description", "Second floor");
    sync.poll("PB");
    sync.deliver("PB"); // (waits at PA: its row, and PB-1's create with it, are gone)
    sync.engine().resync("PB", ResyncRequest.all(), "admin");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1's row made again by PB-1 whole, its PAIRED sent
    sync.deliver("PA");
    sync.transportAtoB().releaseHeld();
    assertEquals(2, sync.stores().messages().incomingFor("PB", "PA-1").stream()
        .filter(e -> e.message().kind() == MessageKind.PAIRED).count(), "both PAIREDs queued");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    SyncInfo pb1 = row(sync.syncInfoB(), "PB-1");
    assertEquals("PA-1", pb1.remoteIssueKey());
    assertFalse(pb1.incomingChangesIgnored(), "PB-1's pair is linked");
    assertFalse(sync.b().value("PB-1", "labels").toString().contains("sync-partner-gone"));
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals("Printer fixed", sync.b().value("PB-1", "summary").asText());
    assertEquals(1, sync.a().allIssues().size(), "one copy");
  }

  /**
   * As above, but an admin set PB-2's row to ignore PA's changes before the restore: the row
   * gives its key up to PB-3's pair and is paired with the new copy of PB-2, but keeps ignoring,
   * as a row an admin set to ignore before its PAIRED does (README: while set, the partner's
   * messages are consumed without touching the local issue; a PAIRED still pairs).
   */
  @Test
  void aRowAnAdminSetToIgnoreKeepsIgnoringWhenANewCopyOfItsIssueIsPaired() {
    pb2MadeAgainAsPa3AfterTheRestore(() -> sync.engine().setIncomingChangesIgnored("PB",
        row(sync.syncInfoB(), "PB-2").id(), true));
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "summary", "Scanner fixed");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Scanner jams", sync.b().value("PB-2", "summary").asText(),
        "alice's edit of PA-3 does not reach PB-2");
    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(),
        "PB-2's row still ignores PA's changes, as the admin set it");
  }

  /**
   * As above, but the new copy of PB-2 takes a key that PB-3's pair, lost in the same restore,
   * still names (PA-3): PB-3's row gives it up, and PB-2's row is linked with the copy all the
   * same, not left ignoring it while its own changes reach it (the simulation with site
   * restores, seeds 5121 and 7610: each side ended on its own last edit).
   */
  @Test
  void aRowThatGaveItsKeyUpIsLinkedWithACopyUnderAnotherLostKey() {
    long backup = pb1CopiedThenBackedUp();
    sync.b("bob").create("Scanner jams");
    sync.b("bob").create("Stapler empty");
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.deliver("PB"); // PB-2's create, to be sent again
    sync.apply("PA"); // PA-2 made for PB-2, PA-3 for PB-3
    sync.deliver("PA");
    sync.apply("PB");
    assertEquals("PA-3", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2", "PA-3"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-4", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-2's create again)
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-4
    sync.transportBtoA().releaseHeld();
    sync.apply("PA"); // PA-3 made for PB-2
    assertEquals("Scanner jams", sync.a().value("PA-3", "summary").asText());
    sync.deliver("PA");
    sync.apply("PB");

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    SyncInfo again = row(sync.syncInfoB(), "PB-2");
    assertEquals("PA-3", again.remoteIssueKey());
    assertFalse(again.incomingChangesIgnored(), "PB-2 is linked with PA-3 both ways");
    SyncInfo lost = row(sync.syncInfoB(), "PB-3");
    assertNull(lost.remoteIssueKey(), "PB-3 no longer names PA-3");
    assertTrue(lost.incomingChangesIgnored(), "PB-3's pair is unlinked");
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "summary", "Scanner fixed");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Scanner fixed", sync.b().value("PB-2", "summary").asText(),
        "alice's later edit reaches PB-2");
    assertEquals("Scanner fixed", sync.a().value("PA-3", "summary").asText());
    assertEquals("Stapler empty", sync.b().value("PB-3", "summary").asText());
    assertEquals(3, sync.a().allIssues().size(), "PA-1, PA-2 and PA-3, none twice");
  }

  /**
   * PB-2 copied to PA-2, whose PAIRED is held on its way to PB; PA is restored (PA-2 lost), and
   * PB-3's copy takes the key PA-2 (the lost pair's row at PA removed). With {@code
   * createAgain}, PB-2's create is to be sent again (its acknowledgement lost), and held.
   */
  private void pa2LostBeforeItsPairedThenTakenByPb3(boolean createAgain) {
    long backup = pb1CopiedThenBackedUp();
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    if (createAgain) {
      sync.transportBtoA().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    }
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-2
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (its PAIRED)
    sync.deliver("PA");
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    if (createAgain) {
      sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-2's create again)
    }
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, PA-2's old row removed
  }

  /**
   * PA-2, made for PB-2, is lost in a restore before its PAIRED reaches PB, and the copy made for
   * PB-3 takes its key: both PAIREDs wait at PB, the lost one first. PB-3 is paired with PA-2,
   * and PB-2, whose pair is lost, ends unlinked and marked, not left waiting for good, linked
   * with no partner (the simulation with site restores, seed 381).
   */
  @Test
  void aLostCopysPairedQueuedBeforeTheNewCopysUnlinksItsRow() {
    pa2LostBeforeItsPairedThenTakenByPb3(false);
    sync.transportAtoB().releaseHeld();
    sync.deliver("PA");
    sync.apply("PB");

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    SyncInfo lost = row(sync.syncInfoB(), "PB-2");
    assertTrue(lost.incomingChangesIgnored(), "PB-2's pair is unlinked");
    assertNull(lost.remoteIssueKey());
    assertTrue(sync.b().value("PB-2", "labels").toString().contains("sync-partner-gone"),
        sync.b().value("PB-2", "labels").toString());
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.a("alice").edit("PA-2", "description", "Black and cyan");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText());
    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertEquals(2, sync.a().allIssues().size(), "nothing made for PB-2 on A");
  }

  /**
   * As above, the lost PA-2's PAIRED reaching PB after PB-3's pair with the new PA-2 is made,
   * and PB-2's create then reaches A again (its acknowledgement lost): the new copy made for it,
   * PA-3, is paired with PB-2 and linked both ways, as any row that gave its key up is (the
   * simulation with site restores, seed 1927, where the row kept ignoring PA-3).
   */
  @Test
  void aRowUnlinkedByItsLostCopysLatePairedIsLinkedWithANewCopy() {
    pa2LostBeforeItsPairedThenTakenByPb3(true);
    sync.deliver("PA");
    sync.apply("PB"); // PB-3 paired with PA-2
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "description", "Black and cyan");
    sync.poll("PA");
    sync.transportAtoB().releaseHeld(); // (the lost PA-2's PAIRED, before that change)
    sync.deliver("PA");
    sync.apply("PB"); // PB-2 unlinked
    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored());
    sync.transportBtoA().releaseHeld();
    sync.apply("PA"); // PA-3 made for PB-2
    assertEquals("Scanner jams", sync.a().value("PA-3", "summary").asText());

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    SyncInfo again = row(sync.syncInfoB(), "PB-2");
    assertEquals("PA-3", again.remoteIssueKey());
    assertFalse(again.incomingChangesIgnored(), "PB-2 is linked with PA-3 both ways");
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "description", "Tray 2 is empty");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Tray 2 is empty", sync.b().value("PB-2", "description").asText());
    assertEquals("Scanner jams again", sync.a().value("PA-3", "summary").asText());
    assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText());
    assertEquals(3, sync.a().allIssues().size(), "PA-1, PA-2 and PA-3, none twice");
  }

  /**
   * A change of PA-2, sent before PA-2's row heard from PB-2's, is queued at PB when the copy made
   * for PA-3 takes PB-2 (PB's site restored, PB-2 lost) and PB-2's row is removed: the change is
   * of the lost pair, dropped with the row, not left waiting for good for the create that row
   * applied (found by the simulation with site restores, seeds 2010 and 2335).
   */
  @Test
  void aChangeQueuedForTheRemovedRowIsDroppedWithIt() {
    long backup = pb2MadeForPa2AfterABackup();
    sync.advance(Duration.ofSeconds(30));
    sync.poll("PB"); // PB-2's row has seen it
    sync.a("alice").edit("PA-2", "summary", "Scanner jams on A");
    sync.poll("PA"); // addressed to no row of PB's, not sent yet
    sync.deliver("PB");
    sync.apply("PA"); // PA-2's row learns PB-2's
    assertEquals("PB-2", row(sync.syncInfoA(), "PA-2").remoteIssueKey());
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PB-2"), sync.b().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.a("alice").create("Order more toner");
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1); // (PA-2's change)
    sync.deliver("PA"); // PA-3's create
    sync.advance(Duration.ofMinutes(10));
    sync.deliver("PA"); // PA-2's change, queued after it
    sync.apply("PB"); // PB-2 made for PA-3: PB-2's row removed

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");
    assertEquals("Order more toner", sync.b().value("PB-2", "summary").asText());
    assertEquals("PA-3", row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals("PB-2", row(sync.syncInfoA(), "PA-3").remoteIssueKey());
    assertEquals(2, sync.b().allIssues().size(), "nothing made for PA-2 on B");
    SyncInfo lost = row(sync.syncInfoA(), "PA-2");
    assertTrue(lost.incomingChangesIgnored(), "PA-2's pair is unlinked: " + lost);
  }

  /**
   * The copy's PAIRED is lost on the way, and a change of PA-2 reaches PB first: it is for PB-3's
   * row (not PB-2's, which still names PA-2), and waits there for the PAIRED sent again.
   */
  @Test
  void aChangeOfTheCopyBeforeItsPairedWaitsForItAtTheRightRow() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, its PAIRED queued
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1);
    sync.deliver("PA");
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-2", "description", "Black and cyan");
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP, 1); // (the PAIRED, sent again)
    sync.deliver("PA");
    sync.apply("PB");

    assertTrue(sync.events().events(Type.RECEIVED).stream().anyMatch(e -> e.connectorKey()
        .equals("PB") && e.message().sourceIssueKey().equals("PA-2")
        && e.message().kind() == MessageKind.CHANGE), "the change came first");
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-2", "description").asText(),
        "not written to PB-2");
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-2").remoteIssueKey(), "not learned yet");
    thenPb3IsPairedWithPa2AndPb2Unlinked();
    assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText());
  }

  /**
   * An admin deletes the copy's row on A before its PAIRED reached PB; alice's change makes the
   * row again by PA-2's marker, and its whole names PB-3 and no row of PB's: it is for PB-3's
   * row, which takes the key, not for PB-2's, which still names PA-2 (its issue was overwritten
   * with PA-2's values).
   */
  @Test
  void theCopysRowMadeAgainBeforeItsPairedArrivedIsForTheRightRow() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3, its PAIRED queued
    sync.engine().deleteSyncInformation("PA", row(sync.syncInfoA(), "PA-2").id());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "description", "Black and cyan");

    thenPb3IsPairedWithPa2AndPb2Unlinked();
    assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText());
  }

  /**
   * PB-2 changed after the restore, before PB-3 was made: PA-2 answered 404 and the pair was
   * unlinked as deleted (PB-2 marked so); the copy that gets the key later is paired all the same.
   */
  @Test
  void aLostKeyUnlinkedAsDeletedBeforeIsGivenToTheCopyToo() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));
    sync.b().delete("PB-3"); // (made again below, after PB-2's change)
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.runUntilQuiet();
    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(), "unlinked as deleted");
    assertTrue(sync.a().allIssues().stream().noneMatch(i -> i.key().equals("PA-2")));
    sync.events().clear();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("PB-4", sync.b("bob").create("Order more toner"));
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("PB-4", row(sync.syncInfoA(), "PA-2").remoteIssueKey());
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-4").remoteIssueKey());
    assertNull(row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals(List.of(), sync.events().events(Type.PARTNER_GONE), "marked once, before");
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "description", "Black and cyan");
    sync.runUntilQuiet();
    assertEquals("Black and cyan", sync.b().value("PB-4", "description").asText());
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-2", "description").asText());
  }

  /**
   * The way back for the lost pair: an admin deletes PB-2's sync information, and its next
   * change makes a new copy of it, as for an issue never synced.
   */
  @Test
  void deletingTheLostPairsRowOnTheOtherSideCopiesItAgain() {
    restoredThenPb3Created(() -> sync.b("bob").create("Scanner jams"));
    sync.runUntilQuiet();
    sync.engine().deleteSyncInformation("PB", row(sync.syncInfoB(), "PB-2").id());
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.runUntilQuiet();

    assertEquals("PA-3", row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals("Scanner jams again", sync.a().value("PA-3", "summary").asText());
    assertEquals("Paper stuck in tray 2", sync.a().value("PA-3", "description").asText());
    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
  }

  /** A copy of the lost issue whose row is deleted is left alone: its marker names PA-2. */
  @Test
  void deletingTheRowOfACopyOfTheLostIssueLeavesItAlone() {
    restoredThenPb3Created(() -> sync.a("alice").create("Scanner jams"));
    sync.runUntilQuiet();
    sync.engine().deleteSyncInformation("PB", row(sync.syncInfoB(), "PB-2").id());
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertEquals(2, sync.a().allIssues().size(), "no copy of it");
    assertTrue(sync.syncInfoB().stream().noneMatch(r -> r.localIssueKey().equals("PB-2")));
  }

  /**
   * PB-3 made by bob and copied as PA-2 (the lost row removed); A's outbox then holds the lost
   * row's PAIRED and its next message: the PAIRED reaches PB twice (dropped there, as from an
   * older row than the copy's, whose PAIRED PB applies), and the next message is held on the
   * way, then released.
   */
  private void pb3CopiedAsPa2WhileTheLostRowsPairedIsDroppedAndItsNextMessageHeld() {
    sync.events().clear();
    assertEquals("PB-3", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-3: the lost row removed, the copy's PAIRED queued
    sync.transportAtoB().inject(InMemoryTransport.Fault.DUPLICATE, 1); // (the lost row's PAIRED)
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (its next message)
    sync.deliver("PA");
    sync.apply("PB"); // the copy's PAIRED applied, the lost row's dropped
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    sync.transportAtoB().releaseHeld();
  }

  /**
   * PA-2 made for bob's PB-2, its PAIRED queued on A; A's site restored from a backup before it
   * (PA-2 lost); PB-2's next change finds PA-2 gone: its row unlinked, its GONE queued after the
   * PAIRED.
   */
  private void pa2MadeForPb2LostBeforeItsPairedLeftThenItsGoneQueued() {
    long backup = pb1CopiedThenBackedUp();
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for PB-2, its PAIRED queued
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 is gone: unlinked, its GONE queued after the PAIRED
  }

  /**
   * PA-1 synced as PB-1; a backup of B's site taken a minute later (its time returned); then
   * alice's PA-2 copied as PB-2 by B's apply, B's PAIRED queued, not sent.
   */
  private long pb2MadeForPa2AfterABackup() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").create("Scanner jams");
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");
    return backup;
  }
}
