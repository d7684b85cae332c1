package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.TrackerUser;
import org.backbonesync.spi.tracker.Worklog;

/**
 * A Jira-like project in memory, behaving like Jira where it matters to sync: keys {@code PA-1,
 * PA-2...}; issue types; the fields summary, description, priority, labels, assignee, reporter,
 * status and any declared custom fields; a create screen that does not hold every field; a
 * workflow of transitions; a changelog with ids, author, timestamp and from/to per field (an
 * update that changes nothing leaves none); comments; worklogs; known users; a small part of JQL
 * (clauses with {@code =}, {@code !=}, {@code in}, {@code is EMPTY} joined by {@code AND}). Field
 * values use the normalized form of {@link IssueTracker}.
 *
 * <p>Each instance acts as one user (for a connector: its sync user); {@link #as(String)} gives
 * a view of the same project acting as someone else, which is how tests make people's edits.
 * Every call is recorded ({@link #calls()}); {@link #intercept} lets a test fail or crash a call.
 * Thread-safe. Time comes from the clock given to the builder. As Jira, it shares no memory with
 * its callers: it keeps a copy of each value it is given and hands out copies, so a mapping that
 * changes a value it was given changes no issue.
 */
public final class InMemoryIssueTracker implements IssueTracker {

  /** Hooks around each call, for tests that inject failures. */
  public interface Interceptor {
    /** Before the call takes effect; throwing fails it with nothing changed. */
    default void before(TrackerCall call) {}

    /** After the call took effect; throwing simulates a crash or a lost answer. */
    default void after(TrackerCall call) {}
  }

  /**
   * How late the search index shows an issue's update ({@link #indexLag}): Jira searches an index
   * that shows a change a moment after it was made, on each node at its own pace.
   */
  @FunctionalInterface
  public interface IndexLag {
    /**
     * The milliseconds after {@code updated} at which the search shows the issue's update.
     *
     * @param issueKey the issue
     * @param updated its last update's time
     * @return zero or more
     */
    long millis(String issueKey, long updated);
  }

  /**
   * The default workflow: To Do -> In Progress -> In Review -> Done (whose screen requires a
   * resolution), In Progress -> To Do, In Review -> In Progress, and Done -> To Do (which clears
   * the resolution). Reaching Done from To Do takes three transitions.
   */
  public static final String INITIAL_STATUS = "To Do";

  private final Project project;
  private final String user;

  private InMemoryIssueTracker(Project project, String user) {
    this.project = project;
    this.user = user;
  }

  /** Starts building a project with this key, e.g. {@code PA}. */
  public static Builder builder(String projectKey) {
    return new Builder(projectKey);
  }

  /** The same project, acting as {@code userId} (who becomes a known user). */
  public InMemoryIssueTracker as(String userId) {
    synchronized (project) {
      project.users.computeIfAbsent(userId, Builder::defaultUser);
    }
    return new InMemoryIssueTracker(project, userId);
  }

  /**
   * The issue's comments as stored, without a tracker call (no interceptor sees it): for a fake
   * server's answer to a write, which must not fail after the write was made.
   */
  List<Comment> storedComments(String issueKey) {
    synchronized (project) {
      return List.copyOf(project.get(issueKey).comments.values());
    }
  }

  /**
   * The issue's worklogs as stored, without a tracker call: for a fake server's answer to a
   * write, and for a checker that must not disturb the tracker.
   */
  public List<Worklog> storedWorklogs(String issueKey) {
    synchronized (project) {
      return List.copyOf(project.get(issueKey).worklogs.values());
    }
  }

  /** A known user, without a tracker call: for a fake server's rendering of an answer. */
  Optional<TrackerUser> storedUser(String userId) {
    synchronized (project) {
      return Optional.ofNullable(project.users.get(userId));
    }
  }

  /** The project's clock, which every change is stamped with. */
  public Clock clock() {
    return project.clock;
  }

  /** The user this view acts as. */
  public String user() {
    return user;
  }

  // ---------------------------------------------------------------- test conveniences

  /** Creates an issue of the first issue type with a summary, acting as this view's user. */
  public String create(String summary) {
    return createIssue(
        new IssueCreate(project.issueTypes.get(0), Map.of("summary", text(summary)), null));
  }

  /** Sets one field, acting as this view's user. */
  public void edit(String issueKey, String fieldId, JsonNode value) {
    updateIssue(issueKey, Map.of(fieldId, value));
  }

  /** Sets one text field, acting as this view's user. */
  public void edit(String issueKey, String fieldId, String value) {
    edit(issueKey, fieldId, value == null ? NullNode.getInstance() : text(value));
  }

  /**
   * Deletes an issue, acting as this view's user, as a person does in Jira: it is gone with its
   * comments, attachments and links, and no search or read finds it again. Unlike {@link
   * #deleteIssue}, a missing issue is an error.
   *
   * @throws TrackerException when there is no such issue
   */
  public void delete(String issueKey) {
    call("deleteIssue", issueKey, () -> {
      project.remove(project.get(issueKey).key);
      return null;
    });
  }

  /**
   * Deletes an issue as the sync does when the partner issue is gone ({@code onPartnerGone}
   * {@code delete}); one that is gone already is no error.
   */
  @Override
  public void deleteIssue(String issueKey) {
    call("deleteIssue", issueKey, () -> {
      Issue issue = project.find(issueKey);
      if (issue != null) {
        project.remove(issue.key);
      }
      return null;
    });
  }

  /**
   * Restores the project from a backup taken at {@code millis}, as a Jira site restored from one:
   * the issues created after it are gone, and the next issue created gets the number after the
   * highest left, so a lost issue's key comes to name a new, unrelated issue. Unlike a real
   * restore, the issues left keep their changes since the backup.
   *
   * @return the keys of the issues lost, in key order
   */
  public List<String> restoreBackupOf(long millis) {
    synchronized (project) {
      List<Issue> lost = project.issues.values().stream().filter(i -> i.created > millis)
          .sorted(java.util.Comparator.comparingInt(i -> i.number)).toList();
      lost.forEach(i -> project.remove(i.key));
      project.nextIssue = 1 + project.issues.values().stream().mapToInt(i -> i.number).max()
          .orElse(0);
      return lost.stream().map(i -> i.key).toList();
    }
  }

  /**
   * Gives an issue another key, acting as this view's user, as Jira does when a person moves it
   * to another project (a key of another project: no search of this project finds it again) or
   * renames its project (a key of this project). As in Jira, the old key still leads to the
   * issue: a read by it answers with the new key, and a write by it changes the issue.
   *
   * @throws TrackerException when there is no such issue, or the new key is taken
   */
  public void move(String issueKey, String newKey) {
    call("moveIssue", issueKey, () -> {
      Issue issue = project.get(issueKey);
      if (project.find(newKey) != null) {
        throw new TrackerException("issue key " + newKey + " is taken", newKey, Map.of());
      }
      project.issues.remove(issue.key);
      project.formerKeys.put(issue.key, newKey);
      issue.key = newKey;
      issue.updatedAt(Math.max(project.clock.millis(), issue.updated), project);
      (newKey.startsWith(project.key + "-") ? project.issues : project.elsewhere)
          .put(newKey, issue);
      return newKey;
    });
  }

