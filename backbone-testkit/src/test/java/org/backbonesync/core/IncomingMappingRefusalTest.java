package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A custom incoming mapping that refuses a value by throwing, as its Javadoc says to: the failure
 * names the mapping and the value, as an unexpected exception's does, and a refusal stays
 * permanent and a transient failure transient (found by a mapping author, whose refusal's text
 * alone did not say which of several mappings refused).
 */
class IncomingMappingRefusalTest {

  private static SyncTestDriver syncing(Function<String, RuntimeException> refusal) {
    return SyncTestDriver.builder()
        .provider(HookedMapping.importing("acme.one-row", (field, value, updates) -> {
          if (!value.asText().equals("High")) { // (a table of one row)
            throw refusal.apply(value.asText());
          }
          updates.set(field, text("P1"));
        }))
        .projectB(p -> p.priorities("P1", "P2"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-priority", "acme.one-row", Direction.A_TO_B,
            "priority", "priority", null))
        .build();
  }

  private static List<String> failures(SyncTestDriver sync) {
    return sync.events().events(Type.FAILED).stream().map(Event::detail).distinct().toList();
  }

  @Test
  void aRefusalNamesTheMappingAndTheValueAndWaitsForAnAdmin() {
    SyncTestDriver sync = syncing(priority ->
        new SyncException("priority \"" + priority + "\" has no row in the table"));

    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("Low")), null));
    var standing = assertThrows(IllegalStateException.class, sync::runUntilQuiet);

    String error = "incoming field mapping map-priority refused value \"Low\": priority \"Low\""
        + " has no row in the table";
    assertEquals("sync quiet but for messages an incoming field mapping failed for good (see"
        + " engine().failedMessages(key); runFor(Duration) runs without this check): PB PA-1 #1: "
        + error, standing.getMessage());
    assertEquals(List.of("permanently: " + error), failures(sync));
    assertEquals(List.of(error), sync.engine().failedMessages("PB").stream()
        .map(e -> e.error()).toList());
  }

  @Test
  void aSkippedRefusedCreateIsMadeOnceByAResyncOfTheIssue() {
    SyncTestDriver sync = syncing(priority ->
        new SyncException("priority \"" + priority + "\" has no row in the table"));
    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("Low")), null));
    assertThrows(IllegalStateException.class, sync::runUntilQuiet);
    sync.engine().skip("PB", sync.engine().failedMessages("PB").get(0).message().messageId());
    sync.a("alice").edit("PA-1", "priority", "High");

    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1)); // (the look for failed gaps a message has answered)
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size(), "made once");
    String made = sync.b().allIssues().get(0).key();
    assertEquals("P1", sync.b().value(made, "priority").asText());
    assertEquals(made, sync.syncInfoA().get(0).remoteIssueKey());
    assertEquals(List.of(), sync.engine().failedMessages("PB"));
  }

  @Test
  void anUnexpectedExceptionIsNamedByItsClass() {
    SyncTestDriver sync = syncing(priority -> new NullPointerException("table is null"));

    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("Low")), null));
    sync.runFor(Duration.ofMinutes(1));

    // (found by helper-81: "failed on value \"Low\": table is null", the class lost)
    assertEquals(List.of("incoming field mapping map-priority failed on value \"Low\":"
        + " java.lang.NullPointerException: table is null"),
        sync.engine().failedMessages("PB").stream().map(e -> e.error()).toList());
  }

  /** helper-99: the listener said only "transiently: the table service is down". */
  @Test
  void aTransientFailureInAMappingIsRetriedNamingTheMappingAndTheValue() {
    SyncTestDriver sync = syncing(priority ->
        new RetriableException("the table service is down", null, Duration.ofMinutes(1)));

    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("Low")), null));
    sync.runFor(Duration.ofSeconds(90));

    assertEquals(List.of("transiently: incoming field mapping map-priority failed for now on value"
        + " \"Low\": the table service is down"), failures(sync));
    assertEquals(List.of(), sync.engine().failedMessages("PB"));
  }
}
