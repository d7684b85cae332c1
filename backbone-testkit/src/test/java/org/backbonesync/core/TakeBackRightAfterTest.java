package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.bobsLabelApplied;
import static org.backbonesync.core.MergedLabels.labelled;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.core.TakeBackStories.alice;
import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.bob;
import static org.backbonesync.core.TakeBackStories.ignore;
import static org.backbonesync.core.TakeBackStories.ignoring;
import static org.backbonesync.core.TakeBackStories.takeBack;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (merged) changed right after a take-back, by a person who changed them while A's row
 * ignored B too, or on the other side: that change, made after the take-back, stands on both
 * issues, beside what the other side changed meanwhile. From helper-116's review of the skipped
 * base, which lost the first three (the base did not move on by A's changes that B merged itself
 * while A ignored it); the others guard what the skipped base must leave as it was.
 */
class TakeBackRightAfterTest {
  /**
   * While A ignores, bob adds carol; alice adds x, which B merges itself. Right after the
   * take-back alice removes x again.
   */
  @Test
  void alicesRemovalRightAfterTheTakeBackOfALabelSheAddedWhileIgnoringStands() {
    SyncTestDriver sync = carolWhileAIgnoresThenAlice("base", "bob", "x");

    ignore(sync, "PA", false);
    alice(sync, "base", "bob");
    settle(sync);

    assertBoth(sync, "base", "bob", "carol");
  }

  /** As above, the other way: alice removes bob while A ignores; right after, adds him again. */
  @Test
  void alicesAdditionRightAfterTheTakeBackOfALabelSheRemovedWhileIgnoringStands() {
    SyncTestDriver sync = carolWhileAIgnoresThenAlice("base");

    ignore(sync, "PA", false);
    alice(sync, "base", "bob");
    settle(sync);

    assertBoth(sync, "base", "bob", "carol");
  }

  /**
   * The review harness's story 678: alice adds bob back right after the take-back (applied on A,
   * her change not polled yet), after crossing changes of both.
   */
  @Test
  void alicesAdditionRightAfterATakeBackAfterCrossingChangesIsKept() {
    SyncTestDriver sync = bobsLabelApplied();
    sync.advance(Duration.ofMinutes(1));
    edit(sync, false, "base"); // bob removes bob
    sync.deliver("PA");
    sync.poll("PB");
    edit(sync, true, "base"); // alice too
    edit(sync, false, "base", "bob"); // bob puts bob back
    sync.poll("PB");
    sync.advance(Duration.ofSeconds(5));
    edit(sync, true, "base", "z");
    ignore(sync, "PA", true);
    settle(sync);

    ignore(sync, "PA", false);
    sync.apply("PA");
    edit(sync, true, "base", "z", "bob"); // alice adds bob, right after the take-back
    sync.deliver("PB");
    sync.advance(Duration.ofSeconds(5));
    settle(sync);
    settle(sync);

    assertBoth(sync, "base", "z", "bob");
  }

  /**
   * The mirror: alice adds x while A ignores, B merges it; right after the take-back bob removes
   * x, his change sent before B has A's whole (dropped on A).
   */
  @Test
  void bobsRemovalRightAfterTheTakeBackOfALabelAliceAddedWhileIgnoringStands() {
    SyncTestDriver sync = carolWhileAIgnoresThenAlice("base", "bob", "x");

    ignore(sync, "PA", false);
    sync.poll("PA");
    bob(sync, "base", "bob", "carol");
    sync.poll("PB");
    settle(sync);

    assertBoth(sync, "base", "bob", "carol");
  }

  /** As above, bob's removal made after B applied A's whole. */
  @Test
  void bobsRemovalAfterBAppliedTheTakeBackWholeStands() {
    SyncTestDriver sync = carolWhileAIgnoresThenAlice("base", "bob", "x");

    ignore(sync, "PA", false);
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");
    bob(sync, "base", "bob", "carol");
    settle(sync);

    assertBoth(sync, "base", "bob", "carol");
  }

  /**
   * Bob's change is consumed while PA-1 is outside A's incoming JQL (no base is kept there: no
   * take-back forgets it). Back in, alice adds a; then bob removes a while alice adds x.
   */
  @Test
  void bobsRemovalAfterTheIssueCameBackIntoTheIncomingJqlStands() {
    SyncTestDriver sync = labelled(
        SyncTestDriver.builder().connectorA(c -> c.withIncomingJql("priority != Low")), "base");
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").edit("PA-1", "priority", "Low");
    bob(sync, "base", "carol");
    settle(sync);
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").edit("PA-1", "priority", "High");
    settle(sync);
    alice(sync, "base", "a");
    settle(sync);
    assertBoth(sync, "base", "a");

    bob(sync, "base");
    alice(sync, "base", "a", "x");
    settle(sync);

    assertBoth(sync, "base", "x");
  }

