package org.backbonesync.testkit;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      tracker.transition(key, t.id(), Map.of());
    }

    assertEquals("Done", inMemory().value(key, "status").asText());
    assertEquals(3, inMemory().changelog(key).size());
  }

  @Test
  void everyCallIsRecordedWithItsUser() {
    String key = inMemory().as("bob").create("x");
    tracker.updateIssue(key, Map.of("summary", text("y")));

    assertEquals(List.of(
        new TrackerCall("createIssue", null, "bob"),
        new TrackerCall("updateIssue", key, "sync-a")), inMemory().calls());
  }
}
