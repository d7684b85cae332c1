package org.backbonesync.core;

import static org.backbonesync.core.TakeBackStories.alice;
import static org.backbonesync.core.TakeBackStories.assertBoth;
import static org.backbonesync.core.TakeBackStories.baseAndBob;
import static org.backbonesync.core.TakeBackStories.ignore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A row that ignores the partner for long while its own side keeps changing the labels: what it
 * keeps of the values it sent ({@code SkippedBase}) stays bounded, read and rewritten at that size
 * for each message (helper-119; the review measured 7,588 characters after 200 edits, growing
 * with each), and the take-back ends with the labels as alice left them on both issues. Labels
 * start as [base, bob] on both; bob does nothing.
 */
class TakeBackLongIgnoreTest {
  @Test
  void fiveHundredEditsOfAliceWhileARowIgnoresAndBobIsSilent() {
    SyncTestDriver sync = baseAndBob();
    ignore(sync, "PA", true);
    List<String> labels = new ArrayList<>(List.of("base", "bob"));
    int longest = 0;
    for (int i = 0; i < 500; i++) {
      String label = "l" + (i % 7);
      if (!labels.remove(label)) {
        labels.add(label);
      }
      alice(sync, labels.toArray(String[]::new));
      MergedLabels.settle(sync);
      longest = Math.max(longest, kept(sync).toString().length());
    }
    JsonNode kept = kept(sync);

    assertEquals(32, kept.path("ours").size(), "values of ours kept as they are: " + kept);
    assertTrue(longest < 3_000, "the record's JSON, longest: " + longest);
    assertBoth(sync, labels.toArray(String[]::new));

    ignore(sync, "PA", false);
    MergedLabels.settle(sync);
    MergedLabels.settle(sync);

    assertEquals(List.of("base", "bob", "l3", "l4", "l5", "l6"), labels);
    assertBoth(sync, labels.toArray(String[]::new));
  }

  /** A's row's record of the labels (none yet: an empty object). */
  private static JsonNode kept(SyncTestDriver sync) {
    JsonNode kept = sync.stores().syncInfo().skippedBases(sync.syncInfoA().get(0).id())
        .get(SyncTestDriver.LABELS);
    return kept == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        : kept;
  }
}
