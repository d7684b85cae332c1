package org.backbonesync.testkit;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.kit.IssueTrackerCompatibilityKit;
import org.junit.jupiter.api.Test;

/** The in-memory tracker passes the tracker kit and refuses what Jira refuses. */
class InMemoryIssueTrackerTest extends IssueTrackerCompatibilityKit {
  private final ManualClock clock = ManualClock.startingAt2026();

  @Override
  protected IssueTracker newTracker() {
    return InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").users("bob").build();
  }

  @Override
  protected String actingUser() {
    return "sync-a";
  }

  @Override
  protected void letTimePass() {
    clock.advance(Duration.ofSeconds(1));
  }

  private InMemoryIssueTracker inMemory() {
    return (InMemoryIssueTracker) tracker;
  }

  /** As Jira's answers, the values read are the caller's own: changing one changes no issue. */
  @Test
  void aValueReadOrWrittenSharesNoMemoryWithTheIssue() {
    String key = inMemory().create("x");
    ArrayNode written = (ArrayNode) strings("a", "b");
    inMemory().edit(key, "labels", written);

    written.add("after the update");
    ((ArrayNode) inMemory().value(key, "labels")).add("read by value");
    ((ArrayNode) tracker.issue(key).orElseThrow().field("labels")).add("read by issue");
    ((ArrayNode) tracker.findUpdatedSince(0, null, 10, null).issues().get(0).issue()
        .field("labels")).add("read by a search");

    assertEquals(strings("a", "b"), inMemory().value(key, "labels"));
    assertEquals(List.of("a b"), inMemory().changelog(key).stream()
        .flatMap(e -> e.items().stream()).filter(i -> i.field().equals("labels"))
        .map(i -> i.to()).toList());
  }

  /**
   * The tracker judges a host-declared field as {@code FieldMappingTester.importValue} does: it
   * refused numbers in a field of numbers and anything but a string in a field of a type it does
   * not know, which the tester let pass.
   */
  @Test
  void aHostDeclaredFieldTakesWhatItsSchemaSaysAsTheTesterJudgesIt() {
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA")
        .customField(new FieldSchema("customfield_1", "Scores", "array", "number", "multinumber", null))
        .customField(new FieldSchema("customfield_2", "Sprint", "any", null, "gh-sprint", null))
        .build();
    String key = pa.create("x");
    com.fasterxml.jackson.databind.node.JsonNodeFactory json =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

    pa.updateIssue(key, Map.of("customfield_1", json.arrayNode().add(1).add(2.5),
        "customfield_2", json.objectNode().put("id", 7)));
    var refused = assertThrows(TrackerException.class,
        () -> pa.updateIssue(key, Map.of("customfield_1", strings("one"))));

    assertEquals("[1,2.5]", pa.value(key, "customfield_1").toString());
    assertEquals("{\"id\":7}", pa.value(key, "customfield_2").toString());
    assertEquals(Map.of("customfield_1", "Not a valid array<number> for field Scores"),
        refused.fieldErrors());
  }

