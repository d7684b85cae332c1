package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** A status change reaches the partner through its own workflow's transitions. */
class StatusMappingTest {
  private static final String SAME_STATUSES = """
      "rows": [{"a": "To Do", "b": "To Do"}, {"a": "In Progress", "b": "In Progress"},
               {"a": "In Review", "b": "In Review"}, {"a": "Done", "b": "Done"}]""";

  private static SyncTestDriver driver(String settings,
      java.util.function.Consumer<InMemoryIssueTracker.Builder> projectB) throws Exception {
    return SyncTestDriver.builder()
        .projectB(projectB)
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-status", "status", Direction.BOTH, "status", "status",
            new ObjectMapper().readTree("{" + settings + "}")))
        .build();
  }

  private static void moveTo(InMemoryIssueTracker tracker, String key, String... targets) {
    for (String target : targets) {
      Transition t = tracker.transitions(key).stream()
          .filter(x -> x.toStatus().equals(target)).findFirst().orElseThrow();
      tracker.transition(key, t.id(),
          t.requiredFields().contains("resolution") ? Map.of("resolution", text("Done")) : Map.of());
    }
  }

  private static List<String> statusTrail(InMemoryIssueTracker tracker, String key) {
    List<String> trail = new ArrayList<>();
    tracker.changelog(key).forEach(e -> e.items().stream()
        .filter(i -> i.field().equals("status")).map(FieldChange::to).forEach(trail::add));
    return trail;
  }

  @Test
  void theShortestPathIsTakenAndTheResolutionSetWhereTheTransitionNeedsIt() throws Exception {
    SyncTestDriver sync = driver(SAME_STATUSES + ", \"resolution\": {\"a\": \"Done\", \"b\": \"Fixed\"}",
        p -> { });
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    moveTo(sync.a("alice"), pa1, "In Progress", "In Review", "Done");
    sync.runUntilQuiet();

    assertEquals("Done", sync.b().value("PB-1", "status").asText());
    assertEquals("Fixed", sync.b().value("PB-1", "resolution").asText());
    assertEquals(List.of("In Progress", "In Review", "Done"), statusTrail(sync.b(), "PB-1"));

    moveTo(sync.b("bob"), "PB-1", "To Do");
    sync.runUntilQuiet();
    assertEquals("To Do", sync.a().value(pa1, "status").asText());
    assertTrue(sync.a().value(pa1, "resolution").isNull(), "reopened");
  }

  @Test
  void anExplicitTransitionListIsFollowedEvenWhenAShorterWayExists() throws Exception {
    Map<String, List<Transition>> withShortcut = new LinkedHashMap<>();
    withShortcut.put("To Do", List.of(new Transition("11", "Start Progress", "In Progress"),
        new Transition("99", "Fast Track", "Done", Set.of("resolution"))));
    withShortcut.put("In Progress", List.of(new Transition("21", "Send to Review", "In Review")));
    withShortcut.put("In Review", List.of(new Transition("41", "Done", "Done", Set.of("resolution"))));
    withShortcut.put("Done", List.of(new Transition("61", "Reopen", "To Do")));
    SyncTestDriver shortest = driver(SAME_STATUSES
        + ", \"resolution\": {\"a\": \"Done\", \"b\": \"Done\"}", p -> p.workflow(withShortcut));
    SyncTestDriver explicit = driver(SAME_STATUSES
        + ", \"resolution\": {\"a\": \"Done\", \"b\": \"Done\"},"
        + " \"via\": {\"b\": [\"Start Progress\", \"Send to Review\", \"Done\"]}",
        p -> p.workflow(withShortcut));
    for (SyncTestDriver sync : List.of(shortest, explicit)) {
      String pa1 = sync.a("alice").create("Printer on fire");
      sync.runUntilQuiet();
      moveTo(sync.a("alice"), pa1, "In Progress", "In Review", "Done");
      sync.runUntilQuiet();
    }

    assertEquals(List.of("Done"), statusTrail(shortest.b(), "PB-1"), "the Fast Track");
    assertEquals(List.of("In Progress", "In Review", "Done"), statusTrail(explicit.b(), "PB-1"));
  }

  @Test
  void aTransitionNeedingAResolutionWithoutOneConfiguredFailsNamingTheField() throws Exception {
    SyncTestDriver sync = driver(SAME_STATUSES, p -> { });
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    moveTo(sync.a("alice"), pa1, "In Progress", "In Review", "Done");
    sync.runUntilQuiet();

    assertEquals(List.of("transition \"Done\" of PB-1 requires field resolution, which the status"
            + " mapping does not give"),
        sync.engine().failedMessages("PB").stream().map(e -> e.error()).toList());
    assertEquals("In Review", sync.b().value("PB-1", "status").asText(),
        "got as far as it could; a retry carries on from there");
  }

  @Test
  void statusValuesAreCheckedAgainstTheWorkflow() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
        () -> driver("\"rows\": [{\"a\": \"Done\", \"b\": \"Closed\"}]", p -> { }));
    assertEquals("$.fieldMappings[1].settings.rows[0].b: \"Closed\" is not a value of status; it"
        + " has [To Do, In Progress, In Review, Done]", e.problems().get(0).toString());
  }
}
