package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes share one PostgreSQL: this JVM's engine and a child JVM's, which is killed with
 * SIGKILL at random points again and again while people edit both Jira sites and this node keeps
 * working. After the last restart every issue exists once on each side and every comment once:
 * nothing a killed node held was lost or applied twice by the other. Runs where {@code
 * BACKBONE_PG_URL} names a database (CI starts one); {@code -Dbackbone.kill.seed=N} and {@code
 * -Dbackbone.kill.rounds=N} vary it.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class TwoNodeKillNineTest {
  private static final String TOKEN = "kill-nine-token";
  private static final long SEED = Long.getLong("backbone.kill.seed", 11);
  private static final int ROUNDS = Integer.getInteger("backbone.kill.rounds", 10);

  @TempDir Path dir;

  /** A fresh schema of the test database, for both nodes. */
  private static String freshSchema() throws Exception {
    String url = System.getenv("BACKBONE_PG_URL");
    String schema = "two_nodes_" + ProcessHandle.current().pid();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    return url + "&currentSchema=" + schema;
  }

  private Process child(String url, FakeJiraServer a, FakeJiraServer b, String mode)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), url, a.url().toString(), b.url().toString(), TOKEN, mode))
        .redirectError(dir.resolve("child-" + mode + ".err").toFile())
        .start();
  }

  @Test
  void aNodeKilledAtRandomPointsLosesNothingAndTheOtherAppliesNothingTwice() throws Exception {
    Random random = new Random(SEED);
    String url = freshSchema();
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").user("alice", "Alice Archer", "alice@example.com").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
        .syncUser("sync-b").user("bob", "Bob Baker", "bob@example.com").build();
    List<String> commentsOnA = new ArrayList<>();
    List<String> commentsOnB = new ArrayList<>();
    try (FakeJiraServer a = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
            .credential("sync-a", TOKEN).start();
        FakeJiraServer b = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
            .credential("sync-b", TOKEN).originPropertyIndexed(false).start();
        JdbcStores stores = JdbcStores.atUrl(url, null, null)) {
      SyncEngine here = CrashChild.engine(stores, a.url().toString(), b.url().toString(), TOKEN,
          "parent", new SyncListener() { });
      for (int i = 1; i <= 4; i++) {
        pa.as("alice").create("Issue " + i);
      }
      int kills = 0;
      for (int round = 1; round <= ROUNDS; round++) {
        Process p = child(url, a, b, "loop");
        int lines = 1 + random.nextInt(60);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (int i = 0; i < lines && out.readLine() != null; i++) {
            if (i % 5 == 0) {
              here.runOnce(); // this node works beside the child
            }
          }
          p.destroyForcibly(); // SIGKILL
          assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not die");
          kills++;
        }
        here.runOnce();
        // people keep working on both sides meanwhile
        List<TrackedIssue> onA = pa.allIssues();
        String key = onA.get(random.nextInt(onA.size())).key();
        String text = "comment " + round + " on A";
        pa.as("alice").addComment(key, text);
        commentsOnA.add(text);
        pa.as("alice").edit(key, "summary", "Issue " + key + " edited in round " + round);
        if (random.nextInt(3) == 0) {
          pa.as("alice").create("Issue made in round " + round);
        }
        List<TrackedIssue> onB = pb.allIssues();
        if (!onB.isEmpty() && random.nextBoolean()) {
          String there = onB.get(random.nextInt(onB.size())).key();
          String reply = "reply " + round + " on B";
          pb.as("bob").addComment(there, reply);
          commentsOnB.add(reply);
        }
      }
      here.close();

      Process last = child(url, a, b, "quiet");
      String output = new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(last.waitFor(2, TimeUnit.MINUTES), "the last run did not finish");
      assertEquals(0, last.exitValue(), output + Files.readString(dir.resolve("child-quiet.err")));

      assertEquals(ROUNDS, kills);
      assertEquals(pa.allIssues().size(), pb.allIssues().size(), "each issue created once");
      for (TrackedIssue issue : pa.allIssues()) {
        List<TrackedIssue> partners = pb.allIssues().stream()
            .filter(i -> i.field("summary").equals(issue.field("summary"))).toList();
        assertEquals(1, partners.size(), issue.key() + " " + issue.field("summary"));
      }
      for (String text : commentsOnA) {
        assertEquals(1, count(pb, "Alice Archer wrote:\n" + text), text + " on B");
      }
      for (String text : commentsOnB) {
        assertEquals(1, count(pa, "Bob Baker wrote:\n" + text), text + " on A");
      }
    }
  }

  private static long count(InMemoryIssueTracker tracker, String body) {
    return tracker.allIssues().stream().flatMap(i -> tracker.comments(i.key()).stream())
        .map(Comment::body).filter(body::equals).count();
  }
}
