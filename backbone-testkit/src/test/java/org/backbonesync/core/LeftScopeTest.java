package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Connector B syncs only the issues of PB that are not labelled {@code private}. Bob reported
 * PB-1, which reached A as PA-1; then he labels PB-1 private. It is out of the synchronization:
 * the pair is unlinked on both sides as for a move, and A's issue is marked, never deleted, even
 * where A deletes the partners of deleted issues. Found by A's next change or by Jira's webhook.
 */
class LeftScopeTest {

  private static SyncTestDriver synced() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.delete()))
        .connectorB(c -> c.withJql("labels != private"))
        .build();
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    assertEquals("Printer on fire", sync.a().value("PA-1", "summary").asText());
    return sync;
  }

  private static SyncInfo row(List<SyncInfo> rows) {
    assertEquals(1, rows.size(), rows.toString());
    return rows.get(0);
  }

  private static void assertUnlinkedAndMarked(SyncTestDriver sync) {
    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored(), "B unlinked");
    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored(), "A was told and unlinked");
    assertTrue(sync.a().issue("PA-1").isPresent(), "a partner out of scope is never deleted");
    List<Comment> comments = sync.a().comments("PA-1");
    assertEquals(1, comments.size(), comments.toString());
    assertEquals("The synced partner issue PB-1 was taken out of the synchronization; this issue"
        + " is no longer synced.", comments.get(0).body());
    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString());
    assertEquals("PA-1 MARK", sync.events().events(Type.PARTNER_GONE).get(0).detail());
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @Test
  void anIssueLabelledOutOfTheJqlIsUnlinkedByThePartnersNextChange() {
    SyncTestDriver sync = synced();
    sync.b("bob").edit("PB-1", "labels", InMemoryIssueTracker.strings("private"));

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertUnlinkedAndMarked(sync);
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "nothing written to an issue out of scope");
    assertEquals(1, sync.events().events(Type.UNLINKED).size());

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "Out at last");
    sync.runUntilQuiet();
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(1, sync.b().allIssues().size(), "nothing made again on B");
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @Test
  void jirasWebhookFindsItAtOnce() {
    SyncTestDriver sync = synced();
    sync.b("bob").edit("PB-1", "labels", InMemoryIssueTracker.strings("private"));

    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
    sync.engine().detect("PB");
    sync.runUntilQuiet();

    assertUnlinkedAndMarked(sync);
    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1")); // the webhook again
    sync.engine().detect("PB");
    sync.runUntilQuiet();
    assertEquals(1, sync.events().events(Type.UNLINKED).size(), "unlinked once");
  }

  /** The JQL chooses what B sends: an issue the sync made on B need not match it. */
  @Test
  void anIssueTheSyncMadeOutsideTheJqlStaysPaired() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorB(c -> c.withJql("labels != private"))
        .build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").edit("PA-1", "labels", InMemoryIssueTracker.strings("private"));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertFalse(row(sync.syncInfoB()).incomingChangesIgnored());
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty());
  }

  /** A connector without a JQL pays no search for it. */
  @Test
  void noJqlNoSearch() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();
    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.b().calls("matches").isEmpty());
  }
}
