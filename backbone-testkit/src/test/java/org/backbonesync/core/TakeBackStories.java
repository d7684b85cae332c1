package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Steps of the take-back stories of merged labels that run the sync by hand ({@code
 * TakeBackRightAfterTest}, {@code TakeBackEmptyLabelsTest}): a person's edit ten seconds on,
 * without a poll; a row's flag set; and what both issues show.
 */
final class TakeBackStories {
  private TakeBackStories() {}

  /** PA-1 and PB-1 synced without labels (summary only), labels merged. */
  static SyncTestDriver noLabels() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .build();
    sync.a("alice").create("Printer on fire");
    MergedLabels.settle(sync);
    assertBoth(sync);
    return sync;
  }

  /** Alice sets PA-1's labels, ten seconds on (not polled yet). */
  static void alice(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings(labels)));
  }

  /** Bob sets PB-1's labels, ten seconds on (not polled yet). */
  static void bob(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings(labels)));
  }

  /** Sets or clears the {@code incomingChangesIgnored} of the connector's row. */
  static void ignore(SyncTestDriver sync, String connector, boolean ignored) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
  }

  /** Both issues have these labels (in any order), and both in one order. */
  static void assertBoth(SyncTestDriver sync, String... expected) {
    JsonNode a = sync.a().value("PA-1", "labels");
    JsonNode b = sync.b().value("PB-1", "labels");
    assertEquals(new TreeSet<>(List.of(expected)) + " / " + new TreeSet<>(List.of(expected)),
        new TreeSet<>(list(a)) + " / " + new TreeSet<>(list(b)),
        "PA-1 / PB-1 labels, sorted (as they are: " + a + " / " + b + ")");
    assertEquals(list(a), list(b), "both in one order");
  }

  private static List<String> list(JsonNode labels) {
    List<String> out = new ArrayList<>();
    if (labels != null) {
      labels.forEach(l -> out.add(l.asText()));
    }
    return out;
  }
}