  /**
   * Right after the take-back alice makes PA-1's labels what bob's are (B's whole finds them
   * equal to a change of A's not sent yet: nothing applied, the base stays on A's row). Much
   * later bob removes a label while alice adds one.
   */
  @Test
  void aBaseLeftByATakeBackThatMetAnEqualChangeLosesNoLaterRemoval() {
    SyncTestDriver sync = ignoring("PA");
    bob(sync, "base", "bob", "blue");
    settle(sync);
    ignore(sync, "PA", false);
    alice(sync, "base", "bob", "blue");
    settle(sync);
    assertBoth(sync, "base", "bob", "blue");
    sync.advance(Duration.ofHours(1));
    alice(sync, "base", "bob", "blue", "a");
    settle(sync);

    bob(sync, "base", "bob", "blue");
    alice(sync, "base", "bob", "blue", "a", "x");
    settle(sync);

    assertBoth(sync, "base", "bob", "blue", "x");
  }

  /**
   * B's row ignores; alice adds tmp and takes it away again; B's take-back finds both sides
   * equal. Later A's row ignores; bob removes b1; alice adds a2, which B merges itself.
   */
  @Test
  void aBaseLeftOnBsRowTurnsNoLaterRemovalOfBobsIntoAlicesAddition() {
    SyncTestDriver sync = ignoring("PB");
    alice(sync, "base", "bob", "tmp");
    settle(sync);
    alice(sync, "base", "bob");
    settle(sync);
    takeBack(sync, "PB");
    assertBoth(sync, "base", "bob");
    bob(sync, "base", "bob", "b1");
    settle(sync);
    assertBoth(sync, "base", "bob", "b1");

    ignore(sync, "PA", true);
    bob(sync, "base", "bob");
    settle(sync);
    alice(sync, "base", "bob", "b1", "a2");
    settle(sync);
    takeBack(sync, "PA");

    assertBoth(sync, "base", "bob", "a2");
  }

  /** Labels and fix versions both merged: each keeps both sides' changes across a take-back. */
  @Test
  void twoMergedFieldsEachKeepBothSidesChangesAcrossATakeBack() {
    SyncTestDriver sync = SyncTestDriver.builder().summaryAndMergedLabels()
        .fieldMapping(FieldMapping.passthrough("map-versions", "fixVersions", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .projectA(p -> p.versions("1.0", "2.0", "3.0"))
        .projectB(p -> p.versions("1.0", "2.0", "3.0"))
        .build();
    sync.a("alice").updateIssue(sync.a("alice").create("Printer on fire"),
        Map.of("labels", strings("base"), "fixVersions", strings("1.0")));
    settle(sync);
    ignore(sync, "PA", true);
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1",
        Map.of("labels", strings("base", "carol"), "fixVersions", strings("1.0", "2.0")));
    settle(sync);
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("fixVersions", strings("1.0", "3.0")));
    settle(sync);

    takeBack(sync, "PA");

    assertBoth(sync, "base", "carol");
    assertEquals(strings("1.0", "3.0", "2.0") + " / " + strings("1.0", "3.0", "2.0"),
        sync.a().value("PA-1", "fixVersions") + " / " + sync.b().value("PB-1", "fixVersions"));
  }

  /**
   * While A ignores, bob adds carol, then alice sets PA-1's labels to these (B merges her change
   * itself); all settled, A's row still ignoring.
   */
  private static SyncTestDriver carolWhileAIgnoresThenAlice(String... labels) {
    SyncTestDriver sync = ignoring("PA");
    bob(sync, "base", "bob", "carol");
    settle(sync);
    alice(sync, labels);
    settle(sync);
    return sync;
  }

  /** A person's edit three seconds on, without a poll. */
  private static void edit(SyncTestDriver sync, boolean alice, String... labels) {
    sync.advance(Duration.ofSeconds(3));
    (alice ? sync.a("alice") : sync.b("bob")).updateIssue(alice ? "PA-1" : "PB-1",
        Map.of("labels", strings(labels)));
  }
}