  /**
   * Renames the project's key, as a Jira administrator does: every issue gets the new key with
   * its number (PA-7 becomes PX-7), links and sub-tasks' parents follow, and the old keys, of the
   * project and of its issues, still lead to them (reads, writes and JQL by them). Issues keep
   * their stable ids; nothing shows in their changelogs or update times, and Jira sends no issue
   * webhook. The view's user is not checked: any view may rename.
   *
   * @throws IllegalArgumentException when the key is not a project key or is this project's
   */
  public void renameProject(String newKey) {
    if (newKey == null || !newKey.matches("[A-Z][A-Z0-9_]*") || newKey.equals(projectKey())) {
      throw new IllegalArgumentException("not a new project key: " + newKey);
    }
    call("renameProject", null, () -> {
      Map<String, String> renamed = new HashMap<>();
      Map<String, Issue> issues = new LinkedHashMap<>(project.issues);
      project.issues.clear();
      for (Issue issue : issues.values()) {
        String newIssueKey = newKey + issue.key.substring(issue.key.lastIndexOf('-'));
        renamed.put(issue.key, newIssueKey);
        project.formerKeys.put(issue.key, newIssueKey);
        issue.key = newIssueKey;
        project.issues.put(newIssueKey, issue);
      }
      for (Issue issue : project.issues.values()) {
        JsonNode parent = issue.fields.get("parent");
        if (parent != null && parent.isTextual() && renamed.containsKey(parent.asText())) {
          issue.set("parent", text(renamed.get(parent.asText())));
        }
      }
      project.links.replaceAll((id, l) -> new IssueLink(id, l.type(),
          renamed.getOrDefault(l.outwardIssue(), l.outwardIssue()),
          renamed.getOrDefault(l.inwardIssue(), l.inwardIssue())));
      project.attachments.replaceAll((id, a) -> a.withIssueKey(
          renamed.getOrDefault(a.issueKey(), a.issueKey())));
      project.formerProjectKeys.add(0, project.key);
      project.key = newKey;
      return null;
    });
  }

  /** The issue of a key (a moved issue's old key too), read without recording a call. */
  Optional<TrackedIssue> peek(String issueKey) {
    synchronized (project) {
      return Optional.ofNullable(project.find(issueKey)).map(Issue::snapshot);
    }
  }

  /** A field's current value, JSON null when empty. */
  public JsonNode value(String issueKey, String fieldId) {
    return issue(issueKey)
        .orElseThrow(() -> new IllegalArgumentException("no issue " + issueKey))
        .field(fieldId);
  }

  /** All issues, in key order. */
  public List<TrackedIssue> allIssues() {
    synchronized (project) {
      return project.issues.values().stream().map(Issue::snapshot).toList();
    }
  }

  /** The changelog of an issue, oldest first. */
  public List<ChangelogEntry> changelog(String issueKey) {
    synchronized (project) {
      return List.copyOf(project.get(issueKey).changelog);
    }
  }

  /** The issue types that are sub-tasks. */
  public java.util.Set<String> subtaskTypes() {
    return project.subtaskTypes;
  }

  /** The calls received so far by all views of this project, oldest first. */
  public List<TrackerCall> calls() {
    synchronized (project) {
      return List.copyOf(project.calls);
    }
  }

  /** The calls of one operation received so far. */
  public List<TrackerCall> calls(String operation) {
    return calls().stream().filter(c -> c.operation().equals(operation)).toList();
  }

  /** Forgets the recorded calls. */
  public void clearCalls() {
    synchronized (project) {
      project.calls.clear();
    }
  }

  /**
   * Makes the project's search index lag (for every view of it, replacing the previous lag), as
   * Jira's index shows changes late: {@link #findUpdatedSince} and {@link #findChanged} find an
   * issue by the newest of its update times {@code t} the project's clock has passed {@code t}
   * plus {@code lag}'s milliseconds for (an issue whose creation is not indexed yet is not found),
   * and answer with the issue as it is now, as Jira's search reads the hits' fields. Lags that
   * differ between changes show them out of order. Reads by key ({@link #issue}, {@link
   * #changelog(String, long)}) are never late, and neither is the JQL: it is matched against the
   * issue as it is now, so an issue entering or leaving it does so at once. Null for none, the
   * default. Earlier update times are kept for the index only while a lag is in place, so
   * install it before the edits it should show late.
   */
  public void indexLag(IndexLag lag) {
    synchronized (project) {
      project.indexLag = lag;
    }
  }

  /** The update time a search finds the issue by: its last, or what a lagging index shows. */
  private long searchedUpdate(Issue issue) {
    return project.indexLag == null ? issue.updated
        : issue.indexedUpdate(project.indexLag, project.clock.millis());
  }

  /** Installs an interceptor for every view of this project (replacing the previous one). */
  public void intercept(Interceptor interceptor) {
    synchronized (project) {
      project.interceptor = interceptor == null ? new Interceptor() {} : interceptor;
    }
  }

  /**
   * What a write of the tracker tells the listeners of {@link #onChange}: the Jira webhook event
   * it stands for, the issue's key (null where Jira's event names none), who wrote, and the key
   * the issue had before when the write moved it (null otherwise).
   */
  public record Change(String event, String issueKey, String user, String formerKey) {
    /** A change that did not give an issue another key. */
    public Change(String event, String issueKey, String user) {
      this(event, issueKey, user, null);
    }
  }

  /**
   * Calls {@code listener} after every write of any user to this project (the fake Jira server
   * sends webhooks from it), outside the project's lock, on the writing thread.
   */
  public void onChange(Consumer<Change> listener) {
    synchronized (project) {
      project.changeListeners.add(listener);
    }
  }

  /** The webhook event of a write operation, or null for a read or a write Jira sends none for. */
  private static String event(String operation) {
    return switch (operation) {
      case "createIssue" -> "jira:issue_created";
      case "deleteIssue" -> "jira:issue_deleted";
      case "moveIssue" -> "jira:issue_updated";
      case "updateIssue", "transition" -> "jira:issue_updated";
      case "addComment" -> "comment_created";
      case "editComment" -> "comment_updated";
      case "deleteComment" -> "comment_deleted";
      case "addWorklog" -> "worklog_created";
      case "updateWorklog" -> "worklog_updated";
      case "deleteWorklog" -> "worklog_deleted";
      case "createLink" -> "issuelink_created";
      case "deleteLink" -> "issuelink_deleted";
      case "upload" -> "attachment_created";
      case "deleteAttachment" -> "attachment_deleted";
      default -> null;
    };
  }

  /** Makes a priority valid from now on. */
  public void addPriority(String priority) {
    synchronized (project) {
      project.priorities.add(priority);
    }
  }

  /** A JSON string. */
  public static JsonNode text(String value) {
    return JsonNodeFactory.instance.textNode(value);
  }

  /** A JSON array of strings. */
  public static JsonNode strings(String... values) {
    var array = JsonNodeFactory.instance.arrayNode();
    for (String v : values) {
      array.add(v);
    }
    return array;
  }

  // ---------------------------------------------------------------- IssueTracker

  @Override
  public String projectKey() {
    synchronized (project) {
      return project.key;
    }
  }

  /** The project's key and, after a {@link #renameProject}, the keys it had, newest first. */
  @Override
  public List<String> projectKeys() {
    synchronized (project) {
      List<String> keys = new ArrayList<>();
      keys.add(project.key);
      keys.addAll(project.formerProjectKeys);
      return keys;
    }
  }

