package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerUser;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** Whatever a tracker returns, an issue outside the connector's project is never sent. */
class OutOfProjectTest {

  /** PA's tracker, but its searches also return an issue of project OTHER (a tracker bug). */
  private static final class LeakyTracker implements IssueTracker {
    private final InMemoryIssueTracker pa;
    private final TrackedIssue foreign;

    LeakyTracker(InMemoryIssueTracker pa, TrackedIssue foreign) {
      this.pa = pa;
      this.foreign = foreign;
    }

    @Override
    public ChangePage findUpdatedSince(long since, String jql, int max, String token) {
      ChangePage page = pa.findUpdatedSince(since, jql, max, token);
      List<IssueChanges> issues = new ArrayList<>(page.issues());
      issues.add(new IssueChanges(foreign, List.of()));
      return new ChangePage(issues, page.nextPageToken());
    }

    @Override public String projectKey() { return pa.projectKey(); }
    @Override public List<String> issueTypes() { return pa.issueTypes(); }
    @Override public List<FieldSchema> fields() { return pa.fields(); }
    @Override public boolean matches(String key, String jql) { return pa.matches(key, jql); }
    @Override public Optional<TrackedIssue> issue(String key) { return pa.issue(key); }
    @Override public Optional<TrackerUser> user(String id) { return pa.user(id); }
    @Override public List<TrackerUser> findUsers(String query) { return pa.findUsers(query); }
    @Override public CreateMetadata createMetadata(String type) { return pa.createMetadata(type); }
    @Override public String createIssue(IssueCreate create) { return pa.createIssue(create); }
    @Override public void updateIssue(String key, Map<String, JsonNode> f) { pa.updateIssue(key, f); }
    @Override public Optional<String> findByOriginMarker(String m) { return pa.findByOriginMarker(m); }
    @Override public List<Transition> transitions(String key) { return pa.transitions(key); }
    @Override public void transition(String key, String id, Map<String, JsonNode> f) {
      pa.transition(key, id, f);
    }
    @Override public List<Comment> comments(String key) { return pa.comments(key); }
    @Override public String addComment(String key, String body) { return pa.addComment(key, body); }
    @Override public void editComment(String key, String id, String body) {
      pa.editComment(key, id, body);
    }
    @Override public void deleteComment(String key, String id) { pa.deleteComment(key, id); }
  }

  @Test
  void neitherAPollNorAResyncSendsAnIssueOfAnotherProject() {
    ManualClock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();
    TrackedIssue foreign = new TrackedIssue("OTHER-1", "Task", "eve", clock.millis(),
        clock.millis(), null, Map.of("summary", InMemoryIssueTracker.text("secret")));
    SyncEngine engine = SyncEngine.builder()
        .configuration(SyncConfiguration.builder("s")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
            .build())
        .tracker("PA", new LeakyTracker(pa, foreign))
        .tracker("PB", pb)
        .stores(new InMemoryStores())
        .clock(clock)
        .build();
    pa.as("alice").create("Printer on fire");

    engine.runOnce();
    engine.runOnce();
    AsyncTask task = engine.resync("PA", ResyncRequest.all(), "admin");
    engine.runOnce();

    assertEquals(List.of("Printer on fire"),
        pb.allIssues().stream().map(i -> i.field("summary").asText()).toList());
    assertTrue(engine.syncInformation("PA").stream()
        .noneMatch(r -> r.localIssueKey().startsWith("OTHER")));
    AsyncTask done = engine.task(task.id()).orElseThrow();
    assertEquals(1, done.result().path("outsideProject").asInt());
  }
}
