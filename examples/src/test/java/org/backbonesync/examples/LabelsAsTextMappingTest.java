package org.backbonesync.examples;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** The README's custom mapping example, tested through a whole two-project sync. */
class LabelsAsTextMappingTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectB(p -> p.customField("customfield_10100"))
      .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
      .fieldMapping(new FieldMapping("map-labels-text", "Labels as text", Direction.A_TO_B,
          LabelsAsTextMapping.outgoing(), LabelsAsTextMapping.incoming("customfield_10100"),
          null, null))
      .build();

  @Test
  void labelsInPaBecomeTextInPb() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware", "urgent"));

    sync.runUntilQuiet();

    assertEquals("hardware, urgent", sync.b().value("PB-1", "customfield_10100").asText());
  }

  @Test
  void removingTheLastLabelClearsTheText() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware"));
    sync.runUntilQuiet();

    sync.a("alice").edit(pa1, "labels", strings());
    sync.runUntilQuiet();

    assertTrue(sync.b().value("PB-1", "customfield_10100").isNull());
  }
}
