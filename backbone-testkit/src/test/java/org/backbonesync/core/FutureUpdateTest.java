package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One issue whose update lies far ahead (a tracker node's clock years off, an import with a
 * wrong date) does not move the watermark there: every later search would start after every
 * real change, and nothing would sync again for that long (helper-90, on the Jira adapter's
 * fake sites). Nor does its row's last change seen hold back its own later edits, made at the
 * right time, with merged labels or across a take-back too (helper-115's review).
 */
class FutureUpdateTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final AtomicLong ahead = new AtomicLong();
  private final InMemoryIssueTracker a = InMemoryIssueTracker.builder("PA").clock(trackerA())
      .syncUser("sync-a").users("alice", "bob").build();

  /** A's tracker clock: the engine's, {@code ahead} ahead. */
  private Clock trackerA() {
    return clock.ahead(ahead::get);
  }

  private SyncTestDriver sync(Stores stores) {
    return SyncTestDriver.builder().clock(clock).stores(stores)
        .trackers((key, project) -> key.equals("PA") ? a : project).build();
  }

  @ParameterizedTest(name = "an issue {0} days ahead")
  @ValueSource(longs = {0, 1, 3650})
  void laterEditsStillSyncAfterAnIssueDatedAhead(long days) {
    SyncTestDriver sync = sync(new InMemoryStores());
    String pa1 = a.as("alice").create("Printer on fire");
    sync.runUntilQuiet();

    ahead.set(Duration.ofDays(days).toMillis());
    String dated = a.as("alice").create("Imported with a wrong date");
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(5));
    a.as("alice").edit(pa1, "summary", "Printer on fire, second floor");
    sync.advance(Duration.ofMinutes(5));
    sync.runUntilQuiet();

    assertEquals("Printer on fire, second floor", sync.b().value("PB-1", "summary").asText());
    assertEquals(2, sync.b().allIssues().size(), dated + " arrives too");
  }

  /**
   * The dated issue's own edits, made at the right time, are older than its creation: they sync
   * all the same, as soon as they are made, and the creation's values are not sent again.
   */
  @ParameterizedTest(name = "an issue {0} days ahead")
  @ValueSource(longs = {1, 3650})
  void editsOfTheIssueDatedAheadSyncAtOnce(long days) {
    CountingStores stores = new CountingStores(new InMemoryStores());
    SyncTestDriver sync = sync(stores);
    a.as("alice").create("Printer on fire");
    sync.runUntilQuiet();
    ahead.set(Duration.ofDays(days).toMillis());
    String dated = a.as("alice").create("Imported with a wrong date");
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    String copy = sync.b().allIssues().stream().map(TrackedIssue::key)
        .filter(k -> !k.equals("PB-1")).findFirst().orElseThrow();

    sync.advance(Duration.ofMinutes(5));
    a.as("bob").edit(dated, "summary", "Imported, date to be fixed");
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    assertEquals("Imported, date to be fixed", sync.b().value(copy, "summary").asText());

    sync.b().as("bob").edit(copy, "summary", "Fixed on B");
    settle(sync);
    assertEquals("Fixed on B", a.value(dated, "summary").asText());

    a.as("alice").edit(dated, "summary", "Fixed on A");
    settle(sync);
    assertEquals("Fixed on A", sync.b().value(copy, "summary").asText());

    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    IdlePolls.writeNothing(sync, stores);
    assertEquals("Fixed on A", sync.b().value(copy, "summary").asText());

    sync.advance(Duration.ofDays(days)); // (the wrong date comes: still the same pair)
    sync.runUntilQuiet();
    sync.b().as("bob").edit(copy, "summary", "Dated right on B");
    settle(sync);
    assertEquals("Dated right on B", a.value(dated, "summary").asText());
    a.as("alice").edit(dated, "summary", "Dated right on A");
    settle(sync);
    assertEquals("Dated right on A", sync.b().value(copy, "summary").asText());
    assertEquals(2, sync.b().allIssues().size());
  }

  /** A minute on, and the sync run until quiet. */
  private static void settle(SyncTestDriver sync) {
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
  }

  /**
   * Such an issue is newer than the watermark at every look, which took the lease (and wrote)
   * in every idle poll: it is examined as the others are now (helper-94).
   */
  @Test
  void idlePollsWriteNothingWhileAnIssueIsDatedAhead() {
    CountingStores stores = new CountingStores(new InMemoryStores());
    SyncTestDriver sync = sync(stores);
    a.as("alice").create("Printer on fire");
    sync.runUntilQuiet();
    ahead.set(Duration.ofDays(1).toMillis());
    a.as("alice").create("Imported with a wrong date");
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    stores.reset();

    IdlePolls.writeNothing(sync, stores);
    assertEquals(2, sync.b().allIssues().size());
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
    IdlePolls.writeNothing(sync, stores);
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
    IdlePolls.writeNothing(sync, stores);
  }
}
