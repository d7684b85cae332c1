package org.backbonesync.core;

import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.baseAndBob;
import static org.backbonesync.core.TakeBackStories.play;

import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * What the skipped base cannot tell, pinned: the engine sees a person's label changes as its
 * polls find them, so a label alice adds and takes away again between two polls of A is no
 * change of A's. Bob's addition of that label, made while A's row ignored B, stands across the
 * take-back either way, as it must where alice did nothing. Before the skipped base, A's labels
 * stood across a take-back: the first story ended without z (alice's undo kept by chance, bob's
 * z lost), the second too (bob's z lost). The review's harness counts the first among the stories
 * where a later edit is lost that main kept; all 23 of those (of 7,000) are of this kind.
 * Labels start as [base, bob] on both.
 */
class TakeBackUnseenEditTest {
  /** Story 579: bob adds z while A ignores; alice adds z and takes it away before A's poll. */
  @Test
  void aLabelAliceAddsAndTakesAwayBetweenTwoPollsLeavesBobsAdditionOfItStanding() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B-base adv settle B+z PA ignores poll:PB A+z A-z deliver:PB");

    assertBoth(sync, "bob", "z");
  }

  /** The same story without alice's two edits, which the engine sees the same. */
  @Test
  void bobsAdditionWhileAIgnoresStands() {
    SyncTestDriver sync = baseAndBob();

    play(sync, "B-base adv settle B+z PA ignores poll:PB deliver:PB");

    assertBoth(sync, "bob", "z");
  }
}
