package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An issue dated a day ahead (an import's wrong date, FutureUpdateTest's set-up) with merged
 * labels and a take-back: its changes, examined again at each poll until that day, settle, and
 * idle polls write nothing (helper-115's review of the examination from the changelog's start).
 */
class DatedAheadIssueTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final AtomicLong ahead = new AtomicLong();
  private final InMemoryIssueTracker a = InMemoryIssueTracker.builder("PA").clock(trackerA())
      .syncUser("sync-a").users("alice", "bob").build();

  private Clock trackerA() {
    return clock.ahead(ahead::get);
  }

  private SyncTestDriver sync(Stores stores) {
    return SyncTestDriver.builder().clock(clock).stores(stores)
        .trackers((key, project) -> key.equals("PA") ? a : project).build();
  }

  private SyncTestDriver syncMerging(Stores stores) {
    return SyncTestDriver.builder().clock(clock).stores(stores)
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .trackers((key, project) -> key.equals("PA") ? a : project).build();
  }

  /**
   * The issue dated a day ahead, labels merged: both sides add a label at once (B keeps its
   * value until A's merge comes), comments both ways; all settle, then idle polls write nothing
   * and the labels agree.
   */
  @Test
  void mergedLabelsOfTheIssueDatedAheadSettleAndIdlePollsWriteNothing() {
    CountingStores stores = new CountingStores(new InMemoryStores());
    SyncTestDriver sync = syncMerging(stores);
    ahead.set(Duration.ofDays(1).toMillis());
    String dated = a.as("alice").create("Imported with a wrong date");
    a.as("alice").updateIssue(dated, java.util.Map.of("labels",
        InMemoryIssueTracker.strings("base")));
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    assertEquals(InMemoryIssueTracker.strings("base"), sync.b().value("PB-1", "labels"));

    a.as("alice").updateIssue(dated, java.util.Map.of("labels",
        InMemoryIssueTracker.strings("base", "alice")));
    sync.b().as("bob").updateIssue("PB-1", java.util.Map.of("labels",
        InMemoryIssueTracker.strings("base", "bob")));
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    a.as("bob").updateIssue(dated, java.util.Map.of("labels",
        InMemoryIssueTracker.strings("base", "alice", "bob", "carol")));
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();

    assertEquals(a.value(dated, "labels").toString(), sync.b().value("PB-1", "labels").toString());
    assertEquals(InMemoryIssueTracker.strings("base", "alice", "bob", "carol").size(),
        sync.b().value("PB-1", "labels").size(), sync.b().value("PB-1", "labels").toString());
    stores.reset();
    for (int i = 0; i < 3; i++) {
      sync.advance(Duration.ofSeconds(5));
      sync.poll("PA");
      sync.poll("PB");
    }
    assertEquals(0, stores.writes(), "idle polls: no write, " + stores.calls());
  }

  /**
   * The issue dated a day ahead: A's row ignores B's changes for a while (bob's edit on B is
   * ignored, alice's on A goes), then is taken back (Resender.madeAnew: last change seen at least
   * the issue's creation, a day ahead). The sides end equal, later edits go both ways, and idle
   * polls write nothing.
   */
  @Test
  void aTakeBackOfTheIssueDatedAheadSettles() {
    CountingStores stores = new CountingStores(new InMemoryStores());
    SyncTestDriver sync = sync(stores);
    ahead.set(Duration.ofDays(1).toMillis());
    String dated = a.as("alice").create("Imported with a wrong date");
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    long row = sync.syncInfoA().get(0).id();

    sync.engine().setIncomingChangesIgnored("PA", row, true);
    sync.b().as("bob").edit("PB-1", "description", "Ignored on A");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    a.as("alice").edit(dated, "summary", "Sent while ignoring");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    assertEquals("Sent while ignoring", sync.b().value("PB-1", "summary").asText());

    sync.engine().setIncomingChangesIgnored("PA", row, false);
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    assertEquals(sync.b().value("PB-1", "summary"), a.value(dated, "summary"));
    assertEquals(sync.b().value("PB-1", "description"), a.value(dated, "description"));

    a.as("bob").edit(dated, "summary", "After the take-back on A");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    assertEquals("After the take-back on A", sync.b().value("PB-1", "summary").asText());
    sync.b().as("bob").edit("PB-1", "summary", "After the take-back on B");
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();
    assertEquals("After the take-back on B", a.value(dated, "summary").asText());

    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    stores.reset();
    for (int i = 0; i < 3; i++) {
      sync.advance(Duration.ofSeconds(5));
      sync.poll("PA");
      sync.poll("PB");
    }
    assertEquals(0, stores.writes(), "idle polls: no write, " + stores.calls());
  }
}
