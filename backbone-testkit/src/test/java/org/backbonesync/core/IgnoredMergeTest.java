package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.bobsLabelApplied;
import static org.backbonesync.core.MergedLabels.labels;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (a merged field) while one side's row ignores the other's changes: the ignoring side's
 * own changes still go (as the admin API promises), so the other side merges them itself; it
 * cannot wait for the ignoring side to merge, which never comes. Connector A merges when both
 * take changes, so the case that waited for good is A ignoring B.
 *
 * <p>Across the take-back, what either side changed meanwhile is kept: the row that ignored
 * keeps the value the first of the partner's changes it did not take replaced, and merges the
 * partner's whole against it ({@code SkippedChanges}; {@code TakeBackLabelsOracleTest} tells the
 * cases). Until then a message of A built before its row ignored and applied after is not merged
 * on B: B keeps its labels waiting for A's merge of its own crossing change, which does not come
 * until the take-back.
 */
class IgnoredMergeTest {
  private static void ignore(SyncTestDriver sync, String connector, boolean ignored) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
  }

  @Test
  void aLabelRemovedOnAWhileAIgnoresBReachesB() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);

    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base")));
    settle(sync);

    assertEquals(strings("base") + " / " + strings("base"), labels(sync));
  }

  @Test
  void bKeepsItsOwnLabelAddedWhileAIgnoresItAndTakesAlicesRemoval() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "bob", "carol")));
    settle(sync);
    sync.events().clear();

    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base")));
    settle(sync);

    assertEquals(strings("base") + " / " + strings("base", "carol"), labels(sync),
        "A took nothing of B's (it ignores), B took alice's removal");
    assertEquals(0, sync.events().events(Type.IGNORED).size(),
        "B's merge is not sent to A, which ignores it");
  }

  /** helper-98's case: B merges each of A's messages, its own change between them stays. */
  @Test
  void bMergesEachOfAlicesChangesWhileAIgnoresAndKeepsItsOwnBetweenThem() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("a1", "base", "bob")));
    sync.poll("PA");
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("b1", "base")));
    sync.poll("PB");
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("a1", "a2", "base")));
    settle(sync);

    // B's merge keeps its own order, then alice's additions
    assertEquals(strings("a1", "a2", "base") + " / " + strings("b1", "base", "a1", "a2"),
        labels(sync));
  }

  @Test
  void aLabelAddedOnBWhileBIgnoresAReachesAAndAMergesIt() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PB", true);
    sync.events().clear();
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("alice", "base", "bob")));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "bob", "dave")));
    settle(sync);

    assertEquals(strings("alice", "base", "bob", "dave") + " / "
        + strings("base", "bob", "dave"), labels(sync), "B took nothing of A's (it ignores)");
    assertEquals(1, sync.events().events(Type.IGNORED).size(),
        "alice's change went to B, A's merge did not");
  }
}
