package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * The pair the merged-label tests start from: PA-1 and PB-1 with the labels merged, bob's label
 * added on B and applied on A (A answers nothing about labels, so B's change stays pending there).
 */
final class MergedLabels {
  private MergedLabels() {}

  static SyncTestDriver bobsLabelApplied() {
    SyncTestDriver sync = labelled(SyncTestDriver.builder(), "base");
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "bob")));
    settle(sync);
    assertEquals(strings("base", "bob") + " / " + strings("base", "bob"), labels(sync));
    return sync;
  }

  /**
   * A sync of summary and merged labels built on {@code builder} (its stores or connectors, say),
   * where alice created PA-1 with these labels, settled: PB-1 has them too.
   */
  static SyncTestDriver labelled(SyncTestDriver.Builder builder, String... labels) {
    SyncTestDriver sync = builder.summaryAndMergedLabels().build();
    sync.a("alice").updateIssue(sync.a("alice").create("Printer on fire"),
        Map.of("labels", strings(labels)));
    settle(sync);
    return sync;
  }

  /** Runs until quiet, a minute later again (what a next poll would find). */
  static void settle(SyncTestDriver sync) {
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
  }

  /** PA-1's labels / PB-1's labels. */
  static String labels(SyncTestDriver sync) {
    return sync.a().value("PA-1", "labels") + " / " + sync.b().value("PB-1", "labels");
  }
}
