package org.backbonesync.core;

import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.baseAndBob;
import static org.backbonesync.core.TakeBackStories.play;

import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (merged) that both sides changed the same way around a take-back of A's row, one of
 * them then changing that label again: the later change stands on both issues, beside the other
 * changes of both. Stories of the review's random harness (their numbers): the skipped base of B's
 * changes had that label as B's change, so B's value undid the later change of alice's (main
 * kept it, losing B's other changes instead). The base now counts a label as agreed where a value
 * of ours sent while A ignored (or its take-back whole) agrees with B's ({@code SkippedBase}).
 * Labels start as [base, bob] on both.
 */
class TakeBackSameChangeTest {
  /** Story 6954: both add z; after the take-back alice removes it (bob adds x meanwhile). */
  @Test
  void bothAddTheSameLabelThenAliceRemovesItAfterTheTakeBack() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B+z A+z PA ignores adv apply:PB settle PA takes back poll:PA A+y B+x A-y A-z");

    assertBoth(sync, "base", "bob", "x");
  }

  /** Story 221: as above, bob's other changes made while A ignored (A's z merged on B). */
  @Test
  void bothAddTheSameLabelWhileBobChangesMoreThenAliceRemovesItAfterTheTakeBack() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B-bob A+z PA ignores B+z deliver:PA B-base settle B+bob settle deliver:PB"
        + " apply:PA PA takes back A-z");

    assertBoth(sync, "bob");
  }

  /**
   * Story 3950: both remove base, alice's removal going with A's take-back whole; after the
   * take-back she adds it again.
   */
  @Test
  void bothRemoveTheSameLabelThenAliceAddsItAgainAfterTheTakeBack() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "settle poll:PB A+y PA ignores settle A-base adv B-base PA takes back A+base"
        + " apply:PB B+x A+x settle");

    assertBoth(sync, "bob", "y", "base", "x");
  }

  /**
   * Story 2062: both rows ignore; both remove bob (neither merges the other's); alice adds him
   * again before A's take-back; bob adds z.
   */
  @Test
  void bothRowsIgnoringBothRemoveTheSameLabelThenAliceAddsItAgain() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B-bob poll:PB A-bob PB ignores PA ignores poll:PA B+z deliver:PA settle A-base"
        + " PB takes back A+bob settle settle");

    assertBoth(sync, "bob", "z");
  }

  /**
   * Story 4677: both add z, alice's sent before the rows ignore (B ignores it); alice then
   * removes it while bob removes base and bob.
   */
  @Test
  void bothAddTheSameLabelBeforeTheRowsIgnoreThenAliceRemovesIt() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "poll:PA A+z B+z A+y poll:PA PB ignores adv deliver:PA B-bob PA ignores adv A-z"
        + " B-base");

    assertBoth(sync, "y");
  }

  /**
   * Story 1556: a guard. Alice adds x while both rows ignore; B merges it after its own
   * take-back; then bob removes it. A value of alice's without x, sent before, must not count
   * as both sides removing x: B had taken hers with x since (main lost bob's removal).
   */
  @Test
  void bobsRemovalOfALabelOfAlicesHeMergedStands() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B-bob deliver:PA settle apply:PA adv settle A+z PB ignores PA ignores poll:PA"
        + " A+x PB takes back settle B-x poll:PA");

    assertBoth(sync, "base", "z");
  }
}
