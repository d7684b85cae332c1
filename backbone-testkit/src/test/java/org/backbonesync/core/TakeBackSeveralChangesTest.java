package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.bobsLabelApplied;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (a merged field) across a take-back when a side changed them more than once while a
 * row ignored the other's changes, beside the one-change stories of {@code
 * TakeBackLabelsOracleTest}: the row keeps the base of the first change it did not take, moved on
 * by what the partner merged of its own meanwhile, so every addition and removal of either side
 * stands on both sides, in one order. The first seven lost a label before the skipped base
 * (d9a1dd8); the last two passed then too and guard the B-row forms.
 */
class TakeBackSeveralChangesTest {
  @Test
  void bobsTwoAdditionsWhileAIgnoresBothSurvive() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    bob(sync, "base", "bob", "carol", "dave");

    ignore(sync, "PA", false);

    assertBoth(sync, "base", "bob", "carol", "dave");
  }

  /** Bob merges alice's label (A ignores him), then removes it, after an addition of his own. */
  @Test
  void bobsRemovalOfAlicesLabelAfterAnEarlierChangeOfHisStaysRemoved() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    alice(sync, "base", "bob", "alice");
    bob(sync, "base", "bob", "carol");

    ignore(sync, "PA", false);

    assertBoth(sync, "base", "bob", "carol");
  }

  @Test
  void bobsRemovalOfAlicesLabelThenHisAdditionBothStand() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    alice(sync, "base", "bob", "x");
    bob(sync, "base", "bob");
    bob(sync, "base", "bob", "y");

    ignore(sync, "PA", false);

    assertBoth(sync, "base", "bob", "y");
  }

  @Test
  void alicesRemovalAfterBobsAdditionWhileAIgnoresBothStand() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    alice(sync, "base");

    ignore(sync, "PA", false);

    assertBoth(sync, "base", "carol");
  }

  /** Alice removes base and puts it back while A ignores; bob's addition stands beside it. */
  @Test
  void alicesRemovalUndoneByHerAndBobsAdditionBothStand() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    alice(sync, "bob");
    alice(sync, "bob", "base");

    ignore(sync, "PA", false);

    assertBoth(sync, "bob", "base", "carol"); // (A's order, B's addition after)
  }

  @Test
  void aSecondIgnorePeriodAfterAChangeOfAlicesKeepsBobsChangesOfBoth() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    ignore(sync, "PA", false);
    alice(sync, "base", "carol");
    ignore(sync, "PA", true);
    bob(sync, "base", "carol", "erin");

    ignore(sync, "PA", false);

    assertBoth(sync, "base", "carol", "erin");
  }

  /** Both rows ignore; each side adds, bob removes base, alice removes bob; B taken back first. */
  @Test
  void bothIgnoreEachChangesTwiceTakenBackBFirst() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    ignore(sync, "PB", true);
    alice(sync, "base", "bob", "alice");
    bob(sync, "base", "bob", "dave");
    bob(sync, "bob", "dave");
    alice(sync, "base", "alice");

    ignore(sync, "PB", false);
    ignore(sync, "PA", false);

    assertBoth(sync, "alice", "dave");
  }

  @Test
  void bIgnoresBobRemovesAllOfHisAndAlicesAdditionStands() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PB", true);
    alice(sync, "base", "bob", "alice");
    bob(sync, "bob");

    ignore(sync, "PB", false);

    assertBoth(sync, "bob", "alice");
  }

  @Test
  void bIgnoresBobAddsAndRemovesHisOwnAlicesAdditionStands() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PB", true);
    bob(sync, "base", "bob", "carol");
    alice(sync, "base", "bob", "carol", "alice");
    bob(sync, "base", "bob");

    ignore(sync, "PB", false);

    assertBoth(sync, "base", "bob", "alice");
  }

  /** Sets the row's flag, then runs until quiet a minute later too. */
  private static void ignore(SyncTestDriver sync, String connector, boolean ignored) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
    settle(sync);
  }

  /** Alice sets PA-1's labels, ten seconds on, and the sync settles. */
  private static void alice(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings(labels)));
    settle(sync);
  }

  /** Bob sets PB-1's labels, ten seconds on, and the sync settles. */
  private static void bob(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings(labels)));
    settle(sync);
  }

  /** Both issues have these labels, in this order. */
  private static void assertBoth(SyncTestDriver sync, String... expected) {
    assertEquals(strings(expected) + " / " + strings(expected),
        sync.a().value("PA-1", "labels") + " / " + sync.b().value("PB-1", "labels"));
  }
}
