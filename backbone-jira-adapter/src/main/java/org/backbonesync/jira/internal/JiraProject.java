package org.backbonesync.jira.internal;

import static org.backbonesync.jira.internal.JiraSession.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraAnswerException;
import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.TrackerUser;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.Worklog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jira project as an {@link IssueTracker}. Request costs: a change search is one request
 * per page (changelogs come embedded; only a changelog Jira Cloud truncated costs more, and on
 * Server a page after issues of earlier pages left the results: {@link ServerSearchPaging}); an
 * edit of plain fields is one PUT; a create is one POST carrying the origin marker as an issue
 * property. Thread-safe: the project's metadata is read once, lazily.
 */
public final class JiraProject implements IssueTracker {
  private static final int CHANGELOG_PAGE = 100;

  private final JiraSession session;
  private final JiraHttp http;
  private static final Logger log = LoggerFactory.getLogger(JiraProject.class);

  private final String projectKey;
  /**
   * The keys the project is known by, the one it has now first: the configured key, and the one
   * Jira renamed it to when an issue of the project's id showed under another key.
   */
  private volatile List<String> keys;
  private JiraWire wire;
  private Map<String, String> issueTypeIds;
  private JsonNode project;

  public JiraProject(JiraSession session, String projectKey) {
    this.session = session;
    this.http = session.http();
    this.projectKey = projectKey;
    this.keys = List.of(projectKey);
  }

  @Override
  public String projectKey() {
    return projectKey;
  }

  /**
   * The configured key and, once the project's metadata names another key or an issue of this
   * project (by its {@code project.id}) has shown under another key, that key first: the project
   * was renamed. Jira keeps the old key, so reads,
   * writes and JQL by it go on working; searches use the new one from then on.
   */
  @Override
  public List<String> projectKeys() {
    return keys;
  }

  /** The key the project has now, as far as this adapter knows: searches name it. */
  private String current() {
    return keys.get(0);
  }

  /**
   * Learns the project's new key from an issue Jira answered under a key of none of ours, when
   * the issue's {@code fields.project.id} is this project's (read once, only then): the project
   * was renamed. An issue of another project (one moved out) teaches nothing.
   */
  private void learn(JsonNode issue) {
    String key = issue.path("key").asText("");
    JsonNode of = issue.path("fields").path("project");
    String newKey = JiraWire.text(of.path("key"));
    String id = JiraWire.text(of.path("id"));
    if (key.isEmpty() || ownKey(key) || newKey == null || !isProjectKey(newKey) || id == null
        || !key.startsWith(newKey + "-") || !id.equals(JiraWire.text(project().path("id")))) {
      return;
    }
    synchronized (this) {
      List<String> known = new ArrayList<>();
      known.add(newKey);
      keys.stream().filter(k -> !k.equals(newKey)).forEach(known::add);
      keys = List.copyOf(known);
    }
    log.info("{}: project {} is now {} (project id {}): following its new key", projectKey,
        projectKey, newKey, id);
  }

