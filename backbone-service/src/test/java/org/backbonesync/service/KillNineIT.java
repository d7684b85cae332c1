package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service is killed with SIGKILL at random points of its work, again and again, while people
 * edit both sites; after the last restart ({@code --once}) every issue exists once on each side
 * and every comment was carried once. {@code -Dbackbone.kill.seed=N} and {@code
 * -Dbackbone.kill.rounds=N} vary it.
 */
class KillNineIT {
  private static final String TOKEN = "kill-nine-token";
  private static final long SEED = Long.getLong("backbone.kill.seed", 23);
  private static final int ROUNDS = Integer.getInteger("backbone.kill.rounds", 5);
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void killedAtRandomPointsTheServiceCreatesEachIssueOnceAndCarriesEachCommentOnce()
      throws Exception {
    Random random = new Random(SEED);
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").user("alice", "Alice Archer", "alice@example.com").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
        .syncUser("sync-b").user("bob", "Bob Baker", "bob@example.com").build();
    List<String> commentsOnA = new ArrayList<>();
    try (FakeJiraServer a = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
            .credential("sync-a", TOKEN).start();
        FakeJiraServer b = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
            .credential("sync-b", TOKEN).originPropertyIndexed(false).start()) {
      Path file = dir.resolve("sync.json");
      Files.writeString(file, """
          {"sites": {
             "a": {"url": "%s", "flavour": "cloud", "auth": "apiToken", "emailEnv": "E",
                   "tokenEnv": "T", "requestsPerSecond": 0, "allowInsecure": true},
             "b": {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
                   "tokenEnv": "T", "requestsPerSecond": 0, "allowInsecure": true}},
           "synchronizations": [{"siteA": "a", "siteB": "b", "sync": {
             "id": "kill-nine",
             "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
             "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
             "fieldMappings": [
               {"id": "summary", "type": "passthrough", "direction": "BOTH",
                "fieldA": "summary", "fieldB": "summary"},
               {"id": "comments", "type": "comments", "direction": "BOTH",
                "fieldA": "comment", "fieldB": "comment"}]}}],
           "pollInterval": "PT0.05S"}
          """.formatted(a.url(), b.url()));
      Map<String, String> env = Map.of("E", "sync-a@example.com", "T", TOKEN);
      for (int i = 1; i <= 3; i++) {
        pa.as("alice").create("Issue " + i);
      }
      for (int round = 1; round <= ROUNDS; round++) {
        try (ServiceProcess p = ServiceProcess.start(dir, "round-" + round, env, "--config",
            file.toString())) {
          int steps = 1 + random.nextInt(8);
          p.await(steps + " steps logged", WITHIN, () -> p.out().split(
              " (queued|sent|applied) ", -1).length > steps);
          p.kill();
        }
        List<TrackedIssue> onA = pa.allIssues();
        String key = onA.get(random.nextInt(onA.size())).key();
        String text = "comment " + round + " on A";
        pa.as("alice").addComment(key, text);
        commentsOnA.add(text);
        pa.as("alice").edit(key, "summary", "Issue " + key + " edited in round " + round);
        if (random.nextBoolean()) {
          pa.as("alice").create("Issue made in round " + round);
        }
      }
      try (ServiceProcess last = ServiceProcess.start(dir, "last", env, "--config",
          file.toString(), "--once")) {
        assertEquals(0, last.exitCode(WITHIN), last.out() + last.err());
      }
      assertEquals(pa.allIssues().size(), pb.allIssues().size(), "each issue created once");
      for (TrackedIssue issue : pa.allIssues()) {
        assertEquals(1, pb.allIssues().stream()
            .filter(i -> i.field("summary").equals(issue.field("summary"))).count(),
            issue.key() + " " + issue.field("summary"));
      }
      for (String text : commentsOnA) {
        assertEquals(1, pb.allIssues().stream().flatMap(i -> pb.comments(i.key()).stream())
            .map(Comment::body).filter(("Alice Archer wrote:\n" + text)::equals).count(), text);
      }
    }
  }
}
