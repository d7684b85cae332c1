package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * What the skipped bases of merged labels ({@code SyncInfoStore.skippedBases}) cost when nothing
 * is ignored: an apply's round reads them with its rows' other values, once, and only when one of
 * its messages carries a merged field. (helper-116's review counted one read per label message.)
 */
class SkippedBaseReadsTest {
  private final CountingStores stores = new CountingStores(new InMemoryStores());
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(stores)
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
          .withConflict(ConflictRule.MERGE))
      .build();

  @Test
  void tenIssuesLabelEditsReadTheSkippedBasesOncePerRoundAndSummaryEditsNone() {
    for (int i = 1; i <= 10; i++) {
      sync.a("alice").create("issue " + i);
    }
    settle();

    for (int i = 1; i <= 10; i++) {
      sync.a("alice").updateIssue("PA-" + i, Map.of("labels", strings("l" + i)));
    }
    long aToB = readsWhileSettling();
    for (int i = 1; i <= 10; i++) {
      sync.b("bob").updateIssue("PB-" + i, Map.of("labels", strings("l" + i, "m" + i)));
    }
    long bToA = readsWhileSettling();
    for (int i = 1; i <= 10; i++) {
      sync.a("alice").updateIssue("PA-" + i,
          Map.of("summary", TextNode.valueOf("issue " + i + "!")));
    }
    long summaries = readsWhileSettling();

    assertEquals("1 / 1 / 0", aToB + " / " + bToA + " / " + summaries,
        "skippedBases reads: alice's label edits applied on B / bob's on A / summary edits");
    assertEquals(strings("l3", "m3"), sync.a().value("PA-3", "labels"));
  }

  private long readsWhileSettling() {
    stores.reset();
    settle();
    return stores.calls().getOrDefault("skippedBases", 0L);
  }

  private void settle() {
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
  }
}