  @Test
  void aFieldNotOnTheCreateScreenIsRefusedOnCreateLikeJira() {
    var e = assertThrows(TrackerException.class, () -> tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("x"), "labels", strings("a")), null)));

    assertEquals(Map.of("labels",
        "Field 'labels' cannot be set. It is not on the appropriate screen, or unknown."),
        e.fieldErrors());
    assertEquals(List.of(), inMemory().allIssues());
  }

  @Test
  void aLaggingIndexFindsAnIssueByTheUpdateItShowsAndAnswersWithTheIssueAsItIsNow() {
    long t0 = clock.millis();
    inMemory().indexLag((key, updated) -> 10_000);
    String key = inMemory().create("x");

    clock.advance(Duration.ofSeconds(9)); // the creation is not indexed yet
    assertEquals(List.of(), keys(tracker.findUpdatedSince(t0, null, 50, null).issues()));
    assertEquals(List.of(), tracker.findChanged(List.of(key), t0, null));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(key), keys(tracker.findUpdatedSince(t0, null, 50, null).issues()));

    inMemory().as("bob").edit(key, "summary", "y"); // at t0 + 10 s, shown at t0 + 20 s
    long t1 = clock.millis();
    clock.advance(Duration.ofSeconds(5));
    // found by its creation, indexed, and answered as it is now
    var found = tracker.findUpdatedSince(t0, null, 50, null).issues();
    assertEquals(t1, found.get(0).issue().updated());
    assertEquals("y", found.get(0).issue().field("summary").asText());
    // a search from after its creation finds it not until the edit is indexed
    assertEquals(List.of(), keys(tracker.findUpdatedSince(t0 + 1, null, 50, null).issues()));
    assertEquals(List.of(), tracker.findChanged(List.of(key), t0 + 1, null));
    assertEquals("y", tracker.issue(key).orElseThrow().field("summary").asText());
    clock.advance(Duration.ofSeconds(5));
    assertEquals(List.of(key), keys(tracker.findUpdatedSince(t0 + 1, null, 50, null).issues()));
    assertEquals(1, tracker.findChanged(List.of(key), t0 + 1, null).size());

    inMemory().indexLag(null);
    inMemory().as("bob").edit(key, "summary", "z");
    assertEquals(List.of(key),
        keys(tracker.findUpdatedSince(clock.millis(), null, 50, null).issues()));
  }

  private static List<String> keys(List<org.backbonesync.spi.tracker.IssueChanges> found) {
    return found.stream().map(c -> c.issue().key()).toList();
  }

  @Test
  void invalidValuesAreRefusedWithTheFieldNamed() {
    String key = inMemory().create("x");

    var e = assertThrows(TrackerException.class, () -> tracker.updateIssue(key, Map.of(
        "priority", text("Blocker"), "labels", strings("two words"), "assignee", text("nobody"))));

    assertEquals(Set.of("priority", "labels", "assignee"), e.fieldErrors().keySet());
  }

  @Test
  void reachingDoneTakesSeveralTransitions() {
    String key = inMemory().create("x");

    for (String target : List.of("In Progress", "In Review", "Done")) {
      var t = tracker.transitions(key).stream()
          .filter(x -> x.toStatus().equals(target)).findFirst().orElseThrow();
      tracker.transition(key, t.id(),
          t.requiredFields().isEmpty() ? Map.of() : Map.of("resolution", text("Won't Do")));
    }

    assertEquals("Done", inMemory().value(key, "status").asText());
    assertEquals("Won't Do", inMemory().value(key, "resolution").asText());
    assertEquals(3, inMemory().changelog(key).size());
  }

  @Test
  void itUnderstandsASmallPartOfJqlAndRefusesTheRest() {
    String key = inMemory().create("x");
    tracker.updateIssue(key, Map.of("labels", strings("sync", "hw")));

    assertTrue(tracker.matches(key, "labels = sync AND status = \"To Do\" AND project = PA"));
    assertTrue(tracker.matches(key, "labels in (a, hw) and assignee is EMPTY"));
    assertTrue(tracker.matches(key, "priority not in (High, Low) AND labels is not EMPTY"));
    assertFalse(tracker.matches(key, "labels = other"));
    var quote = assertThrows(TrackerException.class, () -> tracker.matches(key, "labels = \"x"));
    assertEquals("InMemoryIssueTracker does not understand an unbalanced quote in JQL"
        + " \"labels = \"x\"", quote.getMessage());
    assertThrows(TrackerException.class, () -> tracker.matches(key, "labels = x OR labels = y"));
    assertThrows(TrackerException.class, () -> tracker.matches(key, "x = 1) OR (project = B"));
  }

  @Test
  void aChangeSearchHonoursItsJql() {
    String first = inMemory().create("first");
    inMemory().create("second");
    tracker.updateIssue(first, Map.of("labels", strings("sync")));

    assertEquals(List.of(first), tracker.findUpdatedSince(0, "labels = sync", 10, null).issues()
        .stream().map(c -> c.issue().key()).toList());
  }

  @Test
  void aTransitionWhoseScreenRequiresAResolutionIsRefusedWithoutOne() {
    String key = inMemory().create("x");
    for (String target : List.of("In Progress", "In Review")) {
      tracker.transition(key, tracker.transitions(key).stream()
          .filter(x -> x.toStatus().equals(target)).findFirst().orElseThrow().id(), Map.of());
    }

    var e = assertThrows(TrackerException.class, () -> tracker.transition(key, "41", Map.of()));

    assertEquals(Map.of("resolution", "Field resolution is required."), e.fieldErrors());
    assertEquals("In Review", inMemory().value(key, "status").asText());
  }

  @Test
  void everyCallIsRecordedWithItsUser() {
    String key = inMemory().as("bob").create("x");
    tracker.updateIssue(key, Map.of("summary", text("y")));

    assertEquals(List.of(
        new TrackerCall("createIssue", null, "bob"),
        new TrackerCall("updateIssue", key, "sync-a")), inMemory().calls());
  }

  @Test
  void aChangelogLimitKeepsTheNewestEntriesOfEachIssue() {
    InMemoryIssueTracker pruned = InMemoryIssueTracker.builder("PA").clock(clock)
        .changelogLimit(2).build();
    String key = pruned.create("x");
    for (String summary : List.of("a", "b", "c")) {
      clock.advance(Duration.ofSeconds(1));
      pruned.edit(key, "summary", summary);
    }

    assertEquals(List.of("b", "c"), pruned.changelog(key).stream()
        .map(e -> e.items().get(0).to()).toList());
    assertEquals(2, pruned.changelog(key, 0).size());
    var e = assertThrows(IllegalArgumentException.class,
        () -> InMemoryIssueTracker.builder("PA").changelogLimit(0));
    assertEquals("changelogLimit must be at least 1, was 0", e.getMessage());
  }
}
