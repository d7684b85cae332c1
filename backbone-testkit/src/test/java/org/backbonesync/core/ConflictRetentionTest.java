package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Conflict records grow with issues, not with messages: a partner that keeps changing an issue
 * this side is responsible for adds a refusal per change, and the stores kept every one (helper-136
 * saw {@code bb_conflict} only grow; {@code GET /conflicts} read them all into one answer).
 */
class ConflictRetentionTest {
  private static final FieldMapping SUMMARY =
      FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH);

  @Test
  void anIssueKeepsItsNewestRecordsAndTheListingShowsThemOldestFirst() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectA(p -> p.selectField("customfield_9", "Support", "Development"))
        .projectB(p -> p.selectField("customfield_9", "Support", "Development"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.passthrough("map-resp", "customfield_9", Direction.BOTH))
        .responsibility(new Responsibility("map-resp", "Support", "Development")).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").edit("PB-1", "customfield_9", "Development"); // B is responsible from now
    sync.runUntilQuiet();
    int refused = SyncEngine.CONFLICTS_KEPT + 5;

    for (int i = 1; i <= refused; i++) {
      sync.advance(Duration.ofSeconds(10));
      sync.a("alice").edit("PA-1", "summary", "A's idea " + i);
      sync.runUntilQuiet();
    }

    List<ConflictRecord> kept = sync.engine().conflicts("PB", "PB-1");
    assertEquals(SyncEngine.CONFLICTS_KEPT, kept.size());
    assertEquals(text("A's idea 6"), kept.get(0).remoteValue(), "the oldest kept");
    assertEquals(text("A's idea " + refused), kept.get(kept.size() - 1).remoteValue());
    assertEquals(ConflictRecord.Winner.REJECTED, kept.get(0).winner());
    assertEquals(SyncEngine.CONFLICTS_KEPT, sync.stores().conflicts().list("PB", "PB-1").size(),
        "the older ones are gone from the store");
  }

  @Test
  void allOfAConnectorsIssuesListTheNewestThousand() {
    SyncTestDriver sync = SyncTestDriver.builder().fieldMapping(SUMMARY).build();
    int issues = SyncEngine.CONFLICTS_LISTED / SyncEngine.CONFLICTS_KEPT + 1;
    for (int n = 0; n < SyncEngine.CONFLICTS_KEPT; n++) {
      for (int i = 1; i <= issues; i++) {
        sync.stores().conflicts().add(new ConflictRecord(0, "PB", "PB-" + i, "PA-" + i,
            SyncTestDriver.SUMMARY, text("b" + n), text("a" + n), n, n,
            ConflictRecord.Winner.LOCAL, ConflictRecord.Rule.NEWEST_WINS, n),
            SyncEngine.CONFLICTS_KEPT);
      }
    }

    List<ConflictRecord> listed = sync.engine().conflicts("PB", null);

    assertEquals(SyncEngine.CONFLICTS_LISTED, listed.size());
    List<ConflictRecord> all = sync.stores().conflicts().list("PB", null);
    assertEquals(all.subList(all.size() - SyncEngine.CONFLICTS_LISTED, all.size()), listed,
        "the newest, oldest first");
  }
}
