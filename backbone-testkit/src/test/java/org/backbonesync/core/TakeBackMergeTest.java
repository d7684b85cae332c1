package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.bobsLabelApplied;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (a merged field) when a row that ignored the partner's changes is taken back: each
 * side's additions and removals made meanwhile are kept on both, whichever side ignored, also
 * both, and also a change still on its way when the row was taken back (helper-98's cases, which
 * lost the partner's changes on both sides before: the wholes both sides send said their labels
 * replaced themselves, so connector A's stood).
 */
class TakeBackMergeTest {
  @Test
  void bobsLabelAddedWhileAIgnoresIsKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    settle(sync);

    ignore(sync, "PA", false);
    settle(sync);

    assertEquals(both("base", "bob", "carol"), labels(sync));
  }

  @Test
  void bothSidesChangesWhileAIgnoresAreKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "base", "bob", "carol");
    settle(sync);
    alice(sync, "base"); // removes bob
    settle(sync);

    ignore(sync, "PA", false);
    settle(sync);

    assertEquals(both("base", "carol"), labels(sync));
  }

  @Test
  void bobsRemovalWhileAIgnoresIsKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    bob(sync, "bob"); // removes base
    settle(sync);
    alice(sync, "base", "bob", "alice");
    settle(sync);

    ignore(sync, "PA", false);
    settle(sync);

    assertEquals(both("alice", "bob"), labels(sync));
  }

  @Test
  void bobsRemovalOfAlicesLabelWhileAIgnoresStaysRemoved() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    alice(sync, "base", "bob", "alice");
    settle(sync); // B merged it: alice's label is there
    bob(sync, "base", "bob"); // bob removes it again, after seeing it
    settle(sync);

    ignore(sync, "PA", false);
    settle(sync);

    assertEquals(both("base", "bob"), labels(sync));
  }

  @Test
  void bothSidesChangesWhileBIgnoresAreKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PB", true);
    alice(sync, "alice", "base", "bob");
    bob(sync, "base", "bob", "dave");
    settle(sync);

    ignore(sync, "PB", false);
    settle(sync);

    assertEquals(both("alice", "base", "bob", "dave"), labels(sync));
  }

  @Test
  void bothSidesChangesWhileBothIgnoreAreKeptWhicheverIsTakenBackFirst() {
    for (List<String> order : List.of(List.of("PA", "PB"), List.of("PB", "PA"))) {
      SyncTestDriver sync = bobsLabelApplied();
      ignore(sync, "PA", true);
      ignore(sync, "PB", true);
      alice(sync, "alice", "base", "bob");
      bob(sync, "base", "bob", "dave");
      settle(sync);

      ignore(sync, order.get(0), false);
      settle(sync);
      ignore(sync, order.get(1), false);
      settle(sync);

      assertEquals(both("alice", "base", "bob", "dave"), labels(sync), "taken back " + order);
    }
  }

  @Test
  void aChangeOfTheIgnoringSideStillOnItsWayIsKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PB", true);
    alice(sync, "alice", "base", "bob");
    settle(sync); // B ignores alice's
    bob(sync, "base", "bob", "dave");
    sync.poll("PB"); // queued, not delivered: the partner drops it once the row is made anew

    ignore(sync, "PB", false);
    settle(sync);

    assertEquals(both("alice", "base", "bob", "dave"), labels(sync));
  }

  @Test
  void aRemovalDeliveredButNotAppliedAndAnUnsentChangeAreBothKept() {
    SyncTestDriver sync = bobsLabelApplied();
    ignore(sync, "PA", true);
    alice(sync, "base"); // removes bob
    sync.poll("PA");
    sync.deliver("PA");
    bob(sync, "base", "bob", "erin"); // not polled yet

    ignore(sync, "PA", false);
    settle(sync);

    assertEquals(both("base", "erin"), labels(sync));
  }

  private static void ignore(SyncTestDriver sync, String connector, boolean ignored) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
  }

  private static void alice(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings(labels)));
  }

  private static void bob(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings(labels)));
  }

  /** PA-1's labels / PB-1's labels, each sorted. */
  private static String labels(SyncTestDriver sync) {
    return sorted(sync.a().value("PA-1", "labels")) + " / "
        + sorted(sync.b().value("PB-1", "labels"));
  }

  private static String both(String... labels) {
    String one = new TreeSet<>(List.of(labels)).toString();
    return one + " / " + one;
  }

  private static String sorted(JsonNode labels) {
    TreeSet<String> set = new TreeSet<>();
    labels.forEach(l -> set.add(l.asText()));
    return set.toString();
  }
}
