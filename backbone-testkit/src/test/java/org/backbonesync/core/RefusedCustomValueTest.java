package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.IntNode;
import java.util.List;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A custom mapping that writes a value the tracker refuses (a number into a text field): the
 * message fails for good, and in production the field never syncs. helper-99's test of such a
 * mapping went green: {@code runUntilQuiet()} counted only the mapping's own failures. It now
 * fails naming the mapping, the field, the value and the tracker's text, while a built-in
 * mapping's refused value (a priority the partner lacks, {@link FailureIsolationTest}) stays a
 * test's business.
 */
class RefusedCustomValueTest {

  /** Writes the summary's length, a JSON number, into B's text field customfield_10020. */
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .provider(HookedMapping.importing("acme.length", (field, value, updates) ->
          updates.set(field, IntNode.valueOf(value.asText().length()))))
      .projectB(p -> p.customField("customfield_10020"))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.length",
          Direction.A_TO_B, "summary", "customfield_10020", null))
      .build();

  private static final String TRACKER_SAYS = "Not a valid string for field customfield_10020";

  @Test
  void runUntilQuietNamesTheMappingTheFieldTheValueAndTheRefusal() {
    sync.a("alice").create("Printer on fire");

    var standing = assertThrows(IllegalStateException.class, sync::runUntilQuiet);

    assertEquals("sync quiet but for messages that failed for good because the tracker refused a"
        + " value a custom field mapping wrote (see engine().failedMessages(key);"
        + " runUntilQuietExpectingFailures() returns them instead, runFor(Duration) runs without"
        + " this check): PB PA-1 #1: customfield_10020 (string) from incoming field mapping"
        + " map-under-test (type acme.length), given \"Printer on fire\", refused: "
        + TRACKER_SAYS, standing.getMessage());
  }

  @Test
  void theListenerHearsWhichMappingWroteTheRefusedField() {
    sync.a("alice").create("Printer on fire");

    sync.runUntilQuietExpectingFailures();

    List<Event> refused = sync.events().events(Type.FIELD_REFUSED);
    assertEquals(List.of("customfield_10020 from map-under-test: " + TRACKER_SAYS),
        refused.stream().map(Event::detail).toList());
    assertEquals("PA-1", refused.get(0).message().sourceIssueKey());
  }

  @Test
  void aTestThatExpectsTheRefusalGetsTheFailedMessages() {
    sync.a("alice").create("Printer on fire");

    List<InboxEntry> failed = sync.runUntilQuietExpectingFailures();

    assertEquals(1, failed.size());
    assertEquals("PB", failed.get(0).message().toConnector());
    assertEquals("update of PB-1 refused {customfield_10020=" + TRACKER_SAYS + "};"
        + " customfield_10020 from incoming field mapping map-under-test, value \"Printer on"
        + " fire\"", failed.get(0).error());
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(), "none failed in this run");
    sync.runUntilQuiet(); // (nothing failed in this run either)
  }

  @Test
  void aValueTheTrackerTakesPasses() {
    SyncTestDriver numbers = SyncTestDriver.builder()
        .provider(HookedMapping.importing("acme.length", (field, value, updates) ->
            updates.set(field, IntNode.valueOf(value.asText().length()))))
        .projectB(p -> p.numberField("customfield_10020"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.length",
            Direction.A_TO_B, "summary", "customfield_10020", null))
        .build();
    numbers.a("alice").create("Printer on fire");

    numbers.runUntilQuiet();

    assertEquals(15, numbers.b().value("PB-1", "customfield_10020").asInt());
    assertEquals(text("Printer on fire"), numbers.b().value("PB-1", "summary"));
  }
}
