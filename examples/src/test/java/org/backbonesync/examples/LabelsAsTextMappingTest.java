package org.backbonesync.examples;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** The README's custom mapping example: unit level with FieldMappingTester, then a whole sync. */
class LabelsAsTextMappingTest {
  private final FieldMappingTester tester = FieldMappingTester.of(new LabelsAsTextMapping())
      .fields("labels", "customfield_10100")
      .direction(Direction.A_TO_B);

  @Test
  void itRunsWhenTheLabelsChangeAndExportsThem() {
    assertTrue(tester.runsFor(new ChangelogEntry("1", "alice", 0,
        List.of(new FieldChange("labels", "", "hardware")))));
    assertFalse(tester.runsFor(new ChangelogEntry("2", "alice", 0,
        List.of(new FieldChange("summary", "a", "b")))));
    assertEquals(strings("hardware", "urgent"),
        tester.export(tester.issue(Map.of("labels", strings("hardware", "urgent")))));
  }

  @Test
  void itWritesTheLabelsAsTextAndClearsTheTextForNoLabels() {
    assertEquals(Map.of("customfield_10100", text("hardware, urgent")),
        tester.importValue(strings("hardware", "urgent")));
    assertTrue(tester.importValue(strings()).get("customfield_10100").isNull());
  }

  @Test
  void labelsInPaBecomeTextInPb() {
    SyncTestDriver sync = tester.syncTestDriver()
        .projectB(p -> p.customField("customfield_10100")).build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware", "urgent"));

    sync.runUntilQuiet();

    assertEquals("hardware, urgent", sync.b().value("PB-1", "customfield_10100").asText());
  }

  @Test
  void itIsFoundOnTheClasspathWithoutRegistration() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectB(p -> p.customField("customfield_10100"))
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-labels-text", "example.labels-as-text",
            Direction.A_TO_B, "labels", "customfield_10100", null))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware"));

    sync.runUntilQuiet();

    assertEquals("hardware", sync.b().value("PB-1", "customfield_10100").asText());
  }

  @Test
  void aConfigurationPuttingItOnANumberFieldIsRefused() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
        () -> tester.syncTestDriver().projectB(p -> p.numberField("customfield_10100")).build());

    assertEquals("$.fieldMappings[1].fieldB: mapping type example.labels-as-text cannot write"
        + " number field customfield_10100", e.problems().get(0).toString());
  }
}
