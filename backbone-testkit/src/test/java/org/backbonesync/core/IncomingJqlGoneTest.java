package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Connector B takes the partner's changes only for issues not labelled {@code frozen} (its
 * incoming JQL). A pair whose issue on B is gone (deleted, moved away, out of B's JQL) is
 * unlinked all the same when A's next change arrives, and A is told: the incoming JQL chooses
 * which issues take changes, it does not keep a dead pair linked for good. A GONE for an issue
 * outside the incoming JQL unlinks its pair too, and leaves the issue as it is.
 */
class IncomingJqlGoneTest {

  /** PA-1 synced to PB-1; A marks the partners of gone issues. */
  private static SyncTestDriver synced(UnaryOperator<ConnectorConfig> connectorB) {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.mark()))
        .connectorB(c -> connectorB.apply(c.withIncomingJql("labels != frozen")))
        .build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    return sync;
  }

  private static SyncInfo row(List<SyncInfo> rows) {
    assertEquals(1, rows.size(), rows.toString());
    return rows.get(0);
  }

  /** B's row unlinked, A told: its row unlinked and PA-1 marked for {@code reason}. */
  private static void assertUnlinkedBothWays(SyncTestDriver sync, String reason) {
    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored(), "B unlinked");
    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored(), "A told and unlinked");
    assertEquals("The synced partner issue PB-1 was " + reason + "; this issue is no longer"
        + " synced.", sync.a().comments("PA-1").get(0).body());
    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString());
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), sync.events().toString());
    assertTrue(sync.events().events(Type.FAILED).isEmpty(), sync.events().toString());
  }

  @Test
  void aChangeForAnIssueDeletedHereUnlinksThePairAndTellsThePartner() {
    SyncTestDriver sync = synced(c -> c);
    sync.b("bob").delete("PB-1");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertUnlinkedBothWays(sync, "deleted");
    assertEquals("PB-1 no longer exists in PB; the pair is unlinked and its incoming changes are"
        + " ignored", sync.events().events(Type.IGNORED).get(0).detail());
  }

  @Test
  void aChangeForAFrozenIssueMovedAwayUnlinksThePair() {
    SyncTestDriver sync = synced(c -> c);
    sync.b("bob").edit("PB-1", "labels", strings("frozen"));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "labels", strings());
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").move("PB-1", "PX-1");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertUnlinkedBothWays(sync, "moved to PX-1");
    assertEquals("Printer on fire", sync.b().value("PX-1", "summary").asText());
    assertEquals("PB-1 moved to PX-1, out of project PB; the pair is unlinked and its incoming"
        + " changes are ignored", sync.events().events(Type.IGNORED).get(1).detail());
  }

  @Test
  void aFrozenIssueThatLeftItsConnectorsJqlIsUnlinkedByThePartnersNextChange() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.mark()))
        .connectorB(c -> c.withJql("labels != private").withIncomingJql("labels != frozen"))
        .build();
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "labels", strings("frozen", "private"));

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertUnlinkedBothWays(sync, "taken out of the synchronization");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aFrozenIssueStillThereKeepsItsPairAndIsNotChanged() {
    SyncTestDriver sync = synced(c -> c);
    sync.b("bob").edit("PB-1", "labels", strings("frozen"));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertFalse(row(sync.syncInfoB()).incomingChangesIgnored());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals("PB-1 does not match the incoming JQL \"labels != frozen\"",
        sync.events().events(Type.IGNORED).get(0).detail());
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty());
  }

  /**
   * A GONE unlinks a pair whose issue is outside the incoming JQL, and leaves the issue as it is
   * (the incoming JQL keeps the sync's writes off it, a mark or a delete too).
   */
  @Test
  void aGoneForAnIssueOutsideTheIncomingJqlUnlinksItsPairAndLeavesIt() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withIncomingJql("labels != frozen")
            .withOnPartnerGone(PartnerGone.delete()))
        .build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").edit("PA-1", "labels", strings("frozen"));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").delete("PB-1");

    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
    sync.engine().detect("PB");
    sync.runUntilQuiet();

    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored(), "A unlinked");
    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored(), "B unlinked");
    assertTrue(sync.a().issue("PA-1").isPresent(), "not deleted");
    assertEquals(List.of(), sync.a().comments("PA-1"));
    assertEquals("PA-1 LEAVE", sync.events().events(Type.PARTNER_GONE).get(0).detail());
  }
}