  @Override
  public List<String> issueTypes() {
    return call("issueTypes", null, () -> List.copyOf(project.issueTypes));
  }

  @Override
  public List<FieldSchema> fields() {
    return call("fields", null, () -> List.copyOf(project.schemas().values()));
  }

  @Override
  public ChangePage findUpdatedSince(
      long sinceMillis, String jql, int maxResults, String pageToken) {
    return call("findUpdatedSince", null, () -> {
      Predicate<Issue> condition = matching(jql);
      int start = pageToken == null ? 0 : Integer.parseInt(pageToken);
      List<Issue> matching = project.issues.values().stream()
          .filter(i -> searchedUpdate(i) >= sinceMillis && condition.test(i))
          .sorted(Comparator.comparingLong(this::searchedUpdate).thenComparingInt(i -> i.number))
          .toList();
      List<IssueChanges> page = new ArrayList<>();
      for (Issue i : matching.subList(Math.min(start, matching.size()),
          Math.min(start + maxResults, matching.size()))) {
        page.add(new IssueChanges(i.snapshot(), i.changelogSince(sinceMillis)));
      }
      int next = start + page.size();
      return new ChangePage(page, next < matching.size() ? String.valueOf(next) : null);
    });
  }

  /** One "search" for the named issues, recorded as the call {@code findChanged}. */
  @Override
  public List<IssueChanges> findChanged(Collection<String> issueKeys,
      long sinceMillis, String jql) {
    return call("findChanged", null, () -> {
      Predicate<Issue> condition = matching(jql);
      Set<String> wanted = Set.copyOf(issueKeys);
      return project.issues.values().stream()
          .filter(i -> wanted.contains(i.key) && searchedUpdate(i) >= sinceMillis
              && condition.test(i))
          .sorted(Comparator.comparingLong(this::searchedUpdate).thenComparingInt(i -> i.number))
          .map(i -> new IssueChanges(i.snapshot(), i.changelogSince(sinceMillis)))
          .toList();
    });
  }

  /** The exact count, recorded as the call {@code countMatching}. */
  @Override
  public OptionalLong countMatching(String jql) {
    return call("countMatching", null, () -> OptionalLong.of(
        project.issues.values().stream().filter(matching(jql)).count()));
  }

  /** The project's clock now: the one its issues' update times are stamped with. */
  @Override
  public OptionalLong serverTime() {
    return call("serverTime", null, () -> OptionalLong.of(project.clock.millis()));
  }

  /** The issues a JQL condition matches (all for null), as the searches read it. */
  private static Predicate<Issue> matching(String jql) {
    if (jql == null) {
      return issue -> true;
    }
    Predicate<TrackedIssue> condition = MiniJql.parse(jql);
    return issue -> condition.test(issue.view());
  }

  @Override
  public boolean matches(String issueKey, String jql) {
    return call("matches", issueKey, () -> MiniJql.parse(jql).test(project.get(issueKey).view()));
  }

  @Override
  public Optional<TrackerUser> user(String userId) {
    return call("user", null, () -> Optional.ofNullable(project.users.get(userId)));
  }

  @Override
  public List<TrackerUser> findUsers(String query) {
    String q = query.toLowerCase(java.util.Locale.ROOT);
    return call("findUsers", null, () -> project.users.values().stream()
        .filter(u -> contains(u.id(), q) || contains(u.displayName(), q) || contains(u.email(), q))
        .toList());
  }

  private static boolean contains(String value, String lowerQuery) {
    return value != null && value.toLowerCase(java.util.Locale.ROOT).contains(lowerQuery);
  }

  @Override
  public List<ChangelogEntry> changelog(String issueKey, long sinceMillis) {
    return call("changelog", issueKey, () -> project.get(issueKey).changelogSince(sinceMillis));
  }

  @Override
  public Optional<TrackedIssue> issue(String issueKey) {
    return call("issue", issueKey,
        () -> Optional.ofNullable(project.find(issueKey)).map(Issue::snapshot));
  }

  @Override
  public CreateMetadata createMetadata(String issueType) {
    return call("createMetadata", null, () -> {
      project.checkType(issueType, null);
      return new CreateMetadata(issueType, project.createScreen, project.requiredOnCreate);
    });
  }

