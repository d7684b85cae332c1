package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;

/**
 * Moves an issue to a status through workflow transitions, one at a time, reading the issue's
 * status again before each, so that a retry after a failure carries on where it stopped.
 */
final class StatusMover {
  private static final int MAX_STEPS = 20;

  private StatusMover() {}

  /**
   * @param known the issue as already read in this step (its status is current), or null
   */
  static void move(IssueTracker tracker, String issueKey, CollectedUpdates.Move move,
      Supplier<Optional<TrackedIssue>> known) {
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<TrackedIssue> read = step == 0 && known != null ? known.get()
          : tracker.issue(issueKey);
      TrackedIssue issue = read.orElseThrow(() -> new SyncException(
          issueKey + " disappeared while moving it to status " + move.status()));
      String current = issue.field("status").asText();
      if (current.equals(move.status())) {
        return;
      }
      List<Transition> available = tracker.transitions(issueKey);
      Transition next = choose(tracker, issue, current, available, move);
      Map<String, JsonNode> screen = new LinkedHashMap<>();
      for (String required : next.requiredFields()) {
        JsonNode value = move.fields().get(required);
        if (value == null) {
          throw new SyncException("transition \"" + next.name() + "\" of " + issueKey
              + " requires field " + required + ", which the status mapping does not give");
        }
        screen.put(required, value);
      }
      tracker.transition(issueKey, next.id(), screen);
      if (next.toStatus().equals(move.status())) {
        return; // the transition's target is the status wanted: no need to read it back
      }
    }
    throw new SyncException(issueKey + " did not reach status " + move.status() + " after "
        + MAX_STEPS + " transitions");
  }

  private static Transition choose(IssueTracker tracker, TrackedIssue issue, String current,
      List<Transition> available, CollectedUpdates.Move move) {
    if (!move.via().isEmpty()) {
      for (String name : move.via()) {
        for (Transition t : available) {
          if (t.name().equals(name)) {
            return t;
          }
        }
      }
      throw new SyncException("none of the transitions " + move.via() + " is available on "
          + issue.key() + " in status " + current + " (available: "
          + available.stream().map(Transition::name).toList() + ")");
    }
    for (Transition t : available) {
      if (t.toStatus().equals(move.status())) {
        return t;
      }
    }
    Optional<Map<String, List<Transition>>> workflow = tracker.workflow(issue.issueType());
    if (workflow.isPresent()) {
      String firstStep = firstStepOfShortestPath(workflow.get(), current, move.status());
      if (firstStep != null) {
        for (Transition t : available) {
          if (t.id().equals(firstStep)) {
            return t;
          }
        }
      }
    }
    throw new SyncException("no way from status " + current + " to " + move.status() + " on "
        + issue.key() + " (available: " + available.stream().map(Transition::name).toList()
        + (workflow.isPresent() ? "" : "; the tracker does not show its workflow")
        + "); give the status mapping a \"via\" list of transitions");
  }

  /** Breadth-first search; returns the id of the first transition, or null when unreachable. */
  private static String firstStepOfShortestPath(
      Map<String, List<Transition>> workflow, String from, String to) {
    Map<String, String> firstStep = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(from);
    firstStep.put(from, null);
    while (!queue.isEmpty()) {
      String status = queue.poll();
      for (Transition t : workflow.getOrDefault(status, List.of())) {
        if (firstStep.containsKey(t.toStatus())) {
          continue;
        }
        String step = status.equals(from) ? t.id() : firstStep.get(status);
        if (t.toStatus().equals(to)) {
          return step;
        }
        firstStep.put(t.toStatus(), step);
        queue.add(t.toStatus());
      }
    }
    return null;
  }
}
