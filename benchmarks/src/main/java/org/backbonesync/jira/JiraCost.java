package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Prints the HTTP requests a synced change costs, counted by the fake Jira servers of both
 * sides (A on Jira Cloud, B on Jira Server): for a new issue with five fields, a one-field edit,
 * a comment and a status change, each carried by exactly the steps that move it (poll A, deliver,
 * apply on B, and B's answer applied on A); and the searches of a poll that finds 100 changed
 * issues. Targets: one write per plain-field message, one search per page of changes. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar org.backbonesync.jira.JiraCost}.
 */
public final class JiraCost {
  private JiraCost() {}

  public static void main(String[] args) throws Exception {
    ManualClock clock = ManualClock.startingAt2026();
    List<FakeJiraServer> servers = new ArrayList<>();
    SyncTestDriver sync = SyncTestDriver.builder()
        .clock(clock)
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.DESCRIPTION, "description",
            Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority",
            Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.ASSIGNEE, "assignee",
            Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .fieldMapping(FieldMapping.of("map-status", "status", Direction.BOTH, "status", "status",
            new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"rows\": ["
                + "{\"a\": \"To Do\", \"b\": \"To Do\"},"
                + " {\"a\": \"In Progress\", \"b\": \"In Progress\"},"
                + " {\"a\": \"In Review\", \"b\": \"In Review\"}, {\"a\": \"Done\", \"b\": \"Done\"}],"
                + " \"resolution\": {\"a\": \"Done\", \"b\": \"Done\"}}")))
        .trackers((key, project) -> {
          boolean cloud = servers.isEmpty();
          FakeJiraServer server = FakeJiraServer.builder(project)
              .flavour(cloud ? FakeJiraServer.Flavour.CLOUD : FakeJiraServer.Flavour.SERVER)
              .credential(project.user(), "secret").start();
          servers.add(server);
          return JiraSite.builder(server.url())
              .flavour(cloud ? JiraFlavour.CLOUD : JiraFlavour.SERVER)
              .credentials(cloud ? JiraCredentials.apiToken(project.user() + "@example.com",
                  "secret") : JiraCredentials.personalAccessToken("secret"))
              .requestsPerSecond(0).endpointRequestsPerSecond(0, 1)
              .issueWritesPerSecond(0, 1) // counts requests: nothing paced
              .clock(clock).build().project(project.projectKey());
        })
        .build();
    FakeJiraServer a = servers.get(0);
    FakeJiraServer b = servers.get(1);
    try {
      sync.a("alice").create("Warm-up"); // the sessions read /myself and /field once
      sync.runUntilQuiet();
      System.out.println("| Synced change (A: Jira Cloud, B: Jira Server) | Requests to A |"
          + " Requests to B | Writes to B | Target |");
      System.out.println("|---|---|---|---|---|");

      String pa2 = sync.a("alice").create("Printer on fire");
      sync.a("alice").edit(pa2, "description", "It smokes.\n\nA lot.");
      sync.a("alice").edit(pa2, "priority", text("High"));
      sync.a("alice").edit(pa2, "labels", strings("hardware"));
      sync.a("alice").edit(pa2, "assignee", text("bob"));
      row("a new issue with five fields", sync, a, b, "");

      sync.a("alice").edit(pa2, "summary", "Printer on fire, second floor");
      row("a one-field edit", sync, a, b, "one write");

      sync.a("alice").addComment(pa2, "Have you tried turning it off?");
      row("a comment", sync, a, b, "");

      InMemoryIssueTracker alice = sync.a("alice");
      Transition start = alice.transitions(pa2).stream()
          .filter(t -> t.toStatus().equals("In Progress")).findFirst().orElseThrow();
      alice.transition(pa2, start.id(), Map.of());
      row("a status change (one transition)", sync, a, b, "");

      sync.a("alice").edit(pa2, "summary", "Printer on fire, third floor");
      row("a one-field edit, found by a webhook's hint (no poll)", pa2, sync, a, b,
          "no more than by a poll");
      sync.a("alice").addComment(pa2, "It works again.");
      row("a comment, found by a webhook's hint (no poll)", pa2, sync, a, b, "");

      for (int i = 0; i < 100; i++) {
        sync.a("alice").create("Issue " + i);
      }
      sync.runUntilQuiet();
      clock.advance(Duration.ofMinutes(5));
      for (var issue : sync.a().allIssues()) {
        sync.a("alice").edit(issue.key(), "labels", strings("edited"));
      }
      a.clearRequests();
      var poll = sync.poll(sync.keyA());
      System.out.printf("%nA poll finding %d changed issues (page size 100): %d search"
          + " request(s), %d requests in all (target: one search per page of changes)%n",
          poll.issuesFound(), a.count("GET", "/search"), a.requests().size());
    } finally {
      servers.forEach(FakeJiraServer::close);
    }
  }

  /** Carries the pending change with exactly the steps that move it, counting requests. */
  private static void row(String what, SyncTestDriver sync, FakeJiraServer a, FakeJiraServer b,
      String target) {
    row(what, null, sync, a, b, target);
  }

  /**
   * As {@link #row(String, SyncTestDriver, FakeJiraServer, FakeJiraServer, String)}; with a
   * {@code hinted} issue, A finds the change by a change hint (a webhook) instead of a poll.
   */
  private static void row(String what, String hinted, SyncTestDriver sync, FakeJiraServer a,
      FakeJiraServer b, String target) {
    sync.advance(Duration.ofSeconds(10));
    a.clearRequests();
    b.clearRequests();
    if (hinted == null) {
      sync.poll(sync.keyA());
    } else {
      sync.engine().changeHints(sync.keyA()).issuesChanged(List.of(hinted));
      sync.engine().detect(sync.keyA());
    }
    sync.deliver(sync.keyA());
    sync.apply(sync.keyB());
    sync.deliver(sync.keyB());
    sync.apply(sync.keyA());
    long writes = b.requests().stream().filter(r -> !r.method().equals("GET")).count();
    if (Boolean.getBoolean("jiraCost.verbose")) {
      System.out.println("A: " + a.requests() + "\nB: " + b.requests());
    }
    System.out.printf("| %s | %d | %d | %d | %s |%n", what, a.requests().size(),
        b.requests().size(), writes, target);
    sync.runUntilQuiet(); // the echo polls and anything left, not counted
  }
}
