package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An issue whose change a poll cannot export (a mapping throws on it) is in its trace, once while
 * it fails the same way (helper-99: the trace was empty, the reason only in the log and the
 * listener's events).
 */
class ExportFailureTraceTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .provider(new HookedMapping("acme.careless", (field, issue) -> {
        if (issue.field(field).asText().equals("boom")) {
          throw new IllegalStateException("careless export blew up");
        }
        return issue.field(field);
      }, (field, value, updates) -> updates.set(field, value)))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.careless",
          Direction.A_TO_B, "description", "description", null))
      .build();

  private List<String> history() {
    return sync.engine().trace("PA", "PA-1").history().stream()
        .filter(e -> e.direction() == TraceEntry.Direction.OUT)
        .map(e -> e.outcome() + (e.outcome() == Outcome.EXPORT_FAILED ? ": " + e.detail() : ""))
        .toList();
  }

  @Test
  void anExportFailureIsTracedOnceWhileItLastsAndAgainWhenItComesBack() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "description", "boom");

    sync.runFor(Duration.ofMinutes(5)); // (a poll every 30 s, each failing again)

    String failure = "EXPORT_FAILED: outgoing field mapping map-under-test failed on PA-1:"
        + " java.lang.IllegalStateException: careless export blew up";
    assertEquals(List.of("SENT", failure), history());

    sync.a("alice").edit("PA-1", "description", "fine");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "description", "boom");
    sync.runFor(Duration.ofMinutes(2));

    assertEquals(List.of("SENT", failure, "SENT", failure), history());
    assertTrue(sync.b().value("PB-1", "description").asText().equals("fine"));
  }
}
