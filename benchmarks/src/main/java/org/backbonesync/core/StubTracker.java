package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerUser;
import org.backbonesync.spi.tracker.Transition;

/**
 * A tracker that costs nothing, so a benchmark measures the engine: each search returns the
 * configured changed issues with a fresh change of five fields; writes are counted and dropped.
 * Not thread-safe: one per benchmark thread.
 */
final class StubTracker implements IssueTracker {
  static final List<String> FIELDS =
      List.of("summary", "description", "priority", "labels", "assignee");

  private final String project;
  private final int changedPerPoll;
  private long tick;
  private int nextIssue;
  long writes;
  /** Change searches made (pages included). */
  long searches;

  /** With a count: a project of that many issues, searched page by page (for a resync). */
  private final int projectSize;

  StubTracker(String project, int changedPerPoll) {
    this(project, changedPerPoll, 0);
  }

  private StubTracker(String project, int changedPerPoll, int projectSize) {
    this.project = project;
    this.changedPerPoll = changedPerPoll;
    this.projectSize = projectSize;
  }

  /**
   * A project of {@code size} issues made up as they are read: each search pages through them
   * by the token (nothing is kept), and the count is exact.
   */
  static StubTracker ofSize(String project, int size) {
    return new StubTracker(project, 0, size);
  }

  @Override
  public OptionalLong countMatching(String jql) {
    return projectSize > 0 ? OptionalLong.of(projectSize) : OptionalLong.empty();
  }

  @Override
  public String projectKey() {
    return project;
  }

  @Override
  public List<String> issueTypes() {
    return List.of("Task");
  }

  @Override
  public List<FieldSchema> fields() {
    return List.of(FieldSchema.system("summary", "Summary", "string"),
        FieldSchema.system("description", "Description", "string"),
        FieldSchema.system("priority", "Priority", "priority"),
        new FieldSchema("labels", "Labels", "array", "string", null, null),
        FieldSchema.system("assignee", "Assignee", "user"));
  }

  /** The issues of this poll: the first {@code changedPerPoll} issues, each changed again. */
  @Override
  public ChangePage findUpdatedSince(long since, String jql, int maxResults, String token) {
    searches++;
    if (projectSize > 0) {
      return page(token == null ? 0 : Integer.parseInt(token), maxResults);
    }
    tick++;
    List<IssueChanges> page = new ArrayList<>(changedPerPoll);
    JsonNodeFactory json = JsonNodeFactory.instance;
    for (int i = 1; i <= changedPerPoll; i++) {
      long t = 1_700_000_000_000L + tick;
      TrackedIssue issue = new TrackedIssue(project + "-" + i, "Task", "alice", 1, t, null,
          Map.of("summary", json.textNode("Printer on fire #" + tick),
              "description", json.textNode("It smokes after a long print job, change " + tick),
              "priority", json.textNode(tick % 2 == 0 ? "High" : "Low"),
              "labels", json.arrayNode().add("hardware").add("t" + tick),
              "assignee", json.textNode(tick % 2 == 0 ? "alice" : "bob")));
      List<FieldChange> items = new ArrayList<>();
      for (String f : FIELDS) {
        items.add(new FieldChange(f, "a", "b"));
      }
      page.add(new IssueChanges(issue,
          List.of(new ChangelogEntry(String.valueOf(tick), "alice", t, items))));
    }
    return new ChangePage(page, null);
  }

  /** Issues {@code from + 1} on of a project of {@link #projectSize}, made up now. */
  private ChangePage page(int from, int size) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    List<IssueChanges> page = new ArrayList<>(size);
    int to = Math.min(projectSize, from + size);
    for (int i = from + 1; i <= to; i++) {
      TrackedIssue issue = new TrackedIssue(project + "-" + i, "Task", "alice", 1, 1 + i, null,
          Map.of("summary", json.textNode("Issue " + i + " of a large project"),
              "priority", json.textNode(i % 2 == 0 ? "High" : "Low")));
      page.add(new IssueChanges(issue, List.of()));
    }
    return new ChangePage(page, to < projectSize ? String.valueOf(to) : null);
  }

  @Override
  public List<ChangelogEntry> changelog(String issueKey, long sinceMillis) {
    return List.of();
  }

  @Override
  public boolean matches(String issueKey, String jql) {
    return true;
  }

  @Override
  public Optional<org.backbonesync.spi.tracker.TrackedIssue> issue(String issueKey) {
    return Optional.of(new TrackedIssue(issueKey, "Task", "alice", 1, 1, null, Map.of()));
  }

  @Override
  public Optional<TrackerUser> user(String userId) {
    return Optional.of(new TrackerUser(userId, userId, null));
  }

  @Override
  public List<TrackerUser> findUsers(String query) {
    return List.of();
  }

  @Override
  public CreateMetadata createMetadata(String issueType) {
    return new CreateMetadata(issueType, java.util.Set.of("summary", "description", "priority"),
        java.util.Set.of("summary"));
  }

  @Override
  public String createIssue(IssueCreate create) {
    writes++;
    return project + "-" + (++nextIssue);
  }

  @Override
  public void updateIssue(String issueKey, Map<String, JsonNode> fields) {
    writes++;
  }

  @Override
  public Optional<String> findByOriginMarker(String originMarker) {
    return Optional.empty();
  }

  @Override
  public List<Transition> transitions(String issueKey) {
    return List.of();
  }

  @Override
  public void transition(String issueKey, String transitionId, Map<String, JsonNode> fields) {
    writes++;
  }

  @Override
  public List<Comment> comments(String issueKey) {
    return List.of();
  }

  @Override
  public String addComment(String issueKey, String body) {
    return "1";
  }

  @Override
  public void editComment(String issueKey, String commentId, String body) {}

  @Override
  public void deleteComment(String issueKey, String commentId) {}
}
