package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** A connector's JQL limits what it sends; its incoming JQL limits what it lets be changed. */
class ScopeTest {
  private static final FieldMapping SUMMARY =
      FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH);
  private static final FieldMapping LABELS =
      FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH);

  @Test
  void onlyIssuesMatchingTheConnectorsJqlAreSynced() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorA(c -> c.withJql("labels = sync"))
        .fieldMapping(SUMMARY).fieldMapping(LABELS)
        .build();
    String in = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(in, "labels", strings("sync"));
    sync.a("alice").create("Private note");

    sync.runUntilQuiet();

    assertEquals(List.of("Printer on fire"),
        sync.b().allIssues().stream().map(i -> i.field("summary").asText()).toList());
  }

  @Test
  void anIssueNotMatchingTheIncomingJqlIsNotChangedAndTheMessageIsConsumed() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .connectorB(c -> c.withIncomingJql("status != Done"))
        .fieldMapping(SUMMARY)
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    for (String target : List.of("In Progress", "In Review", "Done")) {
      Transition t = sync.b("bob").transitions("PB-1").stream()
          .filter(x -> x.toStatus().equals(target)).findFirst().orElseThrow();
      sync.b("bob").transition("PB-1", t.id(), t.requiredFields().isEmpty() ? java.util.Map.of()
          : java.util.Map.of("resolution", org.backbonesync.testkit.InMemoryIssueTracker.text("Done")));
    }

    sync.a("alice").edit(pa1, "summary", "Printer on fire again");
    sync.runUntilQuiet();

    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(1, sync.events().count(Type.IGNORED, "PB"));
    assertEquals("PB-1 does not match the incoming JQL \"status != Done\"",
        sync.events().events(Type.IGNORED).get(0).detail());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
    assertEquals(2, sync.syncInfoB().get(0).incomingMessageSequenceId());
  }
}
