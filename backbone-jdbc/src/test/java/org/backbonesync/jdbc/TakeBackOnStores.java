package org.backbonesync.jdbc;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * The take-back of merged labels that the JDBC store tests tell on each database (H2 files in
 * {@code TakeBackLabelsOnJdbcTest}, PostgreSQL in {@code SkippedBaseOnPostgresTest}): the part up
 * to the restart is the same story, only the stores differ.
 */
final class TakeBackOnStores {
  private TakeBackOnStores() {}

  /**
   * PA-1 with the labels base and old synced to PB-1 on {@code stores}, labels merged; then A's
   * row ignores B's changes while bob sets PB-1's labels to base and carol, and all settles: A's
   * row consumed bob's change, so the stores keep its skipped base.
   */
  static SyncTestDriver bobsLabelsWhileAIgnores(Stores stores) {
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores).summaryAndMergedLabels().build();
    sync.a("alice").updateIssue(sync.a("alice").create("Printer on fire"),
        Map.of("labels", strings("base", "old")));
    settle(sync);
    sync.engine().setIncomingChangesIgnored("PA", rowA(sync), true);
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "carol")));
    settle(sync);
    return sync;
  }

  /** The id of A's row (the story's one pair). */
  static long rowA(SyncTestDriver sync) {
    return sync.syncInfoA().get(0).id();
  }

  /** A's row ({@code row}) takes B's changes back, and all settles. */
  static void takeBack(SyncTestDriver sync, long row) {
    sync.engine().setIncomingChangesIgnored("PA", row, false);
    settle(sync);
  }

  /** Runs until quiet, a minute later again (what a next poll would find). */
  static void settle(SyncTestDriver sync) {
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
  }
}