  @Override
  public String createIssue(IssueCreate create) {
    return call("createIssue", null, () -> {
      project.checkType(create.issueType(), null);
      Map<String, String> errors = new LinkedHashMap<>();
      JsonNode parent = create.fields().get("parent");
      boolean subtask = project.subtaskTypes.contains(create.issueType());
      if (subtask && (parent == null || !parent.isTextual()
          || !project.issues.containsKey(parent.asText()))) {
        errors.put("parent", "A sub-task needs an existing parent issue of " + project.key
            + ", was " + parent);
      } else if (!subtask && parent != null) {
        errors.put("parent", "Only sub-tasks have a parent; " + create.issueType() + " is not one");
      }
      for (String field : create.fields().keySet()) {
        if (!field.equals("parent") && !project.createScreen.contains(field)) {
          errors.put(field, "Field '" + field
              + "' cannot be set. It is not on the appropriate screen, or unknown.");
        }
      }
      for (String field : project.requiredOnCreate) {
        JsonNode v = create.fields().get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
          errors.put(field, "You must specify a " + field + " of the issue.");
        }
      }
      create.fields().forEach((f, v) -> project.validate(f, v, errors));
      if (!errors.isEmpty()) {
        throw new TrackerException("create in " + project.key + " refused", null, errors);
      }
      long now = project.clock.millis();
      Issue issue = new Issue(project.key + "-" + project.nextIssue, project.nextIssue,
          create.issueType(), user, now, create.originMarker());
      project.nextIssue++;
      issue.set("summary", NullNode.getInstance());
      issue.set("priority", text(project.defaultPriority));
      issue.set("status", text(INITIAL_STATUS));
      issue.set("reporter", text(user));
      create.fields().forEach((f, v) -> issue.set(f, v.deepCopy()));
      project.issues.put(issue.key, issue);
      return issue.key;
    });
  }

  @Override
  public void updateIssue(String issueKey, Map<String, JsonNode> fields) {
    call("updateIssue", issueKey, () -> {
      Issue issue = project.get(issueKey);
      Map<String, String> errors = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
        if (!project.editable.contains(e.getKey())) {
          errors.put(e.getKey(), "Field '" + e.getKey()
              + "' cannot be set. It is not on the appropriate screen, or unknown.");
        } else {
          project.validate(e.getKey(), e.getValue(), errors);
        }
      }
      if (!errors.isEmpty()) {
        throw new TrackerException("update of " + issueKey + " refused", issueKey, errors);
      }
      issue.change(user, project.clock.millis(), fields, project);
      return null;
    });
  }

  @Override
  public Optional<String> findByOriginMarker(String originMarker) {
    return call("findByOriginMarker", null, () -> project.issues.values().stream()
        .filter(i -> originMarker != null && originMarker.equals(i.originMarker))
        .map(i -> i.key)
        .findFirst());
  }

  @Override
  public boolean setOriginMarker(String issueKey, String originMarker) {
    return call("setOriginMarker", issueKey, () -> {
      project.get(issueKey).originMarker = originMarker;
      return true;
    });
  }

  @Override
  public Map<String, String> findByOriginMarkers(Collection<String> originMarkers) {
    Set<String> wanted = Set.copyOf(originMarkers);
    return call("findByOriginMarkers", null, () -> {
      Map<String, String> found = new LinkedHashMap<>();
      project.issues.values().stream()
          .filter(i -> i.originMarker != null && wanted.contains(i.originMarker))
          .forEach(i -> found.putIfAbsent(i.originMarker, i.key));
      return found;
    });
  }

  @Override
  public List<Transition> transitions(String issueKey) {
    return call("transitions", issueKey,
        () -> project.workflow.getOrDefault(project.get(issueKey).status(), List.of()));
  }

  @Override
  public void transition(String issueKey, String transitionId, Map<String, JsonNode> fields) {
    call("transition", issueKey, () -> {
      Issue issue = project.get(issueKey);
      Transition t = project.workflow.getOrDefault(issue.status(), List.of()).stream()
          .filter(x -> x.id().equals(transitionId))
          .findFirst()
          .orElseThrow(() -> new TrackerException(
              "transition " + transitionId + " is not available for " + issueKey + " in status "
                  + issue.status(), issueKey, Map.of()));
      Map<String, String> missing = new LinkedHashMap<>();
      for (String required : t.requiredFields()) {
        JsonNode v = fields.get(required);
        if (v == null || v.isNull()) {
          missing.put(required, "Field " + required + " is required.");
        }
      }
      if (!missing.isEmpty()) {
        throw new TrackerException("transition " + t.name() + " of " + issueKey + " refused",
            issueKey, missing);
      }
      Map<String, JsonNode> changes = new LinkedHashMap<>(fields);
      changes.put("status", text(t.toStatus()));
      if (t.toStatus().equals(INITIAL_STATUS)) {
        changes.put("resolution", NullNode.getInstance()); // reopened: unresolved, as in Jira
      }
      issue.change(user, project.clock.millis(), changes, project);
      return null;
    });
  }

  @Override
  public Optional<Map<String, List<Transition>>> workflow(String issueType) {
    return call("workflow", null, () -> {
      project.checkType(issueType, null);
      return Optional.of(project.workflow);
    });
  }

  @Override
  public List<IssueLink> links(String issueKey) {
    return call("links", issueKey, () -> {
      project.get(issueKey);
      return project.links.values().stream()
          .filter(l -> l.outwardIssue().equals(issueKey) || l.inwardIssue().equals(issueKey))
          .toList();
    });
  }

  @Override
  public String createLink(String type, String outwardIssueKey, String inwardIssueKey) {
    return call("createLink", outwardIssueKey, () -> {
      if (!project.linkTypes.contains(type)) {
        throw new TrackerException("No issue link type with name '" + type + "' found.",
            outwardIssueKey, Map.of("type", "unknown"));
      }
      Issue outward = project.get(outwardIssueKey);
      Issue inward = project.get(inwardIssueKey);
      String id = String.valueOf(project.nextLink++);
      project.links.put(id, new IssueLink(id, type, outwardIssueKey, inwardIssueKey));
      long now = project.clock.millis();
      outward.recordLink(user, now, type + " " + inwardIssueKey, project);
      inward.recordLink(user, now, type + " " + outwardIssueKey, project);
      return id;
    });
  }

  @Override
  public void deleteLink(String issueKey, String linkId) {
    call("deleteLink", issueKey, () -> {
      IssueLink link = project.links.remove(linkId);
      if (link == null) {
        return null; // gone already: as Jira's 404, no error for the caller
      }
      long now = project.clock.millis();
      recordUnlink(link.outwardIssue(), link.type() + " " + link.inwardIssue(), now);
      recordUnlink(link.inwardIssue(), link.type() + " " + link.outwardIssue(), now);
      return null;
    });
  }

  /** Whether a link with this id exists (the fake Jira server answers 404 for one that does not). */
  boolean hasLink(String linkId) {
    synchronized (project) {
      return project.links.containsKey(linkId);
    }
  }

  private void recordUnlink(String issueKey, String text, long now) {
    Issue issue = project.issues.get(issueKey);
    if (issue != null) {
      issue.recordChange(user, now, "issuelinks", text, null, project);
    }
  }

  @Override
  public List<Attachment> attachments(String issueKey) {
    return call("attachments", issueKey, () -> {
      project.get(issueKey);
      return project.attachments.values().stream()
          .filter(a -> a.issueKey().equals(issueKey)).map(StoredAttachment::meta).toList();
    });
  }

  @Override
  public java.io.InputStream download(String attachmentId) {
    StoredAttachment stored = call("download", null, () -> stored(attachmentId));
    if (stored.bytes() != null) {
      return new java.io.ByteArrayInputStream(stored.bytes());
    }
    try {
      return java.nio.file.Files.newInputStream(stored.file());
    } catch (java.io.IOException e) {
      throw new org.backbonesync.spi.RetriableException("cannot read attachment " + attachmentId, e);
    }
  }

  @Override
  public Attachment upload(String issueKey, String filename, String mimeType,
      java.io.InputStream content) {
    java.nio.file.Path file = null;
    byte[] bytes;
    long size;
    try {
      // A small file is kept in memory; a larger one is streamed to disk outside the project's
      // lock, so that large files never sit in memory. Small ones stay off the disk: a
      // simulation sweep makes millions, and a temporary file each (with its delete-on-exit
      // entry) would make the sweep slow and its memory grow.
      bytes = content.readNBytes(IN_MEMORY_LIMIT + 1);
      size = bytes.length;
      if (bytes.length > IN_MEMORY_LIMIT) {
        file = java.nio.file.Files.createTempFile(project.attachmentDir(), "attachment-", ".bin");
        file.toFile().deleteOnExit();
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
          out.write(bytes);
          size += content.transferTo(out);
        }
        bytes = null;
      }
    } catch (java.io.IOException e) {
      throw new org.backbonesync.spi.RetriableException("cannot store attachment " + filename, e);
    }
    java.nio.file.Path onDisk = file;
    byte[] inMemory = bytes;
    long length = size;
    return call("upload", issueKey, () -> {
      Issue issue = project.get(issueKey);
      long now = project.clock.millis();
      String id = String.valueOf(project.nextAttachment++);
      Attachment meta = new Attachment(id, filename, mimeType, length, user, now);
      project.attachments.put(id, new StoredAttachment(meta, issueKey, inMemory, onDisk));
      issue.recordChange(user, now, "attachment", null, filename, project);
      return meta;
    });
  }

  @Override
  public void deleteAttachment(String attachmentId) {
    call("deleteAttachment", null, () -> {
      StoredAttachment a = stored(attachmentId);
      project.attachments.remove(attachmentId);
      project.get(a.issueKey()).recordChange(user, project.clock.millis(), "attachment",
          a.meta().filename(), null, project);
      if (a.file() != null) {
        try {
          java.nio.file.Files.deleteIfExists(a.file());
        } catch (java.io.IOException e) {
          // a temporary file: removed at exit anyway
        }
      }
      return null;
    });
  }

  private StoredAttachment stored(String attachmentId) {
    StoredAttachment a = project.attachments.get(attachmentId);
    if (a == null) {
      throw new TrackerException("no attachment " + attachmentId, null, Map.of());
    }
    return a;
  }

  /** An attachment's content: {@code bytes} when small, else in {@code file}. */
  private record StoredAttachment(Attachment meta, String issueKey, byte[] bytes,
      java.nio.file.Path file) {
    StoredAttachment withIssueKey(String key) {
      return new StoredAttachment(meta, key, bytes, file);
    }
  }

  /** Attachments up to this size are kept in memory, larger ones in a temporary file. */
  private static final int IN_MEMORY_LIMIT = 64 * 1024;

  @Override
  public List<Comment> comments(String issueKey) {
    return call("comments", issueKey, () -> List.copyOf(project.get(issueKey).comments.values()));
  }

  @Override
  public String addComment(String issueKey, String body) {
    return addComment(issueKey, body, null);
  }

  @Override
  public String addComment(String issueKey, String body, String visibility) {
    return call("addComment", issueKey, () -> {
      Issue issue = project.get(issueKey);
      checkVisibility(issueKey, visibility);
      long now = project.clock.millis();
      String id = String.valueOf(project.nextComment++);
      issue.comments.put(id, new Comment(id, user, body, now, now, visibility, user));
      issue.updatedAt(now, project);
      return id;
    });
  }

  @Override
  public void editComment(String issueKey, String commentId, String body) {
    editComment(issueKey, commentId, body, null, null);
  }

  /** Edits the body, and restricts the comment to the visibility unless it is null. */
  @Override
  public void editComment(String issueKey, String commentId, String body, String visibility,
      JsonNode document) {
    call("editComment", issueKey, () -> {
      Issue issue = project.get(issueKey);
      Comment c = issue.comment(commentId);
      checkVisibility(issueKey, visibility);
      long now = project.clock.millis();
      issue.comments.put(commentId, new Comment(commentId, c.author(), body, c.created(), now,
          visibility != null ? visibility : c.visibility(), user));
      issue.updatedAt(now, project);
      return null;
    });
  }

  private static void checkVisibility(String issueKey, String visibility) {
    if (visibility != null && !visibility.matches("(role|group):.+|jsd:internal")) {
      throw new TrackerException("visibility must be role:<name>, group:<name> or"
          + " jsd:internal (a service desk's internal comment), was "
          + visibility, issueKey, Map.of("visibility", "invalid"));
    }
  }

  @Override
  public void deleteComment(String issueKey, String commentId) {
    call("deleteComment", issueKey, () -> {
      Issue issue = project.get(issueKey);
      issue.comment(commentId);
      issue.comments.remove(commentId);
      issue.updatedAt(project.clock.millis(), project);
      return null;
    });
  }

  @Override
  public List<Worklog> worklogs(String issueKey) {
    return call("worklogs", issueKey, () -> List.copyOf(project.get(issueKey).worklogs.values()));
  }

  @Override
  public String addWorklog(String issueKey, long started, long timeSpentSeconds,
      String comment) {
    return call("addWorklog", issueKey, () -> {
      Issue issue = project.get(issueKey);
      checkTimeSpent(issueKey, timeSpentSeconds);
      long now = project.clock.millis();
      String id = String.valueOf(project.nextWorklog++);
      issue.worklogs.put(id, new Worklog(id, user, started, timeSpentSeconds, comment, now));
      issue.updatedAt(now, project);
      return id;
    });
  }

  @Override
  public void updateWorklog(String issueKey, String worklogId, long started,
      long timeSpentSeconds, String comment) {
    call("updateWorklog", issueKey, () -> {
      Issue issue = project.get(issueKey);
      Worklog w = issue.worklog(worklogId);
      checkTimeSpent(issueKey, timeSpentSeconds);
      long now = project.clock.millis();
      issue.worklogs.put(worklogId,
          new Worklog(worklogId, w.author(), started, timeSpentSeconds, comment, now, user));
      issue.updatedAt(now, project);
      return null;
    });
  }

  @Override
  public void deleteWorklog(String issueKey, String worklogId) {
    call("deleteWorklog", issueKey, () -> {
      Issue issue = project.get(issueKey);
      issue.worklog(worklogId);
      issue.worklogs.remove(worklogId);
      issue.updatedAt(project.clock.millis(), project);
      return null;
    });
  }

  private static void checkTimeSpent(String issueKey, long timeSpentSeconds) {
    if (timeSpentSeconds < 1) {
      throw new TrackerException("time spent must be positive, was " + timeSpentSeconds,
          issueKey, Map.of("timeSpentSeconds", "invalid"));
    }
  }

  @Override
  public String toString() {
    return "InMemoryIssueTracker[" + project.key + " as " + user + "]";
  }

  private <T> T call(String operation, String issueKey, java.util.function.Supplier<T> body) {
    TrackerCall call = new TrackerCall(operation, issueKey, user);
    Interceptor interceptor;
    T result;
    synchronized (project) {
      if (project.recordCalls) {
        project.calls.add(call);
      }
      interceptor = project.interceptor;
    }
    interceptor.before(call);
    List<Consumer<Change>> listeners;
    synchronized (project) {
      result = body.get();
      listeners = List.copyOf(project.changeListeners);
    }
    String event = event(operation);
    if (event != null && !listeners.isEmpty()) {
      boolean namesIssue = !operation.equals("createLink") && !operation.equals("deleteLink")
          && !operation.equals("upload")
          && !operation.equals("deleteAttachment");
      boolean keyed = operation.equals("createIssue") || operation.equals("moveIssue");
      Change change = new Change(event, !namesIssue ? null : keyed ? (String) result : issueKey,
          user, operation.equals("moveIssue") ? issueKey : null);
      listeners.forEach(l -> l.accept(change));
    }
    interceptor.after(call);
    return result;
  }

  // ---------------------------------------------------------------- state

  private static final class Project {
    String key;
    /** The keys the project had before, newest first. */
    final List<String> formerProjectKeys = new ArrayList<>();
    final Clock clock;
    final List<String> issueTypes;
    final Set<String> createScreen;
    final Set<String> requiredOnCreate;
    final Set<String> editable;
    final Map<String, FieldSchema> customFields;
    final List<String> components;
    final Set<String> subtaskTypes;
    final List<String> versions;
    final Set<String> userFields = Set.of("assignee", "reporter");
    final Set<String> priorities;
    final String defaultPriority;
    final Map<String, TrackerUser> users;
    final Map<String, List<Transition>> workflow;
    final Map<String, Issue> issues = new LinkedHashMap<>();
    /** Issues moved to other projects, by their new keys; no search finds them. */
    final Map<String, Issue> elsewhere = new LinkedHashMap<>();
    /** The key each moved issue had before, to the one it moved to. */
    final Map<String, String> formerKeys = new HashMap<>();
    final List<Consumer<Change>> changeListeners = new ArrayList<>();
    final Map<String, IssueLink> links = new LinkedHashMap<>();
    final Map<String, StoredAttachment> attachments = new LinkedHashMap<>();
    long nextAttachment = 10000;
    private java.nio.file.Path attachmentDir;

    synchronized java.nio.file.Path attachmentDir() throws java.io.IOException {
      if (attachmentDir == null) {
        attachmentDir = java.nio.file.Files.createTempDirectory("backbone-" + key + "-");
        attachmentDir.toFile().deleteOnExit();
      }
      return attachmentDir;
    }
    final List<String> linkTypes = List.of("Blocks", "Relates", "Duplicate");
    long nextLink = 10000;
    final List<TrackerCall> calls = new ArrayList<>();
    final boolean recordCalls;
    final int changelogLimit;
    Interceptor interceptor = new Interceptor() {};
    IndexLag indexLag; // null: none
    int nextIssue = 1;
    long nextChangelog = 10000;
    long nextComment = 10000;
    long nextWorklog = 20000;

    Project(Builder b) {
      this.key = b.projectKey;
      this.clock = b.clock;
      this.issueTypes = List.copyOf(b.issueTypes);
      this.createScreen = Set.copyOf(b.createScreen);
      this.requiredOnCreate = Set.copyOf(b.requiredOnCreate);
      Set<String> edit = new LinkedHashSet<>(List.of(
          "summary", "description", "priority", "labels", "assignee", "reporter", "duedate",
          "components", "fixVersions", "versions"));
      edit.addAll(b.customFields.keySet());
      this.editable = Set.copyOf(edit);
      this.customFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.customFields));
      this.components = List.copyOf(b.components);
      this.recordCalls = b.recordCalls;
      this.changelogLimit = b.changelogLimit;
      this.subtaskTypes = Set.copyOf(b.subtaskTypes);
      this.versions = List.copyOf(b.versions);
      this.priorities = new LinkedHashSet<>(b.priorities);
      this.defaultPriority = b.priorities.get(Math.min(1, b.priorities.size() - 1));
      this.users = new LinkedHashMap<>(b.users);
      this.workflow = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.workflow));
    }

    /** The schemas of every field, in a stable order. */
    Map<String, FieldSchema> schemas() {
      Map<String, FieldSchema> all = new LinkedHashMap<>();
      all.put("summary", FieldSchema.system("summary", "Summary", "string"));
      all.put("description", FieldSchema.system("description", "Description", "string"));
      all.put("issuetype", new FieldSchema("issuetype", "Issue Type", "issuetype", null, null,
          issueTypes));
      all.put("priority", new FieldSchema("priority", "Priority", "priority", null, null,
          List.copyOf(priorities)));
      all.put("status", new FieldSchema("status", "Status", "status", null, null,
          List.copyOf(workflow.keySet())));
      all.put("resolution", new FieldSchema("resolution", "Resolution", "resolution", null, null,
          List.of("Done", "Fixed", "Won't Do")));
      all.put("labels", new FieldSchema("labels", "Labels", "array", "string", null, null));
      all.put("comment", FieldSchema.system("comment", "Comment", "comments-page"));
      all.put("parent", FieldSchema.system("parent", "Parent", "issuelink"));
      all.put("attachment", new FieldSchema("attachment", "Attachment", "array", "attachment",
          null, null));
      all.put("worklog", new FieldSchema("worklog", "Log Work", "array", "worklog", null, null));
      all.put("issuelinks", new FieldSchema("issuelinks", "Linked Issues", "array", "issuelinks",
          null, linkTypes));
      all.put("assignee", FieldSchema.system("assignee", "Assignee", "user"));
      all.put("reporter", FieldSchema.system("reporter", "Reporter", "user"));
      all.put("duedate", FieldSchema.system("duedate", "Due date", "date"));
      all.put("components", new FieldSchema("components", "Components", "array", "component",
          null, components));
      all.put("fixVersions", new FieldSchema("fixVersions", "Fix versions", "array", "version",
          null, versions));
      all.put("versions", new FieldSchema("versions", "Affects versions", "array", "version",
          null, versions));
      all.putAll(customFields);
      return all;
    }

    /** The issue of a key, also a former key (as Jira follows it), or null. */
    Issue find(String issueKey) {
      Issue issue = issues.containsKey(issueKey) ? issues.get(issueKey) : elsewhere.get(issueKey);
      for (int hops = 0; issue == null && hops < 10 && formerKeys.containsKey(issueKey); hops++) {
        issueKey = formerKeys.get(issueKey);
        issue = issues.containsKey(issueKey) ? issues.get(issueKey) : elsewhere.get(issueKey);
      }
      return issue;
    }

    /** Deletes an issue with its links and attachments. */
    void remove(String issueKey) {
      issues.remove(issueKey);
      elsewhere.remove(issueKey);
      links.values().removeIf(
          l -> l.outwardIssue().equals(issueKey) || l.inwardIssue().equals(issueKey));
      attachments.values().removeIf(a -> a.issueKey().equals(issueKey));
    }

    Issue get(String issueKey) {
      Issue issue = find(issueKey);
      if (issue == null) {
        throw new TrackerException("Issue Does Not Exist: " + issueKey, issueKey, Map.of());
      }
      return issue;
    }

    void checkType(String type, String issueKey) {
      if (!issueTypes.contains(type)) {
        throw new TrackerException("unknown issue type \"" + type + "\" in " + key
            + "; known: " + issueTypes, issueKey, Map.of("issuetype", "Specify a valid issue type"));
      }
    }

    void validate(String field, JsonNode value, Map<String, String> errors) {
      if (value == null || value.isNull()) {
        return;
      }
      switch (field) {
        case "summary", "description" -> {
          if (!value.isTextual()) {
            errors.put(field, "Operation value must be a string");
          }
        }
        case "priority" -> {
          if (!value.isTextual() || !priorities.contains(value.asText())) {
            errors.put(field, "The priority selected is invalid: " + value);
          }
        }
        case "labels" -> {
          if (!value.isArray()) {
            errors.put(field, "Operation value must be an array of strings");
            return;
          }
          for (JsonNode label : value) {
            if (!label.isTextual() || label.asText().contains(" ")) {
              errors.put(field, "The label " + label + " contains spaces which is invalid.");
            }
          }
        }
        case "duedate", "components", "fixVersions", "versions" ->
            validateCustom(schemas().get(field), value, errors);
        default -> {
          if (userFields.contains(field)
              && (!value.isTextual() || !users.containsKey(value.asText()))) {
            errors.put(field, "User " + value + " does not exist.");
          }
          FieldSchema custom = customFields.get(field);
          if (custom != null) {
            validateCustom(custom, value, errors);
          }
        }
      }
    }
  }

  /**
   * Refuses a value that does not fit the field's schema, as {@link SchemaFit} judges it for
   * {@code FieldMappingTester.importValue} too (one judge: a value the tester passes is one this
   * tracker takes), in the words Jira answers with.
   */
  private static void validateCustom(FieldSchema f, JsonNode value, Map<String, String> errors) {
    if (SchemaFit.misfit(f, value) != null) {
      errors.put(f.id(), (f.allowedValues() == null ? "Not a valid " + f.describe()
          : "Option " + value + " is not valid; valid: " + f.allowedValues()) + " for field "
          + f.name());
    }
  }

  private static final class Issue {
    String key;
    final int number;
    /** Its stable id, as Jira's issue id: {@code 10000 + number}. */
    final String id;
    final String type;
    final String creator;
    final long created;
    String originMarker;
    long updated;
    /**
     * Its earlier update times, oldest first, from the newest one a search has shown on: see
     * {@link #indexedUpdate}.
     */
    private final ArrayDeque<Long> earlier = new ArrayDeque<>();
    /** Its values, changed only through {@link #set}. */
    final Map<String, JsonNode> fields = new LinkedHashMap<>();
    /**
     * {@link #fields} as an immutable map, made at the first read after a change, which every
     * {@link TrackedIssue} of the issue shares until the next (its constructor copies a map that
     * is not one, and each search copied each issue it found); null until then.
     */
    private Map<String, JsonNode> frozen;
    final List<ChangelogEntry> changelog = new ArrayList<>();
    final Map<String, Comment> comments = new LinkedHashMap<>();
    final Map<String, Worklog> worklogs = new LinkedHashMap<>();

    Issue(String key, int number, String type, String creator, long now, String originMarker) {
      this.key = key;
      this.number = number;
      this.id = String.valueOf(10000 + number);
      this.type = type;
      this.creator = creator;
      this.created = now;
      this.updated = now;
      this.originMarker = originMarker;
    }

    /**
     * Moves the issue's update time, remembering the earlier ones a lagging index may show while
     * the project has a lag (without one, none: in a benchmark's 2-second iteration the 2,000
     * issues of a pair, each updated every round, kept about 150,000 boxed times alive, and every
     * young collection copied them).
     */
    void updatedAt(long time, Project project) {
      if (time != updated) {
        if (project.indexLag == null) {
          earlier.clear();
        } else {
          earlier.addLast(updated);
          if (earlier.size() > 1024) { // (a lag that never lets the index catch up)
            earlier.removeFirst();
          }
        }
        updated = time;
      }
    }

    /**
     * The update time the search index shows now: the newest one {@code lag} has let it index,
     * or -1 when it shows the issue not yet.
     */
    long indexedUpdate(IndexLag lag, long now) {
      if (updated + lag.millis(key, updated) <= now) {
        return updated;
      }
      for (Iterator<Long> it = earlier.descendingIterator(); it.hasNext(); ) {
        long time = it.next();
        if (time + lag.millis(key, time) <= now) {
          while (earlier.peekFirst() != time) { // (older ones are never shown again)
            earlier.removeFirst();
          }
          return time;
        }
      }
      return -1;
    }

    String status() {
      return fields.get("status").asText();
    }

    /** Sets a value. */
    void set(String field, JsonNode value) {
      fields.put(field, value);
      frozen = null;
    }

    /** The values as an immutable map, as {@link TrackedIssue} keeps them. */
    private Map<String, JsonNode> frozenFields() {
      if (frozen == null) {
        frozen = Map.copyOf(fields);
      }
      return frozen;
    }

    Comment comment(String id) {
      Comment c = comments.get(id);
      if (c == null) {
        throw new TrackerException("no comment " + id + " on " + key, key, Map.of());
      }
      return c;
    }

    Worklog worklog(String id) {
      Worklog w = worklogs.get(id);
      if (w == null) {
        throw new TrackerException("no worklog " + id + " on " + key, key, Map.of());
      }
      return w;
    }

    void change(String author, long now, Map<String, JsonNode> values, Project project) {
      List<FieldChange> items = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : values.entrySet()) {
        JsonNode before = fields.getOrDefault(e.getKey(), NullNode.getInstance());
        JsonNode after = e.getValue() == null
            || e.getValue().isArray() && e.getValue().isEmpty() // as Jira: no values is none
            ? NullNode.getInstance() : e.getValue();
        if (!before.equals(after)) {
          items.add(new FieldChange(e.getKey(), display(before), display(after)));
          set(e.getKey(), after.deepCopy());
        }
      }
      if (!items.isEmpty()) {
        record(new ChangelogEntry(
            String.valueOf(project.nextChangelog++), author, now, items), project);
        updatedAt(now, project);
      }
    }

    /** Adds an entry, dropping the oldest past the project's changelog limit. */
    private void record(ChangelogEntry entry, Project project) {
      changelog.add(entry);
      if (changelog.size() > project.changelogLimit) {
        changelog.subList(0, changelog.size() - project.changelogLimit).clear();
      }
    }

    /** The entries at or after a time; they are kept in time order, so read from the end. */
    List<ChangelogEntry> changelogSince(long sinceMillis) {
      int from = changelog.size();
      while (from > 0 && changelog.get(from - 1).timestamp() >= sinceMillis) {
        from--;
      }
      return List.copyOf(changelog.subList(from, changelog.size()));
    }

    /** A link change: a changelog entry on field issuelinks, as Jira writes. */
    void recordLink(String author, long now, String text, Project project) {
      recordChange(author, now, "issuelinks", null, text, project);
    }

    void recordChange(String author, long now, String field, String from, String to,
        Project project) {
      record(new ChangelogEntry(String.valueOf(project.nextChangelog++), author, now,
          List.of(new FieldChange(field, from, to))), project);
      updatedAt(now, project);
    }

    /** The issue as a caller gets it: its values are the caller's own (copies). */
    TrackedIssue snapshot() {
      Map<String, JsonNode> copied = copied(fields);
      return new TrackedIssue(key, type, creator, created, updated, originMarker,
          copied == fields ? frozenFields() : copied, id);
    }

    /** The issue as the tracker reads it itself (a JQL condition): the values shared, read only. */
    TrackedIssue view() {
      return new TrackedIssue(key, type, creator, created, updated, originMarker, frozenFields(),
          id);
    }

    /**
     * The values with each array and object copied; text, numbers and null are immutable and
     * shared (most fields are those, and an issue is read on every search that finds it).
     */
    private static Map<String, JsonNode> copied(Map<String, JsonNode> values) {
      Map<String, JsonNode> copy = null;
      for (Map.Entry<String, JsonNode> e : values.entrySet()) {
        if (e.getValue() != null && e.getValue().isContainerNode()) {
          if (copy == null) {
            copy = new LinkedHashMap<>(values);
          }
          copy.put(e.getKey(), e.getValue().deepCopy());
        }
      }
      return copy == null ? values : copy;
    }

    private static String display(JsonNode value) {
      if (value.isNull()) {
        return null;
      }
      if (value.isArray()) {
        List<String> parts = new ArrayList<>();
        value.forEach(v -> parts.add(v.asText()));
        return String.join(" ", parts);
      }
      return value.asText();
    }
  }

  /** Builds an {@link InMemoryIssueTracker}; each setter checks its argument at once. */
  public static final class Builder {
    private final String projectKey;
    private Clock clock = Clock.systemUTC();
    private String syncUser = "sync";
    private final List<String> issueTypes = new ArrayList<>(List.of("Task", "Bug"));
    private final Set<String> createScreen =
        new LinkedHashSet<>(List.of("summary", "description", "priority"));
    private final Set<String> requiredOnCreate = new LinkedHashSet<>(List.of("summary"));
    private final List<String> priorities = new ArrayList<>(List.of("High", "Medium", "Low"));
    private final Map<String, TrackerUser> users = new LinkedHashMap<>();
    private final Map<String, FieldSchema> customFields = new LinkedHashMap<>();
    private final List<String> components = new ArrayList<>(List.of("Backend", "Frontend"));
    private final Set<String> subtaskTypes = new LinkedHashSet<>(List.of("Sub-task"));
    private boolean recordCalls = true;
    private int changelogLimit = Integer.MAX_VALUE;
    private final List<String> versions = new ArrayList<>(List.of("1.0", "2.0"));
    private final Map<String, List<Transition>> workflow = new LinkedHashMap<>();

    private Builder(String projectKey) {
      if (projectKey == null || !projectKey.matches("[A-Z][A-Z0-9_]*")) {
        throw new IllegalArgumentException(
            "projectKey must be upper-case letters and digits, was " + projectKey);
      }
      this.projectKey = projectKey;
      workflow.put("To Do", List.of(new Transition("11", "Start Progress", "In Progress")));
      workflow.put("In Progress", List.of(
          new Transition("21", "Send to Review", "In Review"),
          new Transition("31", "Stop Progress", "To Do")));
      workflow.put("In Review", List.of(
          new Transition("41", "Done", "Done", Set.of("resolution")),
          new Transition("51", "Back to Progress", "In Progress")));
      workflow.put("Done", List.of(new Transition("61", "Reopen", "To Do")));
    }

    /** The clock for created, updated and changelog times. Default: the system clock. */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock must not be null");
      }
      this.clock = clock;
      return this;
    }

    /** The user the built tracker acts as. Default {@code sync}. */
    public Builder syncUser(String userId) {
      this.syncUser = nonBlank("syncUser", userId);
      return this;
    }

    /**
     * Known users (valid for assignee and reporter), named after their id, with the address
     * {@code id@example.com}; acting users are added on their own.
     */
    public Builder users(String... userIds) {
      for (String u : userIds) {
        users.putIfAbsent(nonBlank("user", u), defaultUser(u));
      }
      return this;
    }

    /** A known user with a display name and an e-mail address (null: hidden). */
    public Builder user(String id, String displayName, String email) {
      users.put(nonBlank("user", id), new TrackerUser(id, displayName, email));
      return this;
    }

    static TrackerUser defaultUser(String id) {
      return new TrackerUser(id, id, id + "@example.com");
    }

    /** The issue types; the first is the default of {@link #create(String)}. */
    public Builder issueTypes(String... types) {
      if (types.length == 0) {
        throw new IllegalArgumentException("issueTypes must not be empty");
      }
      issueTypes.clear();
      issueTypes.addAll(List.of(types));
      return this;
    }

    /** The fields on the create screen. Default: summary, description, priority. */
    public Builder createScreen(Collection<String> fieldIds) {
      createScreen.clear();
      createScreen.addAll(fieldIds);
      return this;
    }

    /**
     * The issue types that are sub-tasks: created with a {@code parent} (an issue key of the
     * project), which they must have. Default: {@code Sub-task} (when it is one of the types).
     */
    public Builder subtaskTypes(String... types) {
      subtaskTypes.clear();
      subtaskTypes.addAll(List.of(types));
      return this;
    }

    /**
     * Whether every call is recorded for {@link InMemoryIssueTracker#calls()}. Default true; a
     * long benchmark turns it off so the record does not grow without end.
     */
    public Builder recordCalls(boolean record) {
      this.recordCalls = record;
      return this;
    }

    /**
     * Keeps at most this many changelog entries per issue, dropping the oldest, as a Jira whose
     * history was pruned. Default: all of them; a long benchmark keeps a few so that the history
     * of a million edits does not fill the heap (and the garbage collector's pauses with it).
     */
    public Builder changelogLimit(int entriesPerIssue) {
      if (entriesPerIssue < 1) {
        throw new IllegalArgumentException(
            "changelogLimit must be at least 1, was " + entriesPerIssue);
      }
      this.changelogLimit = entriesPerIssue;
      return this;
    }

    /** The project's components. Default: Backend, Frontend. */
    public Builder components(String... names) {
      components.clear();
      components.addAll(List.of(names));
      return this;
    }

    /** The project's versions (for fix and affects versions). Default: 1.0, 2.0. */
    public Builder versions(String... names) {
      versions.clear();
      versions.addAll(List.of(names));
      return this;
    }

    /** Replaces the workflow: status to the transitions leaving it. */
    public Builder workflow(Map<String, List<Transition>> transitions) {
      if (transitions.isEmpty() || !transitions.containsKey(INITIAL_STATUS)) {
        throw new IllegalArgumentException(
            "workflow must have the initial status " + INITIAL_STATUS + ", was " + transitions.keySet());
      }
      workflow.clear();
      workflow.putAll(transitions);
      return this;
    }

    /** The valid priorities; the second (or only) one is the default. */
    public Builder priorities(String... names) {
      if (names.length == 0) {
        throw new IllegalArgumentException("priorities must not be empty");
      }
      priorities.clear();
      priorities.addAll(List.of(names));
      return this;
    }

    /** Declares a text custom field (e.g. {@code customfield_10010}). */
    public Builder customField(String fieldId) {
      return customField(new FieldSchema(nonBlank("customField", fieldId), fieldId, "string",
          null, "com.atlassian.jira.plugin.system.customfieldtypes:textfield", null));
    }

    /** Declares a single-select custom field with its options. */
    public Builder selectField(String fieldId, String... options) {
      return customField(new FieldSchema(nonBlank("selectField", fieldId), fieldId, "option",
          null, "com.atlassian.jira.plugin.system.customfieldtypes:select", List.of(options)));
    }

    /** Declares a multi-select custom field with its options. */
    public Builder multiSelectField(String fieldId, String... options) {
      return customField(new FieldSchema(nonBlank("multiSelectField", fieldId), fieldId, "array",
          "option", "com.atlassian.jira.plugin.system.customfieldtypes:multiselect",
          List.of(options)));
    }

    /** Declares a date custom field (values {@code yyyy-MM-dd}). */
    public Builder dateField(String fieldId) {
      return customField(new FieldSchema(nonBlank("dateField", fieldId), fieldId, "date",
          null, "com.atlassian.jira.plugin.system.customfieldtypes:datepicker", null));
    }

    /** Declares a number custom field. */
    public Builder numberField(String fieldId) {
      return customField(new FieldSchema(nonBlank("numberField", fieldId), fieldId, "number",
          null, "com.atlassian.jira.plugin.system.customfieldtypes:float", null));
    }

    /** Declares a custom field with any schema (its {@code custom} key must be set). */
    public Builder customField(FieldSchema schema) {
      if (schema.system()) {
        throw new IllegalArgumentException("custom field " + schema.id()
            + " needs a custom type key in its schema");
      }
      customFields.put(schema.id(), schema);
      return this;
    }

    /** Puts a field on the create screen (in addition to the current ones). */
    public Builder onCreateScreen(String fieldId) {
      createScreen.add(nonBlank("onCreateScreen", fieldId));
      return this;
    }

    /** Makes a field required on create (and puts it on the create screen). */
    public Builder requiredOnCreate(String fieldId) {
      onCreateScreen(fieldId);
      requiredOnCreate.add(fieldId);
      return this;
    }

    /** Lets the test adjust the builder in place. */
    public Builder with(Consumer<Builder> adjust) {
      adjust.accept(this);
      return this;
    }

    /** Builds the project and the tracker acting as the sync user. */
    public InMemoryIssueTracker build() {
      if (!createScreen.containsAll(requiredOnCreate)) {
        throw new IllegalArgumentException(
            "createScreen " + createScreen + " must contain " + requiredOnCreate);
      }
      users.putIfAbsent(syncUser, defaultUser(syncUser));
      return new InMemoryIssueTracker(new Project(this), syncUser);
    }

    private static String nonBlank(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank, was " + value);
      }
      return value;
    }
  }
}
