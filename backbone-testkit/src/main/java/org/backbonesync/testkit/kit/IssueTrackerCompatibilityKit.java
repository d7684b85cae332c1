package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.Worklog;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IssueTracker} must do for the engine. Extend it and implement {@link
 * #newTracker()}: an empty project whose issue type {@link #issueType()} has summary and
 * description on its create screen, summary required.
 */
public abstract class IssueTrackerCompatibilityKit {
  protected IssueTracker tracker;

  /** A tracker on a fresh, empty project. */
  protected abstract IssueTracker newTracker();

  /** The id of the user the tracker acts as. */
  protected abstract String actingUser();

  /** Lets time pass between two operations (a manual clock moves; a real tracker may wait). */
  protected abstract void letTimePass();

  /** An issue type of the project. Default {@code Task}. */
  protected String issueType() {
    return "Task";
  }

  @BeforeEach
  void setUpTracker() {
    tracker = newTracker();
  }

  private static JsonNode text(String s) {
    return JsonNodeFactory.instance.textNode(s);
  }

  private String create(String summary, String marker) {
    return tracker.createIssue(new IssueCreate(issueType(),
        Map.of("summary", text(summary), "description", text("details")), marker));
  }

  @Test
  void aCreatedIssueCanBeReadBackInTheProject() {
    String key = create("Printer on fire", "origin-1");

    assertTrue(key.startsWith(tracker.projectKey() + "-"), key);
    TrackedIssue issue = tracker.issue(key).orElseThrow();
    assertEquals(key, issue.key());
    assertEquals(issueType(), issue.issueType());
    assertEquals(text("Printer on fire"), issue.field("summary"));
    assertEquals(text("details"), issue.field("description"));
    assertTrue(issue.field("no-such-field").isNull());
    assertTrue(issue.updated() >= issue.created());
  }

  @Test
  void anIssueIsFoundAgainByItsOriginMarker() {
    create("one", null);
    String key = create("two", "backbone:s:PB:PA-7");

    assertEquals(Optional.of(key), tracker.findByOriginMarker("backbone:s:PB:PA-7"));
    assertEquals(Optional.empty(), tracker.findByOriginMarker("backbone:s:PB:PA-8"));
    assertEquals("backbone:s:PB:PA-7", tracker.issue(key).orElseThrow().originMarker());
  }

  /**
   * The project is known by its key (and perhaps by keys it had before a rename); a tracker with
   * stable issue ids gives each issue its own, the same in a read and in a search.
   */
  @Test
  void anIssueKeepsItsOwnStableIdInReadsAndSearches() {
    String first = create("first", null);
    String second = create("second", null);
    assertTrue(tracker.projectKeys().contains(tracker.projectKey()),
        tracker.projectKeys().toString());
    TrackedIssue one = tracker.issue(first).orElseThrow();
    TrackedIssue two = tracker.issue(second).orElseThrow();
    Assumptions.assumeTrue(one.id() != null, "this tracker has no stable issue ids");
    assertNotEquals(one.id(), two.id());
    assertTrue(one.sameIssue(tracker.issue(first).orElseThrow()));
    assertFalse(one.sameIssue(two));
    TrackedIssue searched = tracker.findUpdatedSince(0, null, 100, null).issues().stream()
        .map(IssueChanges::issue).filter(i -> i.key().equals(first)).findFirst().orElseThrow();
    assertEquals(one.id(), searched.id());
  }

  @Test
  void aMissingIssueIsEmpty() {
    assertEquals(Optional.empty(), tracker.issue(tracker.projectKey() + "-999999"));
  }

  @Test
  void theCreateScreenNamesItsFieldsAndRequiredOnes() {
    CreateMetadata meta = tracker.createMetadata(issueType());

    assertTrue(meta.onScreen("summary"));
    assertTrue(meta.onScreen("description"));
    assertTrue(meta.requiredFields().contains("summary"));
  }

  @Test
  void anUpdateLeavesOneChangelogEntryByTheActingUser() {
    String key = create("Printer on fire", null);
    long created = tracker.issue(key).orElseThrow().updated();
    letTimePass();

    tracker.updateIssue(key, Map.of("summary", text("Printer fixed"), "description", text("ok")));

    IssueChanges changes = find(key, created);
    assertEquals(text("Printer fixed"), changes.issue().field("summary"));
    ChangelogEntry entry = changes.changelog().get(changes.changelog().size() - 1);
    assertEquals(actingUser(), entry.author());
    assertTrue(entry.timestamp() > created);
    assertEquals(List.of("description", "summary"),
        entry.items().stream().map(i -> i.field()).sorted().toList());
    var summary = entry.items().stream().filter(i -> i.field().equals("summary")).findFirst();
    assertEquals("Printer on fire", summary.orElseThrow().from());
    assertEquals("Printer fixed", summary.orElseThrow().to());
  }

  @Test
  void anUpdateThatChangesNothingLeavesNoChangelogEntry() {
    String key = create("Printer on fire", null);
    letTimePass();
    tracker.updateIssue(key, Map.of("summary", text("Printer fixed")));
    int entries = find(key, 0).changelog().size();
    letTimePass();

    tracker.updateIssue(key, Map.of("summary", text("Printer fixed")));

    assertEquals(entries, find(key, 0).changelog().size());
  }

  @Test
  void aChangeSearchReturnsIssuesUpdatedSinceInUpdateOrder() {
    String first = create("first", null);
    letTimePass();
    String second = create("second", null);
    letTimePass();
    tracker.updateIssue(first, Map.of("summary", text("first, edited")));
    long secondUpdated = tracker.issue(second).orElseThrow().updated();

    ChangePage page = tracker.findUpdatedSince(secondUpdated, null, 50, null);

    assertEquals(List.of(second, first), page.issues().stream().map(c -> c.issue().key()).toList());
    assertFalse(page.hasNext());
  }

  @Test
  void aChangeSearchLargerThanAPageIsReadPageByPage() {
    List<String> created = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(create("issue " + i, null));
    }

    List<String> read = new java.util.ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ChangePage page = tracker.findUpdatedSince(0, null, 2, token);
      page.issues().forEach(c -> read.add(c.issue().key()));
      token = page.nextPageToken();
      pages++;
    } while (token != null && pages < 10);

    assertEquals(created, read);
    assertEquals(3, pages);
  }

  @Test
  void aRefusedUpdateNamesTheFieldAndChangesNothing() {
    String key = create("Printer on fire", null);

    TrackerException e = assertThrows(TrackerException.class, () -> tracker.updateIssue(key,
        Map.of("summary", text("changed"), "customfield_99999", text("x"))));

    assertTrue(e.fieldErrors().containsKey("customfield_99999"), e.fieldErrors().toString());
    assertEquals(text("Printer on fire"), tracker.issue(key).orElseThrow().field("summary"));
  }

  @Test
  void anIssueMatchesJqlOnItsTypeAndKey() {
    String key = create("Printer on fire", null);
    String other = create("Coffee machine empty", null);

    assertTrue(tracker.matches(key, "issuetype = \"" + issueType() + "\""));
    assertFalse(tracker.matches(key, "issuetype != \"" + issueType() + "\""));
    assertTrue(tracker.matches(key, "key = " + key));
    assertFalse(tracker.matches(key, "key = " + other));
    assertTrue(tracker.matches(key, "key in (" + other + ", " + key + ") AND issuetype = \""
        + issueType() + "\""));
  }

  @Test
  void aTransitionMovesTheIssueToItsTargetStatus() {
    String key = create("Printer on fire", null);
    String before = tracker.issue(key).orElseThrow().field("status").asText();
    List<Transition> available = tracker.transitions(key);
    assertFalse(available.isEmpty());
    Transition t = available.get(0);
    assertNotEquals(before, t.toStatus());

    tracker.transition(key, t.id(), Map.of());

    assertEquals(text(t.toStatus()), tracker.issue(key).orElseThrow().field("status"));
  }

  @Test
  void commentsCanBeAddedEditedAndDeleted() {
    String key = create("Printer on fire", null);

    String id = tracker.addComment(key, "Have you tried turning it off?");
    letTimePass();
    tracker.editComment(key, id, "Have you tried turning it off and on again?");
    String other = tracker.addComment(key, "Yes.");

    List<Comment> comments = tracker.comments(key);
    assertEquals(List.of(id, other), comments.stream().map(Comment::id).toList());
    assertEquals("Have you tried turning it off and on again?", comments.get(0).body());
    assertEquals(actingUser(), comments.get(0).author());
    assertTrue(comments.get(0).updated() > comments.get(0).created());

    tracker.deleteComment(key, id);
    assertEquals(List.of(other), tracker.comments(key).stream().map(Comment::id).toList());
  }

  /** An ADF document of one paragraph of text. */
  private static JsonNode document(String paragraph) {
    var doc = JsonNodeFactory.instance.objectNode().put("type", "doc").put("version", 1);
    doc.putArray("content").addObject().put("type", "paragraph").putArray("content")
        .addObject().put("type", "text").put("text", paragraph);
    return doc;
  }

  /**
   * A document beside a text (a partner's rich text) never changes what the text reads back
   * as: a tracker writes it only where the text is still its own, else the text.
   */
  @Test
  void aDocumentBesideATextNeverChangesWhatTheFieldOrCommentReadsBackAs() {
    String key = tracker.createIssue(new IssueCreate(issueType(),
        Map.of("summary", text("Printer on fire"), "description", text("details")), null,
        Map.of("description", document("other details"))));
    assertEquals(text("details"), tracker.issue(key).orElseThrow().field("description"));

    tracker.updateIssue(key, Map.of("description", text("It smokes.")),
        Map.of("description", document("It burns.")));
    assertEquals(text("It smokes."), tracker.issue(key).orElseThrow().field("description"));
    tracker.updateIssue(key, Map.of("description", text("It burns.")),
        Map.of("description", document("It burns."), "summary", document("ignored")));
    assertEquals(text("It burns."), tracker.issue(key).orElseThrow().field("description"));
    assertEquals(text("Printer on fire"), tracker.issue(key).orElseThrow().field("summary"));

    String id = tracker.addComment(key, "Unplug it.", null, document("Kick it."));
    assertEquals("Unplug it.", tracker.comments(key).get(0).body());
    tracker.editComment(key, id, "Unplug it now.", document("Unplug it now."));
    assertEquals("Unplug it now.", tracker.comments(key).get(0).body());
  }

  /** Skipped for a tracker that cannot log work (the SPI's default). */
  @Test
  void worklogsCanBeLoggedEditedAndDeletedAndChangeTheIssue() {
    String key = create("Printer on fire", null);
    long started = 1_610_886_840_000L; // 2021-01-17T12:34Z
    String id;
    try {
      id = tracker.addWorklog(key, started, 3600, "Replaced the fuser");
    } catch (TrackerException e) {
      Assumptions.assumeFalse(e.getMessage().contains("cannot add worklogs"), e.getMessage());
      throw e;
    }
    long before = tracker.issue(key).orElseThrow().updated();
    letTimePass();
    tracker.updateWorklog(key, id, started + 60_000, 4500, "Replaced the fuser and the drum");
    String other = tracker.addWorklog(key, started, 600, "");

    List<Worklog> worklogs = tracker.worklogs(key);
    assertEquals(List.of(id, other), worklogs.stream().map(Worklog::id).toList());
    Worklog edited = worklogs.get(0);
    assertEquals(List.of(started + 60_000, 4500L, "Replaced the fuser and the drum", actingUser()),
        List.of(edited.started(), edited.timeSpentSeconds(), edited.comment(), edited.author()));
    assertEquals("", worklogs.get(1).comment());
    assertTrue(tracker.issue(key).orElseThrow().updated() > before, "a worklog changes the issue");

    tracker.deleteWorklog(key, id);
    assertEquals(List.of(other), tracker.worklogs(key).stream().map(Worklog::id).toList());
  }

  private IssueChanges find(String key, long since) {
    return tracker.findUpdatedSince(since, null, 1000, null).issues().stream()
        .filter(c -> c.issue().key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError(key + " not found by a change search since " + since));
  }
}