  /** A Jira project key, of at most 255 characters (a store's column). */
  private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}");

  /**
   * Whether the text (which may be null) is a project key: one a host names (the site's and
   * the webhook handler's builders check so), or one Jira sent, then followed and logged.
   */
  public static boolean isProjectKey(String key) {
    return key != null && PROJECT_KEY.matcher(key).matches();
  }

  @Override
  public String toString() {
    return "JiraProject[" + projectKey + " on " + http.base() + "]";
  }

  private String api() {
    return session.api();
  }

  private boolean cloud() {
    return session.flavour() == JiraFlavour.CLOUD;
  }

  private synchronized JiraWire wire() {
    if (wire == null) {
      wire = new JiraWire(session.flavour(), session.fields(), http::scrub);
    }
    return wire;
  }

  private synchronized JsonNode project() {
    if (project == null) {
      project = http.json("GET", api() + "/project/" + encode(projectKey), null, null);
      // (Jira answers a renamed project's old key with the project as it is now)
      String now = JiraWire.text(project.path("key"));
      if (now != null && !keys.contains(now) && isProjectKey(now)) {
        List<String> known = new ArrayList<>(keys);
        known.add(0, now);
        keys = List.copyOf(known);
        log.info("{}: project {} is now {}: following its new key", projectKey, projectKey, now);
      }
      Map<String, String> ids = new LinkedHashMap<>();
      project.path("issueTypes").forEach(t -> ids.put(t.path("name").asText(),
          JiraWire.idOrSelf(t, "issueType", "an issue type of " + projectKey)));
      issueTypeIds = ids;
    }
    return project;
  }

  private String issueTypeId(String name) {
    project();
    String id = issueTypeIds.get(name);
    if (id == null) {
      // (the names as Jira sent them, escaped and blotted: a site's text reaches logs)
      String known = issueTypeIds.keySet().stream().limit(20).map(JiraText::quoted)
          .collect(java.util.stream.Collectors.joining(", "))
          + (issueTypeIds.size() > 20 ? " and " + (issueTypeIds.size() - 20) + " more" : "");
      throw new TrackerException(http.scrub("unknown issue type " + JiraText.quoted(name)
          + " in " + projectKey + "; known: [" + known + "]"), null, Map.of("issuetype", name));
    }
    return id;
  }

  // ------------------------------------------------------------------ metadata

  @Override
  public List<String> issueTypes() {
    project();
    return List.copyOf(issueTypeIds.keySet());
  }

  @Override
  public List<FieldSchema> fields() {
    JsonNode p = project();
    Map<String, List<String>> allowed = new LinkedHashMap<>();
    allowed.put("issuetype", issueTypes());
    allowed.put("components", names(p.path("components"), "name"));
    allowed.put("versions", names(p.path("versions"), "name"));
    allowed.put("fixVersions", names(p.path("versions"), "name"));
    JsonNode priorities = http.send("GET", api() + "/priority", null, null).body();
    allowed.put("priority", names(priorities, "name"));
    JsonNode resolutions = http.send("GET", api() + "/resolution", null, null).body();
    allowed.put("resolution", names(resolutions, "name"));
    Set<String> statuses = new LinkedHashSet<>();
    JsonNode perType = http.send("GET", api() + "/project/" + encode(projectKey) + "/statuses",
        null, null).body();
    if (perType != null) {
      perType.forEach(t -> t.path("statuses").forEach(s -> statuses.add(s.path("name").asText())));
    }
    allowed.put("status", List.copyOf(statuses));
    JsonNode linkTypes = http.send("GET", api() + "/issueLinkType", null, null).body();
    allowed.put("issuelinks", names(linkTypes == null ? null
        : linkTypes.has("issueLinkTypes") ? linkTypes.path("issueLinkTypes") : linkTypes, "name"));
    List<FieldSchema> out = new ArrayList<>();
    for (FieldSchema f : session.fields()) {
      List<String> values = allowed.get(f.id());
      out.add(values == null ? f
          : new FieldSchema(f.id(), f.name(), f.type(), f.items(), f.custom(), values));
    }
    return out;
  }

  private static List<String> names(JsonNode list, String key) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      list.forEach(n -> {
        if (n.hasNonNull(key)) {
          out.add(n.path(key).asText());
        }
      });
    }
    return out;
  }

  /**
   * Each issue type's create screen as read, for {@link #CREATE_SCREEN_KEPT}: a first sync
   * creating thousands of issues read it once per issue (one GET per create). A screen changed
   * in Jira shows within that time, and at once after a create Jira refused.
   */
  private final Map<String, KeptScreen> createScreens = new ConcurrentHashMap<>();
  private static final Duration CREATE_SCREEN_KEPT = Duration.ofMinutes(1);

  private record KeptScreen(CreateMetadata screen, long readAt) {}

  @Override
  public CreateMetadata createMetadata(String issueType) {
    long now = http.clock().millis();
    KeptScreen kept = createScreens.get(issueType);
    if (kept != null && now - kept.readAt() >= 0
        && now - kept.readAt() < CREATE_SCREEN_KEPT.toMillis()) {
      return kept.screen();
    }
    CreateMetadata screen = readCreateMetadata(issueType);
    createScreens.put(issueType, new KeptScreen(screen, now));
    return screen;
  }

  private CreateMetadata readCreateMetadata(String issueType) {
    String typeId = issueTypeId(issueType);
    String base = api() + "/issue/createmeta";
    if (!cloud()) {
      try {
        JsonNode old = http.json("GET", base + "?projectKeys=" + encode(projectKey)
            + "&issuetypeIds=" + encode(typeId) + "&expand=projects.issuetypes.fields", null,
            null);
        return JiraWire.createMetadata(issueType, old);
      } catch (JiraException e) {
        if (e.status() != 404) {
          throw e;
        }
        // Server 9 removed the old form: read the paged one below.
      }
    }
    String path = base + "/" + encode(projectKey) + "/issuetypes/" + encode(typeId);
    List<JsonNode> fields = Paging.byOffset("GET " + path, null, startAt -> http.json("GET",
        path + "?startAt=" + startAt + "&maxResults=200", null, null),
        JiraProject::createFields, JiraProject::createFieldId);
    ObjectNode all = JiraWire.JSON.objectNode();
    all.putArray("fields").addAll(fields);
    return JiraWire.createMetadata(issueType, all);
  }

  /** The fields of a page of the paged create metadata ({@code values} on Server 9). */
  private static List<JsonNode> createFields(JsonNode page) {
    List<JsonNode> out = new ArrayList<>();
    (page.has("fields") ? page.path("fields") : page.path("values")).forEach(out::add);
    return out;
  }

  private static String createFieldId(JsonNode field) {
    String id = JiraWire.text(field.path("fieldId"));
    String key = JiraWire.text(field.path("key"));
    return id != null ? id : key != null ? key : field.toString();
  }

  // ------------------------------------------------------------------ change detection

  @Override
  public ChangePage findUpdatedSince(long sinceMillis, String jql, int maxResults,
      String pageToken) {
    String query = "project = \"" + current() + "\" AND updated >= \""
        + JiraTime.jqlMinute(sinceMillis, session.zone()) + "\""
        + (jql == null || jql.isBlank() ? "" : " AND (" + jql + ")")
        + " ORDER BY updated ASC, key ASC";
    Paging.SearchToken at = Paging.SearchToken.of(pageToken);
    if (cloud()) {
      JsonNode page = search(query, maxResults, at.jira(), "*all", true);
      return new ChangePage(changes(page, sinceMillis),
          at.next(nextToken(page, at.jira()), searchRequest()));
    }
    ServerSearchPaging.Page page = ServerSearchPaging.next(
        ServerSearchPaging.Cursor.parse(at.jira(), searchRequest(), http::scrub), maxResults,
        (startAt, max) -> search(query, max, String.valueOf(startAt), "*all", true),
        searchRequest(), http::scrub);
    return new ChangePage(changes(page.answer(), sinceMillis),
        at.next(page.next() == null ? null : page.next().toString(), searchRequest()));
  }

  /**
   * One search for the named issues, as {@link #findUpdatedSince} would return them. A key Jira
   * does not know (the issue was deleted or moved since the webhook) fails the whole search with
   * 400: then the keys are searched again in halves, so that k unknown keys among n cost about
   * k log n searches, and the unknown ones are left out.
   */
  @Override
  public List<IssueChanges> findChanged(Collection<String> issueKeys, long sinceMillis,
      String jql) {
    List<String> keys = issueKeys.stream().filter(this::searchableKey).distinct().toList();
    return keys.isEmpty() ? List.of() : findKnown(keys, sinceMillis, jql);
  }

  private List<IssueChanges> findKnown(List<String> keys, long sinceMillis, String jql) {
    try {
      return searchKeys(keys, sinceMillis, jql);
    } catch (JiraException e) {
      if (e.status() != 400) {
        throw e;
      }
      if (keys.size() == 1) {
        log.debug("{}: {} left out of the hinted issues: {}", projectKey, keys.get(0),
            e.getMessage());
        return List.of();
      }
    }
    int half = keys.size() / 2;
    List<IssueChanges> found = new ArrayList<>(findKnown(keys.subList(0, half), sinceMillis, jql));
    found.addAll(findKnown(keys.subList(half, keys.size()), sinceMillis, jql));
    return found;
  }

  /** Whether a key is one of this project's, in the only form put into a JQL string. */
  private boolean searchableKey(String key) {
    if (key == null) {
      return false;
    }
    for (String known : keys) {
      if (key.startsWith(known + "-")
          && key.substring(known.length() + 1).matches("[1-9][0-9]{0,17}")) {
        return true;
      }
    }
    return false;
  }

  private List<IssueChanges> searchKeys(List<String> keys, long sinceMillis, String jql) {
    String query = "project = \"" + current() + "\" AND issuekey in ("
        + String.join(", ", keys) + ") AND updated >= \""
        + JiraTime.jqlMinute(sinceMillis, session.zone()) + "\""
        + (jql == null || jql.isBlank() ? "" : " AND (" + jql + ")")
        + " ORDER BY updated ASC, key ASC";
    List<IssueChanges> found = new ArrayList<>();
    Set<String> tokens = new java.util.HashSet<>();
    String token = null;
    do {
      JsonNode page = search(query, Math.max(keys.size(), 1), token, "*all", true);
      found.addAll(changes(page, sinceMillis));
      token = Paging.nextOfNamed(searchRequest(), nextToken(page, token), tokens, keys.size());
    } while (token != null);
    return found;
  }

  /** The issues of one search page with their changelogs from {@code sinceMillis}. */
  private List<IssueChanges> changes(JsonNode page, long sinceMillis) {
    List<IssueChanges> out = new ArrayList<>();
    for (JsonNode issue : page.path("issues")) {
      learn(issue);
      own(JiraWire.key(issue, "a search result", http::scrub), "the search for changes");
    }
    for (JsonNode issue : page.path("issues")) {
      TrackedIssue tracked = wire().issue(issue);
      if (tracked.updated() < sinceMillis) {
        continue; // JQL reads whole minutes: the search returns a little more than asked
      }
      JsonNode changelog = issue.path("changelog");
      List<ChangelogEntry> entries;
      JsonNode histories = changelog.path("histories");
      if (changelog.path("total").asLong(histories.size()) > histories.size()) {
        entries = changelogFromEnd(changelogPath(tracked.key()), tracked.key(), sinceMillis,
            histories, changelog.path("total").asLong());
      } else {
        entries = wire().changelog(histories);
      }
      out.add(new IssueChanges(tracked, since(entries, sinceMillis),
          allComments(issue.path("fields").path("comment")),
          attachmentsOf(issue.path("fields").path("attachment"))));
    }
    return out;
  }

  /** The comments a search brought along, when they are all there; else null. */
  private List<Comment> allComments(JsonNode field) {
    if (!field.isObject() || !field.path("comments").isArray()) {
      return null;
    }
    List<Comment> comments = wire().comments(field);
    return comments.size() >= field.path("total").asInt(Integer.MAX_VALUE) ? comments : null;
  }

  /**
   * The attachments of an issue's {@code attachment} field (Jira lists them whole), oldest
   * first; null when the field is not there.
   */
  private List<Attachment> attachmentsOf(JsonNode field) {
    if (!field.isArray()) {
      return null;
    }
    List<Attachment> out = new ArrayList<>();
    field.forEach(a -> out.add(wire().attachment(a)));
    out.sort(Comparator.comparingLong(Attachment::created)
        .thenComparingLong(a -> numeric(a.id())));
    return out;
  }

  /**
   * Jira's {@code serverTime} from {@code /serverInfo}: the clock Jira stamps {@code updated}
   * with, in milliseconds. Empty when the answer has none that reads as a time.
   */
  @Override
  public OptionalLong serverTime() {
    JsonNode time = http.json("GET", api() + "/serverInfo", null, null).path("serverTime");
    if (!time.isTextual()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(JiraTime.parse(time.textValue()));
    } catch (IllegalArgumentException e) {
      log.debug("{}: serverInfo's serverTime is not a time: {}", projectKey,
          http.scrub(e.getMessage()));
      return OptionalLong.empty();
    }
  }

  /**
   * Cloud: {@code POST /search/approximate-count}; Server: the {@code total} of a search for one
   * issue key. Any failure is "cannot tell" (logged at debug): a count only shows progress.
   */
  @Override
  public OptionalLong countMatching(String jql) {
    String query = "project = \"" + current() + "\""
        + (jql == null || jql.isBlank() ? "" : " AND (" + jql + ")");
    try {
      if (cloud()) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("jql", query);
        JsonNode count = http.json("POST", api() + "/search/approximate-count", body, null)
            .path("count");
        return count.canConvertToLong() && count.asLong() >= 0
            ? OptionalLong.of(count.asLong()) : OptionalLong.empty();
      }
      JsonNode total = search(query, 1, null, "key", false).path("total");
      return total.canConvertToLong() && total.asLong() >= 0
          ? OptionalLong.of(total.asLong()) : OptionalLong.empty();
    } catch (RuntimeException e) {
      log.debug("{}: issues not counted: {}", projectKey, e.getMessage());
      return OptionalLong.empty();
    }
  }

  private JsonNode search(String jql, int maxResults, String pageToken, String fields,
      boolean changelog) {
    StringBuilder q = new StringBuilder("?jql=").append(encode(jql))
        .append("&maxResults=").append(maxResults)
        .append("&fields=").append(encode(fields))
        .append("&properties=").append(JiraWire.ORIGIN_PROPERTY);
    if (changelog) {
      q.append("&expand=changelog");
    }
    if (cloud()) {
      if (pageToken != null) {
        q.append("&nextPageToken=").append(encode(pageToken));
      }
      return http.json("GET", api() + "/search/jql" + q, null, null);
    }
    q.append("&startAt=").append(pageToken == null ? 0 : Integer.parseInt(pageToken));
    return http.json("GET", api() + "/search" + q, null, null);
  }

  /** The method and path of a search, for a refusal. */
  private String searchRequest() {
    return "GET " + api() + (cloud() ? "/search/jql" : "/search");
  }

  /**
   * The next page's token: Cloud's nextPageToken, or Server's next startAt (none after a page
   * without issues).
   *
   * @param asked the token the page was asked with, or null for the first
   * @throws JiraAnswerException when a Server page does not start where it was asked to
   */
  private String nextToken(JsonNode page, String asked) {
    if (cloud()) {
      String token = JiraWire.text(page.path("nextPageToken"));
      return page.path("isLast").asBoolean(false) ? null : token;
    }
    long startAt = asked == null ? 0 : Long.parseLong(asked);
    long size = page.path("issues").size();
    long total = page.path("total").asLong(0);
    Paging.checkStart(searchRequest(), null, page, startAt);
    if (size == 0 || startAt + size >= total) {
      return null;
    }
    if (startAt + size > Integer.MAX_VALUE) {
      throw Paging.refused(searchRequest(), null, "total", "is " + total + ", past the last"
          + " startAt Jira takes");
    }
    return String.valueOf(startAt + size);
  }

  private static List<ChangelogEntry> since(List<ChangelogEntry> entries, long sinceMillis) {
    List<ChangelogEntry> out = new ArrayList<>();
    for (ChangelogEntry e : entries) {
      if (e.timestamp() >= sinceMillis) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public List<ChangelogEntry> changelog(String issueKey, long sinceMillis) {
    if (!cloud()) {
      JsonNode issue = http.json("GET", api() + "/issue/" + encode(issueKey)
          + "?fields=updated&expand=changelog", null, issueKey);
      return since(wire().changelog(issue.path("changelog").path("histories")), sinceMillis);
    }
    String path = changelogPath(issueKey);
    JsonNode first = changelogPage(path, issueKey, 0);
    JsonNode values = changelogValues(first, "GET " + path, issueKey);
    long total = first.path("total").asLong(0);
    if (total <= values.size()) {
      return since(wire().changelog(values), sinceMillis);
    }
    return changelogFromEnd(path, issueKey, sinceMillis, values, total);
  }

  /**
   * Pages a long changelog from its end back to the first entry older than {@code since}, so a
   * long-lived issue costs one request per hundred recent entries, not its whole history.
   *
   * @param path the changelog's path ({@link #changelogPath})
   */
  private List<ChangelogEntry> changelogFromEnd(String path, String issueKey, long sinceMillis,
      JsonNode known, long total) {
    String request = "GET " + path;
    Paging.checkTotal(request, issueKey, total, Paging.MAX_CHANGELOG);
    ArrayNode all = JiraWire.JSON.arrayNode();
    if (known.isArray()) {
      known.forEach(all::add);
    }
    Map<JsonNode, Long> created = new IdentityHashMap<>(); // read once, kept for the entries
    int startAt = (int) Math.max(0, total - CHANGELOG_PAGE); // (total is at most the cap)
    while (true) {
      JsonNode values = changelogEntries(path, request, issueKey, startAt, total);
      values.forEach(all::add);
      boolean older = false;
      for (JsonNode h : values) {
        long at = JiraWire.created(h, http::scrub);
        created.put(h, at);
        older |= at < sinceMillis;
      }
      if (older || startAt == 0) {
        break;
      }
      startAt = Math.max(0, startAt - CHANGELOG_PAGE);
    }
    return since(wire().changelog(all, h -> {
      Long at = created.get(h);
      return at != null ? at : JiraWire.created(h, http::scrub);
    }), sinceMillis);
  }

  /**
   * The entries of the changelog page at {@code startAt} when the changelog has {@code total}:
   * a full page (entries are never deleted, so a shorter one means the total lied).
   */
  private JsonNode changelogEntries(String path, String request, String issueKey, int startAt,
      long total) {
    JsonNode page = changelogPage(path, issueKey, startAt);
    JsonNode values = changelogValues(page, request, issueKey);
    Paging.checkStart(request, issueKey, page, startAt);
    long expected = Math.min(CHANGELOG_PAGE, total - startAt);
    if (values.size() < expected) {
      throw Paging.refused(request, issueKey, "values", "holds " + values.size()
          + " entries at startAt " + startAt + ", where the total of " + total + " says "
          + expected);
    }
    return values;
  }

  private JsonNode changelogPage(String path, String issueKey, int startAt) {
    return http.json("GET", path + "?startAt=" + startAt + "&maxResults=" + CHANGELOG_PAGE,
        null, issueKey);
  }

  /** The entries of a changelog page: its {@code values} (or {@code histories}), an array. */
  private static JsonNode changelogValues(JsonNode page, String request, String issueKey) {
    return JiraWire.array(page, page.has("histories") && !page.has("values") ? "histories"
        : "values", request, issueKey);
  }

  private String changelogPath(String issueKey) {
    return api() + "/issue/" + encode(issueKey) + "/changelog";
  }

  @Override
  public boolean matches(String issueKey, String jql) {
    JsonNode page = search("key = \"" + issueKey + "\" AND (" + jql + ")", 1, null, "key",
        false);
    // Only the issue asked about counts: a search that ignored the query finds some other one.
    for (JsonNode issue : page.path("issues")) {
      if (issueKey.equalsIgnoreCase(JiraWire.key(issue, "a search result", http::scrub))) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ users

  @Override
  public Optional<TrackerUser> user(String userId) {
    try {
      JsonNode u = http.send("GET", api() + "/user?" + (cloud() ? "accountId=" : "username=")
          + encode(userId), null, null).body();
      return Optional.ofNullable(u).map(this::trackerUser);
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private TrackerUser trackerUser(JsonNode u) {
    return new TrackerUser(wire().userId(u), JiraWire.text(u.path("displayName")),
        JiraWire.text(u.path("emailAddress")));
  }

  @Override
  public List<TrackerUser> findUsers(String query) {
    JsonNode list = http.send("GET", api() + "/user/search?" + (cloud() ? "query=" : "username=")
        + encode(query) + "&maxResults=50", null, null).body();
    List<TrackerUser> out = new ArrayList<>();
    if (list != null) {
      list.forEach(u -> {
        if (wire().userId(u) != null) {
          out.add(trackerUser(u));
        }
      });
    }
    return out;
  }

  @Override
  public String mention(String userId) {
    return cloud() ? "[" + Adf.MENTION + userId + "]" : "[~" + userId + "]";
  }

  // ------------------------------------------------------------------ issues

  @Override
  public Optional<TrackedIssue> issue(String issueKey) {
    JsonNode issue;
    try {
      issue = http.json("GET", api() + "/issue/" + encode(issueKey) + "?fields=*all&properties="
          + JiraWire.ORIGIN_PROPERTY, null, issueKey);
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    // (an issue moved to another project is answered under its new key, as Jira does: the
    // engine then knows it moved rather than was deleted, and writes nothing to it; one of a
    // renamed project teaches the project's new key)
    learn(issue);
    return Optional.of(wire().issue(issue));
  }

  /**
   * Whether an issue Jira answers 404 for was deleted. Read once more: Server/Data Center says
   * "Issue Does Not Exist" for a deleted issue and "You do not have the permission to see the
   * specified issue." for one the sync user may not see; Cloud says "Issue does not exist or you
   * do not have permission to see it." for both, which tells nothing, as does a message in
   * another language. So only Server's words are a deletion, unless the site takes every 404 as
   * one ({@code notFoundIsDeleted}). An issue found now is neither deleted nor gone: the 404
   * was Jira's for a moment, and a {@link RetriableException} says so, so that the engine reads
   * it again later instead of unlinking a pair whose issue is there.
   */
  @Override
  public boolean deletionConfirmed(String issueKey) {
    if (session.notFoundIsDeleted()) {
      return true;
    }
    try {
      http.json("GET", api() + "/issue/" + encode(issueKey) + "?fields=id", null, issueKey);
    } catch (JiraException e) {
      if (e.status() != 404) {
        throw e;
      }
      boolean deleted = e.errorMessages().stream().anyMatch(JiraProject::saysDoesNotExist);
      if (!deleted) {
        log.info("{}: {} not found, not taken as deleted: {} (deleted, or hidden from the sync"
            + " user)", projectKey, issueKey, e.getMessage());
      }
      return deleted;
    }
    throw new RetriableException(projectKey + ": " + issueKey + " answered 404, then was found;"
        + " read again later", null);
  }

  /** Whether a message of Jira's is Server/Data Center's for an issue that does not exist. */
  private static boolean saysDoesNotExist(String message) {
    return message.strip().replaceFirst("\\.$", "").equalsIgnoreCase("Issue Does Not Exist");
  }

  @Override
  public String createIssue(IssueCreate create) {
    ObjectNode body = JiraWire.JSON.objectNode();
    ObjectNode fields = body.putObject("fields");
    fields.putObject("project").put("key", current());
    fields.putObject("issuetype").put("id", issueTypeId(create.issueType()));
    create.fields().forEach((id, value) -> {
      if (value != null && !value.isNull()) {
        fields.set(id, wire().toWire(id, value, create.documents().get(id)));
      }
    });
    if (create.originMarker() != null) {
      // In the same request, so an issue never exists without its marker.
      ObjectNode property = body.putArray("properties").addObject()
          .put("key", JiraWire.ORIGIN_PROPERTY);
      property.putObject("value").put("origin", create.originMarker());
    }
    JsonNode created;
    try {
      created = http.json("POST", api() + "/issue" + quiet("?"), body, null);
    } catch (JiraException e) {
      if (e.status() == 400 && !create.documents().isEmpty()) {
        // refused, so not made: maybe for a partner's document; the text alone then
        log.info("{}: Jira refused the create with the partner's rich-text documents of {} ({});"
            + " creating it from their wiki markup", projectKey, create.documents().keySet(),
            e.getMessage());
        return createIssue(new IssueCreate(create.issueType(), create.fields(),
            create.originMarker()));
      }
      if (e.status() == 400) {
        createScreens.remove(create.issueType()); // the screen may have changed: read it again
      }
      throw e;
    }
    return own(JiraWire.key(created, "the issue it created", http::scrub), "the create");
  }

  private String quiet(String separator) {
    return session.quietWrites() ? separator + "notifyUsers=false" : "";
  }

  @Override
  public void updateIssue(String issueKey, Map<String, com.fasterxml.jackson.databind.JsonNode>
      fields) {
    updateIssue(issueKey, fields, Map.of());
  }

  /**
   * On Cloud a rich-text field gets the partner's ADF document where the text is still its wiki
   * markup; if Jira refuses the update with documents, it is sent again with the text only.
   */
  @Override
  public void updateIssue(String issueKey, Map<String, JsonNode> fields,
      Map<String, JsonNode> documents) {
    if (fields.isEmpty()) {
      return;
    }
    ObjectNode body = JiraWire.JSON.objectNode();
    ObjectNode f = body.putObject("fields");
    boolean rich = false;
    for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
      JsonNode document = documents.get(e.getKey());
      rich |= document != null;
      f.set(e.getKey(), wire().toWire(e.getKey(), e.getValue(), document));
    }
    try {
      http.send("PUT", api() + "/issue/" + encode(issueKey) + quiet("?"), body, issueKey);
    } catch (JiraException e) {
      if (!rich || e.status() != 400) {
        throw e;
      }
      log.info("{}: Jira refused the partner's rich-text documents ({}); writing their wiki"
          + " markup", issueKey, e.getMessage());
      updateIssue(issueKey, fields, Map.of());
    }
  }

  /** How many of the sync user's newest issues a search for an origin marker looks through. */
  private static final int ORIGIN_SCAN = 100;

  /**
   * Finds the issue created with a marker: by JQL on the marker's issue property where Jira
   * indexes it (an app must ask for that); else, as Jira refuses or finds nothing, among the
   * sync user's newest issues in the project. Either way an issue counts only when it is of
   * this project and the property it carries holds the marker: a search that ignored its query
   * would otherwise pair the wrong issue. Only called after a create that may have been cut
   * short, so the extra pages are rare.
   */
  @Override
  public Optional<String> findByOriginMarker(String originMarker) {
    try {
      JsonNode page = search("project = \"" + current() + "\" AND issue.property["
          + JiraWire.ORIGIN_PROPERTY + "].origin = \"" + originMarker.replace("\\", "\\\\")
              .replace("\"", "\\\"") + "\"", 10, null, "key", false);
      Optional<String> found = carrying(page, originMarker);
      if (found.isPresent()) {
        return found;
      }
    } catch (JiraException e) {
      if (e.status() != 400) {
        throw e; // 400: the property is not searchable here
      }
    }
    String token = null;
    int seen = 0;
    do {
      JsonNode page = search("project = \"" + current() + "\" AND creator = currentUser()"
          + " ORDER BY created DESC", 50, token, "key", false);
      Optional<String> found = carrying(page, originMarker);
      if (found.isPresent()) {
        return found;
      }
      seen += page.path("issues").size();
      token = page.path("issues").isEmpty() ? null : nextToken(page, token);
    } while (token != null && seen < ORIGIN_SCAN);
    return Optional.empty();
  }

  /** Sets the issue property the origin marker lives in (as the create request does). */
  @Override
  public boolean setOriginMarker(String issueKey, String originMarker) {
    ObjectNode value = JiraWire.JSON.objectNode().put("origin", originMarker);
    http.send("PUT", api() + "/issue/" + encode(issueKey) + "/properties/"
        + JiraWire.ORIGIN_PROPERTY, value, issueKey);
    return true;
  }

  /** How many markers one search asks for, so that the JQL stays short. */
  private static final int MARKERS_PER_SEARCH = 50;

  /**
   * Finds the issues of several markers: one search per 50 markers by JQL on the property (where
   * Jira indexes it), then, for markers still not found, one look through the sync user's newest
   * issues for all of them (at most {@value #ORIGIN_SCAN} issues, two pages). The engine asks
   * this once per page of messages that would create issues.
   */
  @Override
  public Map<String, String> findByOriginMarkers(Collection<String> originMarkers) {
    Set<String> wanted = new LinkedHashSet<>(originMarkers);
    Map<String, String> found = new LinkedHashMap<>();
    List<String> all = List.copyOf(wanted);
    for (int from = 0; from < all.size(); from += MARKERS_PER_SEARCH) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + MARKERS_PER_SEARCH));
      StringBuilder in = new StringBuilder();
      for (String marker : chunk) {
        in.append(in.length() == 0 ? "" : ", ").append(quoteJql(marker));
      }
      try {
        collect(search("project = \"" + current() + "\" AND issue.property["
            + JiraWire.ORIGIN_PROPERTY + "].origin in (" + in + ")", chunk.size(), null, "key",
            false), wanted, found);
      } catch (JiraException e) {
        if (e.status() != 400) {
          throw e; // 400: the property is not searchable here
        }
        break;
      }
    }
    String token = null;
    int seen = 0;
    while (found.size() < wanted.size() && seen < ORIGIN_SCAN) {
      JsonNode page = search("project = \"" + current() + "\" AND creator = currentUser()"
          + " ORDER BY created DESC", 50, token, "key", false);
      collect(page, wanted, found);
      seen += page.path("issues").size();
      token = page.path("issues").isEmpty() ? null : nextToken(page, token);
      if (token == null) {
        break;
      }
    }
    return found;
  }

  private static String quoteJql(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Adds the issues of a search page that are of this project and carry a wanted marker. */
  private void collect(JsonNode page, Set<String> wanted, Map<String, String> found) {
    for (JsonNode issue : page.path("issues")) {
      String key = JiraWire.key(issue, "a search result", http::scrub);
      if (ownKey(key)) {
        String marker = markerOf(issue, key);
        if (marker != null && wanted.contains(marker)) {
          found.putIfAbsent(marker, key);
        }
      }
    }
  }

  /** The first issue of a search page that is of this project and carries the marker. */
  private Optional<String> carrying(JsonNode page, String originMarker) {
    for (JsonNode issue : page.path("issues")) {
      String key = JiraWire.key(issue, "a search result", http::scrub);
      if (ownKey(key) && originMarker.equals(markerOf(issue, key))) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /**
   * The marker a search result carries; where Jira leaves properties out of search results
   * (old Server), read from the issue's property itself.
   */
  private String markerOf(JsonNode issue, String key) {
    if (issue.has("properties")) {
      return JiraWire.originMarker(issue);
    }
    try {
      JsonNode property = http.json("GET", api() + "/issue/" + encode(key) + "/properties/"
          + JiraWire.ORIGIN_PROPERTY, null, key);
      return JiraWire.text(property.path("value").path("origin"));
    } catch (JiraException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
  }

  private boolean ownKey(String key) {
    for (String known : keys) {
      if (key.regionMatches(true, 0, known + "-", 0, known.length() + 1)) {
        return true;
      }
    }
    return false;
  }

  /** The key, when it is of this project; else Jira answered about another project. */
  private String own(String key, String what) {
    if (!ownKey(key)) {
      throw new JiraAnswerException("Jira answered " + what + " in " + projectKey + " with "
          + key + ", an issue of another project: not used", null, "key", key);
    }
    return key;
  }

  // ------------------------------------------------------------------ workflow

  @Override
  public List<Transition> transitions(String issueKey) {
    return JiraWire.transitions(http.json("GET", api() + "/issue/" + encode(issueKey)
        + "/transitions?expand=transitions.fields", null, issueKey));
  }

  @Override
  public void transition(String issueKey, String transitionId,
      Map<String, JsonNode> fields) {
    ObjectNode body = JiraWire.JSON.objectNode();
    body.putObject("transition").put("id", transitionId);
    if (!fields.isEmpty()) {
      ObjectNode f = body.putObject("fields");
      fields.forEach((id, value) -> f.set(id, wire().toWire(id, value)));
    }
    http.send("POST", api() + "/issue/" + encode(issueKey) + "/transitions", body, issueKey);
  }

  // ------------------------------------------------------------------ links

  @Override
  public List<IssueLink> links(String issueKey) {
    JsonNode issue = http.json("GET", api() + "/issue/" + encode(issueKey)
        + "?fields=issuelinks", null, issueKey);
    return JiraWire.links(issueKey, issue.path("fields").path("issuelinks"), http::scrub);
  }

  @Override
  public String createLink(String type, String outwardIssueKey, String inwardIssueKey) {
    ObjectNode body = JiraWire.JSON.objectNode();
    body.putObject("type").put("name", type);
    // Jira's POST names the issues the other way round from how it reports them: the issue
    // given as "inwardIssue" is the one the outward description ("blocks") applies to.
    body.putObject("inwardIssue").put("key", outwardIssueKey);
    body.putObject("outwardIssue").put("key", inwardIssueKey);
    http.send("POST", api() + "/issueLink", body, outwardIssueKey);
    // Jira answers 201 without a body: the new link's id is read back.
    return links(outwardIssueKey).stream()
        .filter(l -> l.type().equals(type) && l.outwardIssue().equals(outwardIssueKey)
            && l.inwardIssue().equals(inwardIssueKey))
        .map(IssueLink::id)
        .max(Comparator.comparingLong(JiraProject::numeric))
        .orElseThrow(() -> new TrackerException("link " + outwardIssueKey + " " + type + " "
            + inwardIssueKey + " was created but cannot be read back", outwardIssueKey,
            Map.of()));
  }

  @Override
  public void deleteLink(String issueKey, String linkId) {
    try {
      http.send("DELETE", api() + "/issueLink/" + encode(linkId), null, issueKey);
    } catch (JiraException e) {
      if (e.status() != 404) {
        throw e; // (404: deleted already, by a person or an earlier try)
      }
    }
  }

  @Override
  public void deleteIssue(String issueKey) {
    try {
      http.send("DELETE", api() + "/issue/" + encode(issueKey) + "?deleteSubtasks=false", null,
          issueKey);
    } catch (JiraException e) {
      if (e.status() != 404) {
        throw e; // (404: deleted already; 400: it has sub-tasks, which the sync leaves alone)
      }
    }
  }

  private static long numeric(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------ attachments

  @Override
  public List<Attachment> attachments(String issueKey) {
    JsonNode issue = http.json("GET", api() + "/issue/" + encode(issueKey)
        + "?fields=attachment", null, issueKey);
    List<Attachment> out = attachmentsOf(issue.path("fields").path("attachment"));
    return out == null ? List.of() : out;
  }

  @Override
  public InputStream download(String attachmentId) {
    if (cloud()) {
      return http.download(api() + "/attachment/content/" + encode(attachmentId));
    }
    JsonNode meta = http.json("GET", api() + "/attachment/" + encode(attachmentId), null, null);
    // Jira Server serves attachments itself: a link elsewhere (a base URL set wrong, a plain
    // http one) is not followed with the credentials, nor without them.
    String link = JiraWire.text(meta.path("content"));
    URI content;
    try {
      content = link == null ? null : URI.create(link);
    } catch (IllegalArgumentException e) {
      content = null;
    }
    if (content == null || !JiraUrls.sameOrigin(http.base(), content)) {
      throw new JiraAnswerException("Jira sent attachment "
          + JiraText.printable(attachmentId, JiraText.MAX) + " with a content"
          + " link " + (content == null ? (link == null ? "missing" : "that is not a URL")
              : "to " + http.shown(content)) + ", not on the site "
          + http.shown(http.base()) + ": not fetched (is Jira's base URL the site's?)",
          "GET " + api() + "/attachment/" + encode(attachmentId), "content", null);
    }
    return http.download(content.toString());
  }

  @Override
  public Attachment upload(String issueKey, String filename, String mimeType,
      InputStream content) {
    JsonNode answer = http.upload(api() + "/issue/" + encode(issueKey) + "/attachments",
        filename, mimeType, content, issueKey).body();
    JsonNode first = answer != null && answer.isArray() ? answer.path(0) : answer;
    if (first == null || first.isMissingNode()) {
      throw new TrackerException("upload of " + filename + " to " + issueKey
          + " answered without the attachment", issueKey, Map.of());
    }
    return wire().attachment(first);
  }

  @Override
  public void deleteAttachment(String attachmentId) {
    http.send("DELETE", api() + "/attachment/" + encode(attachmentId), null, null);
  }

  // ------------------------------------------------------------------ worklogs

  /** Worklog writes leave the issue's estimates as they are. */
  private static final String LEAVE_ESTIMATE = "?adjustEstimate=leave";

  @Override
  public List<Worklog> worklogs(String issueKey) {
    String path = api() + "/issue/" + encode(issueKey) + "/worklog";
    return Paging.byOffset("GET " + path, issueKey, startAt -> http.json("GET", path
        + "?maxResults=1000&startAt=" + startAt, null, issueKey), wire()::worklogs,
        Worklog::id);
  }

  @Override
  public String addWorklog(String issueKey, long started, long timeSpentSeconds,
      String comment) {
    JsonNode added = http.json("POST", api() + "/issue/" + encode(issueKey) + "/worklog"
        + LEAVE_ESTIMATE, wire().worklogBody(started, timeSpentSeconds, comment), issueKey);
    return JiraWire.id(added, "id", "the worklog it added to " + issueKey);
  }

  @Override
  public void updateWorklog(String issueKey, String worklogId, long started,
      long timeSpentSeconds, String comment) {
    http.send("PUT", api() + "/issue/" + encode(issueKey) + "/worklog/" + encode(worklogId)
        + LEAVE_ESTIMATE, wire().worklogBody(started, timeSpentSeconds, comment), issueKey);
  }

  @Override
  public void deleteWorklog(String issueKey, String worklogId) {
    http.send("DELETE", api() + "/issue/" + encode(issueKey) + "/worklog/" + encode(worklogId)
        + LEAVE_ESTIMATE, null, issueKey);
  }

  // ------------------------------------------------------------------ comments

  @Override
  public List<Comment> comments(String issueKey) {
    String path = api() + "/issue/" + encode(issueKey) + "/comment";
    return Paging.byOffset("GET " + path, issueKey, startAt -> http.json("GET", path
        + "?orderBy=created&maxResults=100&startAt=" + startAt, null, issueKey),
        wire()::comments, Comment::id);
  }

  @Override
  public String addComment(String issueKey, String body) {
    return addComment(issueKey, body, null);
  }

  @Override
  public String addComment(String issueKey, String body, String visibility) {
    return addComment(issueKey, body, visibility, null);
  }

  /** On Cloud, with the partner's ADF document where the body is still its wiki markup. */
  @Override
  public String addComment(String issueKey, String body, String visibility,
      JsonNode document) {
    ObjectNode request = wire().commentBody(body, visibility, document);
    JsonNode added;
    try {
      added = http.json("POST", api() + "/issue/" + encode(issueKey) + "/comment", request,
          issueKey);
    } catch (JiraException e) {
      if (e.status() != 400 || document == null) {
        throw e;
      }
      log.info("{}: Jira refused a comment's rich-text document ({}); writing its wiki markup",
          issueKey, e.getMessage());
      return addComment(issueKey, body, visibility, null);
    }
    return JiraWire.id(added, "id", "the comment it added to " + issueKey);
  }

  @Override
  public void editComment(String issueKey, String commentId, String body) {
    editComment(issueKey, commentId, body, null);
  }

  /** On Cloud, with the partner's ADF document where the body is still its wiki markup. */
  @Override
  public void editComment(String issueKey, String commentId, String body, JsonNode document) {
    editComment(issueKey, commentId, body, null, document);
  }

  /**
   * Sends the visibility (or the internal comment's property) with the body when given: Jira
   * changes a comment's visibility only when the edit names one, and keeps it otherwise.
   */
  @Override
  public void editComment(String issueKey, String commentId, String body, String visibility,
      JsonNode document) {
    ObjectNode request = wire().commentBody(body, visibility, document);
    String path = api() + "/issue/" + encode(issueKey) + "/comment/" + encode(commentId);
    try {
      http.send("PUT", path, request, issueKey);
    } catch (JiraException e) {
      if (e.status() != 400 || document == null) {
        throw e;
      }
      log.info("{}: Jira refused a comment's rich-text document ({}); writing its wiki markup",
          issueKey, e.getMessage());
      http.send("PUT", path, wire().commentBody(body, visibility), issueKey);
    }
  }

  @Override
  public void deleteComment(String issueKey, String commentId) {
    http.send("DELETE", api() + "/issue/" + encode(issueKey) + "/comment/" + encode(commentId),
        null, issueKey);
  }
}
