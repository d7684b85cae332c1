package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * A Jira site restored from a backup lost PA-3, and alice creates a new issue there, which gets
 * the key PA-3 again. It is her brand-new issue: it reaches B as a new copy, as any new issue
 * does, while PB-3, the copy of the lost PA-3, is unlinked and marked, and keeps what it had.
 * The old pair's row gives the key up as an admin's delete of it would; the lost pair's late
 * messages are dropped, never applied to the new issue.
 */
@Disabled("not handled yet (README, \"Not handled after a Jira restore\"): the lost pair's row"
    + " keeps the key, so the new PA-3 is never copied (B has 3 issues, not 4). A candidate fix"
    + " (the old row gives the key up once the partner is told; the partner drops the lost"
    + " pair's late messages) passed this test but failed simulation seeds with site restores:"
    + " the partner must record every row of a lost pair, not only the GONE's sender")
class NewIssueUnderLostKeyTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();

  /** PA-1..PA-3 synced, PB-3 edited; A restored to a backup without PA-3. */
  @BeforeEach
  void givenARestoreThatLostPa3() {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Toner low");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").create("Scanner jams");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-3", "description", "Paper stuck in tray 2");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-3"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.events().clear();
  }

  private static SyncInfo row(List<SyncInfo> rows, String localKey) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + localKey + " in " + rows));
  }

  /** The key of the one issue of B with this summary. */
  private String onB(String summary) {
    List<String> keys = sync.b().allIssues().stream()
        .filter(i -> i.field("summary").asText().equals(summary)).map(TrackedIssue::key)
        .toList();
    assertEquals(1, keys.size(), summary + " on B: " + keys);
    return keys.get(0);
  }

  /** alice's PA-3 has a copy of its own on B, synced both ways; PB-3 is unlinked and marked. */
  private void thenTheNewPa3IsCopiedAndPb3Unlinked() {
    thenTheNewPa3IsCopiedAndPb3Unlinked("Scanner jams");
  }

  /** As above, PB-3's summary being {@code pb3Summary} (bob's own). */
  private void thenTheNewPa3IsCopiedAndPb3Unlinked(String pb3Summary) {
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(), "nothing for an operator");

    assertEquals(4, sync.b().allIssues().size(), "one new copy, nothing copied twice");
    assertEquals(3, sync.a().allIssues().size(), "nothing copied back");
    String copy = onB("Order more toner");
    assertEquals("PB-4", copy);
    assertEquals("PB-4", row(sync.syncInfoA(), "PA-3").remoteIssueKey());
    assertEquals("PA-3", row(sync.syncInfoB(), "PB-4").remoteIssueKey());
    assertFalse(row(sync.syncInfoA(), "PA-3").incomingChangesIgnored());
    assertFalse(row(sync.syncInfoB(), "PB-4").incomingChangesIgnored());
    SyncInfo lost = row(sync.syncInfoB(), "PB-3");
    assertTrue(lost.incomingChangesIgnored(), "PB-3's pair is unlinked: " + lost);
    assertNull(lost.remoteIssueKey(), "and no longer names PA-3: " + lost);
    assertEquals(pb3Summary, sync.b().value("PB-3", "summary").asText());
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-3", "description").asText());
    assertTrue(sync.b().value("PB-3", "labels").toString().contains("sync-partner-gone"));
    assertTrue(sync.a().value("PA-3", "description").isNull(), "nothing of PB-3 on PA-3");

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "summary", "Order more toner, black");
    sync.b("bob").edit("PB-4", "description", "Two cartridges");
    sync.b("bob").edit("PB-3", "summary", "Scanner jams again");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Order more toner, black", sync.b().value("PB-4", "summary").asText());
    assertEquals("Two cartridges", sync.a().value("PA-3", "description").asText());
    assertEquals("Order more toner, black", sync.a().value("PA-3", "summary").asText(),
        "PB-3's change does not reach PA-3");
    assertEquals("Scanner jams again", sync.b().value("PB-3", "summary").asText());
    assertEquals(4, sync.b().allIssues().size());
    assertEquals(3, sync.a().allIssues().size());
  }

  @Test
  void aNewIssueUnderTheLostKeyIsCopiedAsANewIssue() {
    assertEquals("PA-3", sync.a("alice").create("Order more toner"));

    thenTheNewPa3IsCopiedAndPb3Unlinked();
    assertEquals(1, sync.events().events(Type.UNLINKED).size(), "unlinked once");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  /** B's change reaches the new PA-3 before any poll of A sees it: the same. */
  @Test
  void aPartnersChangeThatFindsTheNewIssueFirstLeavesItToBeCopied() {
    assertEquals("PA-3", sync.a("alice").create("Order more toner"));
    sync.b("bob").edit("PB-3", "summary", "Scanner jams, tray 2");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // the new PA-3 found by PB-3's change: unlinked

    assertEquals("Order more toner", sync.a().value("PA-3", "summary").asText());
    thenTheNewPa3IsCopiedAndPb3Unlinked("Scanner jams, tray 2");
  }

  /**
   * PB-3's change, sent to the old row of PA-3, is held on the way until the new PA-3 has a row
   * of its own waiting for its copy's PAIRED: dropped, not applied to the new issue.
   */
  @Test
  void aLateChangeForTheRemovedRowIsNotAppliedToTheNewIssue() {
    sync.b("bob").edit("PB-3", "summary", "Scanner jams, tray 2");
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1);
    sync.deliver("PB");
    assertEquals("PA-3", sync.a("alice").create("Order more toner"));
    sync.poll("PA"); // the old row gives PA-3 up; the new PA-3's create queued
    sync.transportBtoA().releaseHeld();
    sync.apply("PA");

    assertEquals("Order more toner", sync.a().value("PA-3", "summary").asText());
    thenTheNewPa3IsCopiedAndPb3Unlinked("Scanner jams, tray 2");
  }

  /** The lost pair's GONE delivered twice: still one copy of the new PA-3. */
  @Test
  void theGoneDeliveredTwiceCopiesTheNewIssueOnce() {
    assertEquals("PA-3", sync.a("alice").create("Order more toner"));
    sync.poll("PA");
    sync.transportAtoB().inject(InMemoryTransport.Fault.DUPLICATE, 1);
    sync.deliver("PA");

    thenTheNewPa3IsCopiedAndPb3Unlinked();
  }
}
