package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Jira site restored from a backup loses the issues created since, and gives their keys to the
 * next issues people create there: new, unrelated issues under keys the sync has paired. Their
 * changes must not overwrite the partner issues, nor the partners' changes them. The engine tells
 * such an issue by its creation after a change its pair has seen of the issue paired, and
 * unlinks the pair as for a deleted issue (the partner is told, and by default leaves its issue
 * as it is).
 */
class RestoredSiteTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private long backup;

  /** PA-1 synced before the backup, PA-2 after it; then PA is restored and PA-2 made again. */
  @BeforeEach
  void givenARestoreThatLostPa2AndAnotherIssueUnderItsKey() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").create("Scanner jams");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2));

    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PA-2", sync.a("alice").create("Order more toner"));
    sync.events().clear();
  }

  private SyncInfo row(List<SyncInfo> rows, String localKey) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow();
  }

  @Test
  void theNewIssueUnderALostKeyIsNotSentAndThePairIsUnlinked() {
    sync.runUntilQuiet();

    assertEquals("Scanner jams", sync.b().value("PB-2", "summary").asText(), "not overwritten");
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-2", "description").asText());
    assertEquals(2, sync.b().allIssues().size(), "nothing made for it on B");
    assertTrue(row(sync.syncInfoA(), "PA-2").incomingChangesIgnored(), "unlinked here");
    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(), "and told to B");
    List<Event> unlinked = sync.events().events(Type.UNLINKED);
    assertEquals(1, unlinked.size(), unlinked.toString());
    assertEquals("PA", unlinked.get(0).connectorKey());
    assertEquals("PA-2 from PB-2", unlinked.get(0).detail());
    assertFalse(row(sync.syncInfoA(), "PA-1").incomingChangesIgnored(), "PA-1 is the same");

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Order more toner, black");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.runUntilQuiet();

    assertEquals("Scanner jams again", sync.b().value("PB-2", "summary").asText());
    assertEquals("Order more toner, black", sync.a().value("PA-2", "summary").asText(),
        "the partner's changes do not reach it either");
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText(),
        "the pair that was not lost syncs on");
    assertEquals(1, sync.events().events(Type.UNLINKED).size(), "unlinked once");
  }

  @Test
  void aPartnersChangeThatReachesTheNewIssueFirstUnlinksThePairInstead() {
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // before any poll of PA sees the new PA-2

    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText(),
        "not overwritten");
    assertTrue(row(sync.syncInfoA(), "PA-2").incomingChangesIgnored(), "unlinked");
    Event ignored = sync.events().events(Type.IGNORED).get(0);
    assertTrue(ignored.detail().startsWith("PA-2 is another issue than the one paired (created"
        + " after the pair last saw a change of it"), ignored.detail());
    assertTrue(ignored.detail().contains("keep its sync information: deleted, the partner's origin"
        + " marker pairs them again"), ignored.detail());

    sync.runUntilQuiet();

    assertTrue(row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(), "B was told");
    assertEquals("Scanner jams again", sync.b().value("PB-2", "summary").asText());
    assertEquals(1, sync.events().events(Type.UNLINKED).size(), "unlinked once");
  }
}
