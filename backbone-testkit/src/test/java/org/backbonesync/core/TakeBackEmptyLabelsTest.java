package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.bob;
import static org.backbonesync.core.TakeBackStories.ignore;
import static org.backbonesync.core.TakeBackStories.ignoring;
import static org.backbonesync.core.TakeBackStories.noLabels;
import static org.backbonesync.core.TakeBackStories.takeBack;

import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels that start or end empty across a take-back: bob's changes while A's row ignores him
 * stand on both issues after it. A message says it replaced no labels with JSON null, which is a
 * base too (none): the first two lost bob's labels while that was left out (helper-116's review).
 */
class TakeBackEmptyLabelsTest {
  @Test
  void bobsFirstLabelWhileAIgnoresSurvivesTheTakeBack() {
    SyncTestDriver sync = noLabels();
    ignore(sync, "PA", true);
    bob(sync, "carol");
    settle(sync);

    takeBack(sync, "PA");

    assertBoth(sync, "carol");
  }

  @Test
  void bobsTwoLabelsOnAnIssueWithoutLabelsWhileAIgnoresBothSurvive() {
    SyncTestDriver sync = noLabels();
    ignore(sync, "PA", true);
    bob(sync, "carol");
    settle(sync);
    bob(sync, "carol", "dave");
    settle(sync);

    takeBack(sync, "PA");

    assertBoth(sync, "carol", "dave");
  }

  @Test
  void bobsRemovalOfEveryLabelWhileAIgnoresStands() {
    SyncTestDriver sync = ignoring("PA");
    bob(sync);
    settle(sync);

    takeBack(sync, "PA");

    assertBoth(sync);
  }
}
