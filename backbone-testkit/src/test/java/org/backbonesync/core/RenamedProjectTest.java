package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * PA and PB are in sync when an administrator renames project PA to PX: every issue of it gets a
 * new key (PA-1 is PX-1) and the old keys still lead to them. That is no issue moving out: the
 * pairs follow their issues' new keys, both ways, nothing is unlinked, marked or made twice, and
 * the connector's configured project key may stay PA.
 */
class RenamedProjectTest {

  /** PA-1 (Alice's) and PA-2 (Bob's, from PB-2) in sync; B deletes partners of deleted issues. */
  private static SyncTestDriver synced() {
    return synced(new InMemoryStores());
  }

  private static SyncTestDriver synced(Stores stores) {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.delete()))
        .connectorB(c -> c.withOnPartnerGone(PartnerGone.delete()))
        .stores(stores)
        .build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").create("Scanner jammed");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("Scanner jammed", sync.a().value("PA-2", "summary").asText());
    return sync;
  }

  private static Set<String> keys(List<SyncInfo> rows, boolean local) {
    return rows.stream().map(r -> local ? r.localIssueKey() : r.remoteIssueKey())
        .collect(Collectors.toSet());
  }

  private static void assertNothingUnlinked(SyncTestDriver sync) {
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty(), sync.events().toString());
    assertTrue(sync.events().events(Type.PARTNER_GONE).isEmpty());
    assertTrue(sync.syncInfoA().stream().noneMatch(SyncInfo::incomingChangesIgnored));
    assertTrue(sync.syncInfoB().stream().noneMatch(SyncInfo::incomingChangesIgnored));
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @Test
  void aRenamedProjectKeepsItsPairsAndSyncsBothWays() {
    SyncTestDriver sync = synced();
    sync.a().renameProject("PX");

    sync.a("alice").edit("PX-1", "summary", "Printer still on fire");
    sync.b("bob").edit("PB-2", "summary", "Scanner fixed");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals("Scanner fixed", sync.a().value("PX-2", "summary").asText());
    assertEquals(Set.of("PX-1", "PX-2"), keys(sync.syncInfoA(), true), "A's rows followed");
    assertTrue(keys(sync.syncInfoB(), false).contains("PX-1"), "B's row follows A's message");
    assertNothingUnlinked(sync);

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer out");
    sync.a("alice").edit("PX-2", "summary", "Scanner out");
    sync.a("alice").create("Copier smoking");
    sync.runUntilQuiet();

    assertEquals("Printer out", sync.a().value("PX-1", "summary").asText());
    assertEquals("Scanner out", sync.b().value("PB-2", "summary").asText());
    assertEquals("Copier smoking", sync.b().value("PB-3", "summary").asText());
    assertEquals(3, sync.a().allIssues().size(), "nothing made twice on A");
    assertEquals(3, sync.b().allIssues().size(), "nothing made twice on B");
    assertEquals(Set.of("PX-1", "PX-2", "PX-3"), keys(sync.syncInfoA(), true));
    assertEquals(Set.of("PX-1", "PX-2", "PX-3"), keys(sync.syncInfoB(), false));
    assertNothingUnlinked(sync);
    for (TrackedIssue issue : sync.b().allIssues()) {
      assertEquals(List.of(), sync.b().comments(issue.key()), "no partner marked");
    }
  }

  /** A pair whose issue nobody touched since the rename follows it when a change comes in. */
  @Test
  void thePartnersChangeFindsTheIssueUnderItsNewKey() {
    SyncTestDriver sync = synced();
    sync.a().renameProject("PX");

    sync.b("bob").edit("PB-1", "summary", "Printer out");
    sync.runUntilQuiet();

    assertEquals("Printer out", sync.a().value("PX-1", "summary").asText());
    assertTrue(keys(sync.syncInfoA(), true).contains("PX-1"));
    assertNothingUnlinked(sync);
  }

  /** Jira's webhook names the new key; the pair is found through the old one. */
  @Test
  void aHintNamingTheNewKeyFindsThePair() {
    SyncTestDriver sync = synced();
    sync.a().renameProject("PX");
    sync.a("alice").edit("PX-1", "summary", "Printer still on fire");

    sync.engine().changeHints("PA").issuesChanged(List.of("PX-1"));
    sync.engine().detect("PA");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(2, sync.b().allIssues().size());
    assertNothingUnlinked(sync);
  }

  /** After a rename, an issue moved to another project is still a move out: unlinked. */
  @Test
  void anIssueMovedOutOfTheRenamedProjectIsUnlinked() {
    SyncTestDriver sync = synced();
    sync.a().renameProject("PX");
    sync.a("alice").move("PX-1", "QA-1");

    sync.b("bob").edit("PB-1", "summary", "Printer out");
    sync.runUntilQuiet();

    assertFalse(sync.a().issue("QA-1").orElseThrow().field("summary").asText()
        .equals("Printer out"), "nothing written to the other project");
    assertEquals(1, sync.events().events(Type.UNLINKED).size());
    assertTrue(sync.b().issue("PB-1").isPresent(), "a move is never answered by a delete");
  }

  /**
   * The first poll after a rename moves each pair to its issue's new key: that write is the
   * poll's own, so the change that made the issue show is sent by that poll (it waited for the
   * next poll, which a quiet sync never ran: the edit reached B only with some later change).
   */
  @Test
  void anEditRightAfterTheRenameIsSentByThePollThatFindsIt() {
    SyncTestDriver sync = synced();
    sync.a().renameProject("PX");

    sync.a("alice").edit("PX-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertTrue(keys(sync.syncInfoA(), true).contains("PX-1"), "A's row followed");
    assertTrue(keys(sync.syncInfoB(), false).contains("PX-1"), "B's row follows A's message");
    assertNothingUnlinked(sync);
  }

  /**
   * B's copies of A's issues carry A's old keys in their origin markers (PA-1) and A's new ones in
   * their rows (PX-1): that is still the pair, so a poll of B that meets such a copy asks the
   * store nothing more about it (it read a pending create and the row again for each, each poll).
   */
  @Test
  void aPollMeetingACopyOfARenamedIssueReadsNothingMoreForIt() {
    AtomicInteger pendingCreates = new AtomicInteger();
    SyncTestDriver sync = synced(HookedSyncInfo.before(new InMemoryStores(), "pendingCreate",
        pendingCreates::incrementAndGet));
    sync.a().renameProject("PX");
    sync.a("alice").edit("PX-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();
    assertEquals("PX-1", sync.syncInfoB().get(0).remoteIssueKey());

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer out");
    pendingCreates.set(0);
    assertEquals(1, sync.engine().poll("PB").messagesQueued());

    assertEquals(0, pendingCreates.get(), "pending creates read by B's poll");
    sync.runUntilQuiet();
    assertEquals("Printer out", sync.a().value("PX-1", "summary").asText());
    assertNothingUnlinked(sync);
  }
}
