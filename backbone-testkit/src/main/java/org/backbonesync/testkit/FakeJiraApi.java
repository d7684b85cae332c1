package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.tracker.TrackerUser;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.Worklog;

/** The REST resources of {@link FakeJiraServer}: Jira's JSON over an in-memory project. */
final class FakeJiraApi {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final DateTimeFormatter WIRE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT);
  private static final Set<String> NAMED = Set.of("priority", "status", "resolution",
      "issuetype", "component", "version");

  private final InMemoryIssueTracker tracker;
  private final FakeJiraServer.Flavour flavour;
  private final ZoneId zone;
  private final URI url;
  private final Map<String, String> credentials;
  private final int changelogLimit;
  private final FakeJiraServer server;
  private final String api;

  /** Thrown by a resource to answer with an error status and Jira's error collection. */
  private static final class Answer extends RuntimeException {
    final int status;
    final ObjectNode body;

    Answer(int status, String message, Map<String, String> errors) {
      super(message, null, false, false);
      this.status = status;
      this.body = JSON.objectNode();
      ArrayNode messages = body.putArray("errorMessages");
      if (message != null) {
        messages.add(message);
      }
      ObjectNode e = body.putObject("errors");
      errors.forEach(e::put);
    }
  }

  private final boolean propertiesIndexed;

  FakeJiraApi(InMemoryIssueTracker tracker, FakeJiraServer.Flavour flavour, ZoneId zone, URI url,
      Map<String, String> credentials, int changelogLimit, boolean propertiesIndexed,
      FakeJiraServer server) {
    this.propertiesIndexed = propertiesIndexed;
    this.tracker = tracker;
    this.flavour = flavour;
    this.zone = zone;
    this.url = url;
    this.credentials = Map.copyOf(credentials);
    this.changelogLimit = changelogLimit;
    this.server = server;
    this.api = cloud() ? "/rest/api/3" : "/rest/api/2";
  }

  URI url() {
    return url;
  }

  FakeJiraServer.Flavour flavour() {
    return flavour;
  }

  private boolean cloud() {
    return flavour == FakeJiraServer.Flavour.CLOUD;
  }

  // ------------------------------------------------------------------ dispatch

  void handle(HttpExchange ex) {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      String rawQuery = ex.getRequestURI().getRawQuery();
      String user = authenticate(ex.getRequestHeaders().getFirst("Authorization"));
      server.record(new FakeJiraServer.Request(method, decode(path), rawQuery == null ? null
          : decode(rawQuery), user));
      FakeJiraServer.Fault fault = server.nextFault(path);
      if (fault != null && fault.drops()) {
        return; // closed without an answer
      }
      if (fault != null && fault.stalls()) {
        server.awaitRelease();
      } else if (fault != null) {
        fault.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        send(ex, fault.status(), fault.body() == null ? new byte[0]
            : fault.body().getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (path.startsWith("/media/")) {
        download(ex, path.substring("/media/".length()));
        return;
      }
      if (user == null) {
        if (cloud()) {
          ex.getResponseHeaders().add("Content-Type", "application/json");
          send(ex, 401, ("{\"errorMessages\":[\"Client must be authenticated to access this "
              + "resource.\"],\"errors\":{}}").getBytes(StandardCharsets.UTF_8));
        } else {
          send(ex, 401, new byte[0]); // Server may answer an empty body (or HTML)
        }
        return;
      }
      FakeJiraLimits.Refusal refusal = server.limits().take(method, decode(path), api);
      if (refusal != null) {
        refusal.headers(cloud(), tracker.clock().instant())
            .forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        json(ex, 429, new Answer(429, "Rate limit exceeded.", Map.of()).body);
        return;
      }
      InMemoryIssueTracker as = tracker.as(user);
      Map<String, String> query = query(rawQuery);
      try {
        route(ex, as, method, decode(path), query);
      } catch (Answer a) {
        json(ex, a.status, a.body);
      } catch (SimulatedCrash crash) {
        // the call happened; its answer is lost on the way: closed without an answer
      } catch (org.backbonesync.spi.RetriableException e) {
        // a tracker fault of a test: rate limited with the wait it asks for, or a server error
        Answer answer = new Answer(e.retryAfter().isPresent() ? 429 : 500, e.getMessage(),
            Map.of());
        e.retryAfter().ifPresent(d -> ex.getResponseHeaders().add("Retry-After",
            String.valueOf(Math.max(1, d.toSeconds()))));
        json(ex, answer.status, answer.body);
      } catch (TrackerException e) {
        json(ex, 400, new Answer(400, e.fieldErrors().isEmpty() ? e.getMessage() : null,
            e.fieldErrors()).body);
      }
    } catch (IOException | RuntimeException e) {
      try {
        send(ex, 500, ("{\"errorMessages\":[\"" + e.getClass().getSimpleName()
            + "\"],\"errors\":{}}").getBytes(StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException ignored) {
        // the client went away
      }
    }
  }

  private void route(HttpExchange ex, InMemoryIssueTracker as, String method, String path,
      Map<String, String> q) throws IOException {
    if (path.startsWith("/secure/attachment/") && method.equals("GET")) {
      download(ex, path.split("/")[3]);
      return;
    }
    if (path.equals("/rest/api/2/serverInfo") || path.equals(api + "/serverInfo")) {
      json(ex, 200, serverInfo());
      return;
    }
    if (!path.startsWith(api + "/")) {
      throw new Answer(404, "No resource at " + path + " on this Jira "
          + flavour.name().toLowerCase(Locale.ROOT) + " (its API is " + api + ")", Map.of());
    }
    String[] p = path.substring(api.length() + 1).split("/");
    String r = p[0];
    boolean get = method.equals("GET");
    switch (r) {
      case "myself" -> json(ex, 200, myself(as));
      case "field" -> json(ex, 200, fields());
      case "priority" -> json(ex, 200, named("priority"));
      case "resolution" -> json(ex, 200, named("resolution"));
      case "issueLinkType" -> json(ex, 200, linkTypes());
      case "project" -> {
        checkProject(p[1]);
        json(ex, 200, p.length > 2 && p[2].equals("statuses") ? statuses() : project());
      }
      case "search" -> {
        if (p.length > 1 && p[1].equals("approximate-count") && cloud()
            && method.equals("POST")) {
          json(ex, 200, approximateCount(as, body(ex)));
        } else if (p.length > 1 && p[1].equals("jql") && cloud()) {
          json(ex, 200, search(as, q, true));
        } else if (p.length == 1 && !cloud()) {
          json(ex, 200, search(as, q, false));
        } else if (p.length == 1) {
          throw new Answer(410, "The requested API has been removed. Please migrate to the "
              + "/rest/api/3/search/jql API.", Map.of());
        } else {
          throw new Answer(404, "No resource " + path, Map.of());
        }
      }
      case "issue" -> issue(ex, as, method, p, q);
      case "issueLink" -> {
        if (method.equals("DELETE") && p.length == 2) {
          if (!as.hasLink(p[1])) {
            throw new Answer(404, "No issue link with id '" + p[1] + "' exists.", Map.of());
          }
          as.deleteLink(null, p[1]);
          send(ex, 204, new byte[0]);
          return;
        }
        if (!method.equals("POST")) {
          throw new Answer(405, "Method not allowed", Map.of());
        }
        JsonNode body = body(ex);
        // Jira's POST names the issues the other way round from how it reports them.
        as.createLink(body.path("type").path("name").asText(),
            body.path("inwardIssue").path("key").asText(),
            body.path("outwardIssue").path("key").asText());
        send(ex, 201, new byte[0]);
      }
      case "attachment" -> attachment(ex, as, method, p);
      case "user" -> {
        if (p.length > 1 && p[1].equals("search")) {
          String term = q.getOrDefault(cloud() ? "query" : "username", "");
          ArrayNode out = JSON.arrayNode();
          as.findUsers(term).forEach(u -> out.add(user(u)));
          json(ex, 200, out);
        } else {
          String id = q.get(cloud() ? "accountId" : "username");
          if (id == null) {
            throw new Answer(400, "The " + (cloud() ? "accountId" : "username")
                + " query parameter needs to be provided", Map.of());
          }
          TrackerUser u = as.user(id).orElseThrow(() -> new Answer(404,
              "The user with " + id + " does not exist", Map.of()));
          json(ex, 200, user(u));
        }
      }
      default -> throw new Answer(404, "No resource " + path, Map.of());
    }
    if (get) {
      return;
    }
  }

  // ------------------------------------------------------------------ site and project

  private ObjectNode serverInfo() {
    ObjectNode o = JSON.objectNode().put("baseUrl", url.toString());
    if (cloud()) {
      o.put("version", "1001.0.0-SNAPSHOT").putArray("versionNumbers").add(1001).add(0).add(0);
      o.put("deploymentType", "Cloud").put("buildNumber", 100205);
    } else {
      o.put("version", "9.12.2").putArray("versionNumbers").add(9).add(12).add(2);
      o.put("deploymentType", "Server").put("buildNumber", 9120002);
    }
    o.put("serverTitle", "Fake Jira " + tracker.projectKey());
    o.put("serverTime", time(tracker.clock().millis())); // (the clock issues are stamped with)
    return o;
  }

  private ObjectNode myself(InMemoryIssueTracker as) {
    return user(as.user(as.user()).orElseThrow());
  }

  private ObjectNode user(TrackerUser u) {
    ObjectNode o = JSON.objectNode();
    if (cloud()) {
      o.put("self", url + api + "/user?accountId=" + u.id()).put("accountId", u.id())
          .put("accountType", "atlassian");
    } else {
      o.put("self", url + api + "/user?username=" + u.id()).put("name", u.id())
          .put("key", "JIRAUSER" + Math.abs(u.id().hashCode()));
    }
    if (u.email() != null) {
      o.put("emailAddress", u.email());
    }
    o.put("displayName", u.displayName() == null ? u.id() : u.displayName())
        .put("active", true).put("timeZone", zone.getId());
    return o;
  }

  private Map<String, FieldSchema> schemas() {
    Map<String, FieldSchema> out = new LinkedHashMap<>();
    tracker.fields().forEach(f -> out.put(f.id(), f));
    return out;
  }

  private ArrayNode fields() {
    ArrayNode out = JSON.arrayNode();
    int customId = 0;
    for (FieldSchema f : schemas().values()) {
      ObjectNode o = out.addObject().put("id", f.id()).put("key", f.id())
          .put("name", f.name() == null ? f.id() : f.name()).put("custom", !f.system())
          .put("orderable", true).put("navigable", true).put("searchable", true);
      o.putArray("clauseNames").add(f.system() ? f.id() : "cf[" + (10000 + customId) + "]");
      o.set("schema", schema(f));
      customId++;
    }
    return out;
  }

  private static ObjectNode schema(FieldSchema f) {
    ObjectNode s = JSON.objectNode().put("type", f.type());
    if (f.items() != null) {
      s.put("items", f.items());
    }
    if (f.system()) {
      s.put("system", f.id());
    } else {
      s.put("custom", f.custom());
      String digits = f.id().replaceAll("\\D", "");
      if (!digits.isEmpty()) {
        s.put("customId", Long.parseLong(digits));
      }
    }
    return s;
  }

  /** Whether a project key or id names this project: as Jira, a key it had before does too. */
  private boolean ours(String keyOrId) {
    return keyOrId.equals("10000") || tracker.projectKeys().contains(keyOrId);
  }

  private void checkProject(String key) {
    if (!ours(key)) {
      throw new Answer(404, "No project could be found with key '" + key + "'.", Map.of());
    }
  }

  private ObjectNode project() {
    ObjectNode o = JSON.objectNode().put("self", url + api + "/project/10000")
        .put("id", "10000").put("key", tracker.projectKey())
        .put("name", "Project " + tracker.projectKey());
    ArrayNode types = o.putArray("issueTypes");
    List<String> typeNames = tracker.issueTypes();
    for (int i = 0; i < typeNames.size(); i++) {
      types.add(issueType(typeNames.get(i)));
    }
    ArrayNode components = o.putArray("components");
    values("components").forEach(c -> components.addObject()
        .put("id", id("components", c)).put("name", c));
    ArrayNode versions = o.putArray("versions");
    values("versions").forEach(v -> versions.addObject()
        .put("id", id("versions", v)).put("name", v).put("released", false));
    return o;
  }

  private ObjectNode issueType(String name) {
    return JSON.objectNode().put("self", url + api + "/issuetype/" + id("issuetype", name))
        .put("id", id("issuetype", name)).put("name", name)
        .put("subtask", tracker.subtaskTypes().contains(name));
  }

  private List<String> values(String fieldId) {
    FieldSchema f = schemas().get(fieldId);
    return f == null || f.allowedValues() == null ? List.of() : f.allowedValues();
  }

  /** A stable id for a named value: 10000 plus its position among the field's values. */
  private String id(String fieldId, String value) {
    int i = values(fieldId).indexOf(value);
    return String.valueOf(i < 0 ? 19999 : 10000 + i);
  }

  private ArrayNode named(String fieldId) {
    ArrayNode out = JSON.arrayNode();
    values(fieldId).forEach(v -> out.add(namedValue(fieldId, v)));
    return out;
  }

  private ObjectNode namedValue(String fieldId, String value) {
    ObjectNode o = JSON.objectNode()
        .put("self", url + api + "/" + fieldId + "/" + id(fieldId, value))
        .put("id", id(fieldId, value)).put("name", value);
    if (fieldId.equals("status")) {
      String category = value.equals(InMemoryIssueTracker.INITIAL_STATUS) ? "new"
          : value.equals("Done") ? "done" : "indeterminate";
      o.putObject("statusCategory").put("key", category)
          .put("name", switch (category) {
            case "new" -> "To Do";
            case "done" -> "Done";
            default -> "In Progress";
          });
    }
    return o;
  }

  private ArrayNode statuses() {
    ArrayNode out = JSON.arrayNode();
    for (String type : tracker.issueTypes()) {
      ObjectNode t = issueType(type);
      t.set("statuses", named("status"));
      out.add(t);
    }
    return out;
  }

  private ObjectNode linkTypes() {
    ObjectNode o = JSON.objectNode();
    ArrayNode types = o.putArray("issueLinkTypes");
    for (String name : values("issuelinks")) {
      String inward = switch (name) {
        case "Blocks" -> "is blocked by";
        case "Duplicate" -> "is duplicated by";
        default -> "relates to";
      };
      String outward = switch (name) {
        case "Blocks" -> "blocks";
        case "Duplicate" -> "duplicates";
        default -> "relates to";
      };
      types.addObject().put("id", id("issuelinks", name)).put("name", name)
          .put("inward", inward).put("outward", outward)
          .put("self", url + api + "/issueLinkType/" + id("issuelinks", name));
    }
    return o;
  }

  // ------------------------------------------------------------------ search

  /** Cloud's count of the issues a bounded JQL matches (the fake's is exact). */
  private ObjectNode approximateCount(InMemoryIssueTracker as, JsonNode body) {
    String jql = body.path("jql").asText("").trim();
    if (jql.isEmpty()) {
      throw new Answer(400, "Unbounded JQL queries are not allowed here. Please add a search "
          + "restriction to your query.", Map.of());
    }
    return JSON.objectNode().put("count",
        visible(as).stream().filter(condition(as, jql)).count());
  }

  /**
   * A JQL condition as Jira reads it in the user's zone; a JQL it refuses is a 400, as Jira's.
   * A project key the project had before a rename names it still.
   */
  private Predicate<TrackedIssue> condition(InMemoryIssueTracker as, String where) {
    List<String> projectKeys = tracker.projectKeys();
    for (String former : projectKeys.subList(1, projectKeys.size())) {
      where = where.replaceAll("(?i)\\bproject\\s*=\\s*(\"" + former + "\"|" + former
          + "\\b)", "project = \"" + projectKeys.get(0) + "\"");
    }
    try {
      return where.isEmpty() ? i -> true : MiniJql.parse(where, zone, as.user());
    } catch (TrackerException e) {
      throw new Answer(400, "Error in the JQL Query: " + e.getMessage(), Map.of());
    }
  }

  /**
   * Jira's 404 for an issue it does not show: Server/Data Center tells a deleted issue from one
   * the user may not see (an issue security level), Cloud does not.
   */
  private Answer notFound(boolean hidden) {
    return new Answer(404, cloud() ? "Issue does not exist or you do not have permission to see"
        + " it." : hidden ? "You do not have the permission to see the specified issue."
        : "Issue Does Not Exist", Map.of());
  }

  /** The issues the user sees: all but those {@link FakeJiraServer#hide} hid. */
  private List<TrackedIssue> visible(InMemoryIssueTracker as) {
    return as.allIssues().stream().filter(i -> !server.hidden(i.key())).toList();
  }

  private ObjectNode search(InMemoryIssueTracker as, Map<String, String> q, boolean tokens) {
    String jql = q.getOrDefault("jql", "");
    String where = jql.replaceAll("(?i)\\s+ORDER\\s+BY\\s+.*$", "").trim();
    boolean newestFirst = jql.matches("(?is).*\\sORDER\\s+BY\\s+created\\s+DESC.*");
    java.util.regex.Matcher property =
        java.util.regex.Pattern.compile("issue\\.property\\[[^\\]]*\\][.\\w]*").matcher(where);
    if (!propertiesIndexed && property.find()) {
      // as Jira, for an entity property no app has asked it to index
      throw new Answer(400, "Field '" + property.group() + "' does not exist or you do not have"
          + " permission to view it.", Map.of());
    }
    java.util.regex.Matcher keys = java.util.regex.Pattern
        .compile("(?i)\\b(?:issue)?key\\s+in\\s*\\(([^)]*)\\)").matcher(where);
    while (keys.find()) {
      for (String named : keys.group(1).split(",")) {
        String key = named.trim().replace("\"", "");
        if (visible(as).stream().noneMatch(i -> i.key().equals(key))) {
          // as Jira: a key it does not know fails the whole search
          throw new Answer(400, "An issue with key '" + key + "' does not exist for field"
              + " 'issuekey'.", Map.of());
        }
      }
    }
    Predicate<TrackedIssue> condition = condition(as, where);
    if (tokens && where.isEmpty()) {
      throw new Answer(400, "Unbounded JQL queries are not allowed here. Please add a search "
          + "restriction to your query.", Map.of());
    }
    List<TrackedIssue> matching = visible(as).stream().filter(condition)
        .sorted(newestFirst
            ? Comparator.comparingLong(TrackedIssue::created)
                .thenComparingInt(i -> number(i.key())).reversed()
            : Comparator.comparingLong(TrackedIssue::updated)
                .thenComparingInt(i -> number(i.key())))
        .toList();
    int max = Math.min(Integer.parseInt(q.getOrDefault("maxResults", "50")), 100);
    int start;
    if (tokens) {
      String token = q.get("nextPageToken");
      start = token == null ? 0 : Integer.parseInt(new String(
          Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).substring(7));
    } else {
      start = Integer.parseInt(q.getOrDefault("startAt", "0"));
    }
    // Cloud's search returns only ids unless asked for fields.
    Set<String> fields = fieldsParam(q.get("fields"), tokens ? Set.of() : null);
    boolean changelog = q.getOrDefault("expand", "").contains("changelog");
    List<String> properties = list(q.get("properties"));
    ObjectNode out = JSON.objectNode();
    if (!tokens) {
      out.put("expand", "schema,names").put("startAt", start).put("maxResults", max)
          .put("total", matching.size());
    }
    ArrayNode issues = out.putArray("issues");
    int end = Math.min(matching.size(), start + max);
    for (TrackedIssue i : matching.subList(Math.min(start, end), end)) {
      issues.add(issue(as, i, fields, changelog, properties));
    }
    if (tokens) {
      if (end < matching.size()) {
        out.put("nextPageToken", Base64.getUrlEncoder().withoutPadding().encodeToString(
            ("offset:" + end).getBytes(StandardCharsets.UTF_8)));
      }
      out.put("isLast", end >= matching.size());
    }
    return out;
  }

  private static int number(String key) {
    return Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
  }

  private static List<String> list(String csv) {
    List<String> out = new ArrayList<>();
    if (csv != null) {
      for (String s : csv.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** The fields asked for; null for all. */
  private static Set<String> fieldsParam(String value, Set<String> absent) {
    if (value == null) {
      return absent;
    }
    Set<String> out = new LinkedHashSet<>(list(value));
    return out.contains("*all") || out.contains("*navigable") ? null : out;
  }

  // ------------------------------------------------------------------ issues

  private void issue(HttpExchange ex, InMemoryIssueTracker as, String method, String[] p,
      Map<String, String> q) throws IOException {
    if (p.length == 1) {
      if (!method.equals("POST")) {
        throw new Answer(405, "Method not allowed", Map.of());
      }
      create(ex, as, body(ex));
      return;
    }
    if (p[1].equals("createmeta")) {
      createMeta(ex, as, p, q);
      return;
    }
    String key = p[1];
    TrackedIssue issue = as.peek(key) // (as Jira, a moved issue's old key leads to it)
        .orElseThrow(() -> notFound(false));
    if (server.hidden(issue.key())) {
      throw notFound(true);
    }
    String sub = p.length > 2 ? p[2] : "";
    switch (sub) {
      case "" -> {
        switch (method) {
          case "GET" -> json(ex, 200, issue(as, issue, fieldsParam(q.get("fields"), null),
              q.getOrDefault("expand", "").contains("changelog"), list(q.get("properties"))));
          case "PUT" -> {
            JsonNode body = body(ex);
            Map<String, JsonNode> values = new LinkedHashMap<>();
            Map<String, String> errors = new LinkedHashMap<>();
            body.path("fields").fields().forEachRemaining(e ->
                values.put(e.getKey(), fromWire(e.getKey(), e.getValue(), errors)));
            if (!errors.isEmpty()) {
              throw new Answer(400, null, errors);
            }
            as.updateIssue(key, values);
            send(ex, 204, new byte[0]);
          }
          case "DELETE" -> {
            boolean subtasks = as.allIssues().stream()
                .anyMatch(i -> i.field("parent").asText("").equals(issue.key()));
            if (subtasks && !"true".equals(q.get("deleteSubtasks"))) {
              throw new Answer(400, "The issue has subtasks. Set the 'deleteSubtasks' parameter"
                  + " to true to delete them too.", Map.of());
            }
            as.deleteIssue(key);
            send(ex, 204, new byte[0]);
          }
          default -> throw new Answer(405, "Method not allowed", Map.of());
        }
      }
      case "changelog" -> {
        if (!cloud()) {
          throw new Answer(404, "No resource changelog on Jira Server", Map.of());
        }
        json(ex, 200, changelogPage(key, Integer.parseInt(q.getOrDefault("startAt", "0")),
            Math.min(100, Integer.parseInt(q.getOrDefault("maxResults", "100")))));
      }
      case "transitions" -> {
        if (method.equals("GET")) {
          json(ex, 200, transitions(as, key, q.getOrDefault("expand", "")
              .contains("transitions.fields")));
        } else {
          JsonNode body = body(ex);
          Map<String, JsonNode> values = new LinkedHashMap<>();
          Map<String, String> errors = new LinkedHashMap<>();
          body.path("fields").fields().forEachRemaining(e ->
              values.put(e.getKey(), fromWire(e.getKey(), e.getValue(), errors)));
          if (!errors.isEmpty()) {
            throw new Answer(400, null, errors);
          }
          as.transition(key, body.path("transition").path("id").asText(), values);
          send(ex, 204, new byte[0]);
        }
      }
      case "comment" -> comment(ex, as, method, key, p, q);
      case "worklog" -> worklog(ex, as, method, key, p, q);
      case "attachments" -> upload(ex, as, key);
      case "properties" -> property(ex, as, method, key, p);
      default -> throw new Answer(404, "No resource " + sub, Map.of());
    }
  }

  /** The origin marker's issue property, {@code /issue/{key}/properties/backboneSync}. */
  private void property(HttpExchange ex, InMemoryIssueTracker as, String method, String key,
      String[] p) throws IOException {
    if (p.length != 4 || !p[3].equals("backboneSync")) {
      throw new Answer(404, "The property was not found", Map.of());
    }
    if (method.equals("PUT")) {
      as.setOriginMarker(key, body(ex).path("origin").asText());
      send(ex, 200, new byte[0]);
      return;
    }
    String marker = as.issue(key).map(TrackedIssue::originMarker).orElse(null);
    if (marker == null) {
      throw new Answer(404, "The property with key 'backboneSync' does not exist.", Map.of());
    }
    ObjectNode o = JSON.objectNode().put("key", "backboneSync");
    o.putObject("value").put("origin", marker);
    json(ex, 200, o);
  }

  private void create(HttpExchange ex, InMemoryIssueTracker as, JsonNode body)
      throws IOException {
    JsonNode fields = body.path("fields");
    String project = fields.path("project").path("key").asText(
        fields.path("project").path("id").asText());
    if (!ours(project)) {
      throw new Answer(400, null, Map.of("project", "valid project is required"));
    }
    JsonNode type = fields.path("issuetype");
    String typeName = type.has("name") ? type.path("name").asText() : tracker.issueTypes()
        .stream().filter(t -> id("issuetype", t).equals(type.path("id").asText())).findFirst()
        .orElseThrow(() -> new Answer(400, null, Map.of("issuetype",
            "valid issue type is required")));
    Map<String, JsonNode> values = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    fields.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("project") && !e.getKey().equals("issuetype")) {
        values.put(e.getKey(), fromWire(e.getKey(), e.getValue(), errors));
      }
    });
    if (!errors.isEmpty()) {
      throw new Answer(400, null, errors);
    }
    String marker = null;
    for (JsonNode property : body.path("properties")) {
      JsonNode origin = property.path("value").path("origin");
      if (origin.isTextual()) {
        marker = origin.asText();
      }
    }
    String key = as.createIssue(new IssueCreate(typeName, values, marker));
    json(ex, 201, JSON.objectNode().put("id", String.valueOf(10000 + number(key)))
        .put("key", key).put("self", url + api + "/issue/" + (10000 + number(key))));
  }

  private ObjectNode issue(InMemoryIssueTracker as, TrackedIssue i, Set<String> fields,
      boolean changelog, List<String> properties) {
    ObjectNode o = JSON.objectNode()
        .put("expand", "renderedFields,names,schema,operations,editmeta,changelog,"
            + "versionedRepresentations")
        .put("id", i.id() != null ? i.id() : String.valueOf(10000 + number(i.key())))
        .put("self", url + api + "/issue/"
            + (i.id() != null ? i.id() : String.valueOf(10000 + number(i.key()))))
        .put("key", i.key());
    ObjectNode f = o.putObject("fields");
    Map<String, FieldSchema> schemas = schemas();
    for (FieldSchema s : schemas.values()) {
      String id = s.id();
      if (fields != null && !fields.contains(id)) {
        continue;
      }
      switch (id) {
        case "comment" -> {
          List<Comment> comments = as.comments(i.key());
          ObjectNode page = f.putObject("comment");
          ArrayNode list = page.putArray("comments");
          comments.forEach(c -> list.add(comment(i.key(), c)));
          page.put("maxResults", comments.size()).put("total", comments.size())
              .put("startAt", 0);
        }
        case "worklog" -> { // as Jira: a page of the first 20 in the issue
          List<Worklog> all = as.worklogs(i.key());
          ObjectNode page = f.putObject("worklog").put("startAt", 0)
              .put("maxResults", 20).put("total", all.size());
          ArrayNode list = page.putArray("worklogs");
          all.subList(0, Math.min(20, all.size())).forEach(w -> list.add(worklog(i.key(), w)));
        }
        case "attachment" -> {
          ArrayNode list = f.putArray("attachment");
          as.attachments(i.key()).forEach(a -> list.add(attachment(a)));
        }
        case "issuelinks" -> {
          ArrayNode list = f.putArray("issuelinks");
          for (IssueLink l : as.links(i.key())) {
            ObjectNode link = list.addObject().put("id", l.id())
                .put("self", url + api + "/issueLink/" + l.id());
            link.set("type", linkType(l.type()));
            boolean outward = l.outwardIssue().equals(i.key());
            String other = outward ? l.inwardIssue() : l.outwardIssue();
            link.putObject(outward ? "outwardIssue" : "inwardIssue")
                .put("id", String.valueOf(10000 + number(other))).put("key", other)
                .put("self", url + api + "/issue/" + (10000 + number(other)));
          }
        }
        case "issuetype" -> f.set("issuetype", issueType(i.issueType()));
        case "parent" -> {
          JsonNode parent = i.field("parent");
          if (!parent.isNull()) {
            f.putObject("parent").put("id", String.valueOf(10000 + number(parent.asText())))
                .put("key", parent.asText());
          }
        }
        default -> f.set(id, toWire(s, i.field(id)));
      }
    }
    if (fields == null || fields.contains("project")) {
      // (an issue moved out of the project is of another one, with another id)
      String prefix = i.key().substring(0, i.key().lastIndexOf('-'));
      boolean here = tracker.projectKeys().contains(prefix);
      String projectId = here ? "10000" : "10100";
      String projectKey = here ? tracker.projectKey() : prefix;
      f.putObject("project").put("id", projectId).put("key", projectKey)
          .put("name", "Project " + projectKey)
          .put("self", url + api + "/project/" + projectId);
    }
    if (fields == null || fields.contains("created")) {
      f.put("created", time(i.created()));
    }
    if (fields == null || fields.contains("updated")) {
      f.put("updated", time(i.updated()));
    }
    if (fields == null || fields.contains("creator")) {
      f.set("creator", userValue(i.creator()));
    }
    if (changelog) {
      List<ChangelogEntry> all = tracker.changelog(i.key());
      int shown = cloud() ? Math.min(changelogLimit, all.size()) : all.size();
      ObjectNode c = o.putObject("changelog").put("startAt", 0).put("maxResults", shown)
          .put("total", all.size());
      ArrayNode histories = c.putArray("histories");
      all.subList(0, shown).forEach(e -> histories.add(history(e)));
    }
    if (!properties.isEmpty()) {
      ObjectNode props = o.putObject("properties");
      if (i.originMarker() != null) {
        for (String p : properties) {
          props.putObject(p).put("origin", i.originMarker());
        }
      }
    }
    return o;
  }

  private ObjectNode linkType(String name) {
    for (JsonNode t : linkTypes().path("issueLinkTypes")) {
      if (t.path("name").asText().equals(name)) {
        return (ObjectNode) t;
      }
    }
    return JSON.objectNode().put("name", name);
  }

  private ObjectNode history(ChangelogEntry e) {
    ObjectNode h = JSON.objectNode().put("id", e.id());
    h.set("author", userValue(e.author()));
    h.put("created", time(e.timestamp()));
    ArrayNode items = h.putArray("items");
    Map<String, FieldSchema> schemas = schemas();
    for (FieldChange c : e.items()) {
      FieldSchema s = schemas.get(c.field());
      ObjectNode item = items.addObject();
      boolean link = c.field().equals("issuelinks");
      item.put("field", link ? "Link" : s == null || s.name() == null ? c.field() : s.name());
      item.put("fieldtype", s != null && !s.system() ? "custom" : "jira");
      if (cloud() && !link) {
        item.put("fieldId", c.field()); // old Server omits it: clients match the name
      }
      boolean userField = s != null && "user".equals(s.type());
      item.put("from", userField ? c.from() : null).put("fromString", c.from());
      item.put("to", userField ? c.to() : null).put("toString", c.to());
    }
    return h;
  }

  private ObjectNode changelogPage(String key, int startAt, int max) {
    List<ChangelogEntry> all = tracker.changelog(key);
    int end = Math.min(all.size(), startAt + max);
    ObjectNode o = JSON.objectNode()
        .put("self", url + api + "/issue/" + key + "/changelog?startAt=" + startAt
            + "&maxResults=" + max)
        .put("maxResults", max).put("startAt", startAt).put("total", all.size())
        .put("isLast", end >= all.size());
    if (end < all.size()) {
      o.put("nextPage", url + api + "/issue/" + key + "/changelog?startAt=" + end
          + "&maxResults=" + max);
    }
    ArrayNode values = o.putArray("values");
    all.subList(Math.min(startAt, end), end).forEach(e -> values.add(history(e)));
    return o;
  }

  private ObjectNode transitions(InMemoryIssueTracker as, String key, boolean withFields) {
    ObjectNode o = JSON.objectNode().put("expand", "transitions");
    ArrayNode list = o.putArray("transitions");
    Map<String, FieldSchema> schemas = schemas();
    for (Transition t : as.transitions(key)) {
      ObjectNode n = list.addObject().put("id", t.id()).put("name", t.name());
      n.set("to", namedValue("status", t.toStatus()));
      if (cloud()) {
        n.put("hasScreen", !t.requiredFields().isEmpty()).put("isGlobal", false)
            .put("isInitial", false).put("isAvailable", true).put("isConditional", false);
      }
      if (withFields) {
        ObjectNode f = n.putObject("fields");
        for (String field : t.requiredFields()) {
          FieldSchema s = schemas.get(field);
          ObjectNode fo = f.putObject(field).put("required", true)
              .put("name", s == null ? field : s.name()).put("key", field)
              .put("hasDefaultValue", false);
          if (s != null) {
            fo.set("schema", schema(s));
            fo.putArray("operations").add("set");
            if (s.allowedValues() != null) {
              ArrayNode allowed = fo.putArray("allowedValues");
              s.allowedValues().forEach(v -> allowed.add(namedValue(field, v)));
            }
          }
        }
      }
    }
    return o;
  }

  private void createMeta(HttpExchange ex, InMemoryIssueTracker as, String[] p,
      Map<String, String> q) throws IOException {
    Map<String, FieldSchema> schemas = schemas();
    if (p.length == 2) {
      if (cloud()) {
        throw new Answer(404, "The old create metadata API was removed; use "
            + "/issue/createmeta/{project}/issuetypes", Map.of());
      }
      ObjectNode o = JSON.objectNode().put("expand", "projects");
      ArrayNode projects = o.putArray("projects");
      if (list(q.get("projectKeys")).stream().anyMatch(this::ours)) {
        ObjectNode project = projects.addObject().put("id", "10000")
            .put("key", tracker.projectKey()).put("name", "Project " + tracker.projectKey());
        ArrayNode types = project.putArray("issuetypes");
        List<String> ids = list(q.get("issuetypeIds"));
        for (String type : tracker.issueTypes()) {
          if (!ids.isEmpty() && !ids.contains(id("issuetype", type))) {
            continue;
          }
          ObjectNode t = issueType(type);
          ObjectNode f = t.putObject("fields");
          createFields(as.createMetadata(type), schemas).forEach(n ->
              f.set(n.path("key").asText(), n));
          types.add(t);
        }
      }
      json(ex, 200, o);
      return;
    }
    checkProject(p[2]);
    if (p.length == 4) {
      ObjectNode o = JSON.objectNode();
      ArrayNode types = o.putArray(cloud() ? "issueTypes" : "values");
      tracker.issueTypes().forEach(t -> types.add(issueType(t)));
      o.put("maxResults", 50).put("startAt", 0).put("total", tracker.issueTypes().size());
      json(ex, 200, o);
      return;
    }
    String type = tracker.issueTypes().stream().filter(t -> id("issuetype", t).equals(p[4]))
        .findFirst().orElseThrow(() -> new Answer(404, "Issue type not found", Map.of()));
    List<ObjectNode> all = createFields(as.createMetadata(type), schemas);
    int start = Integer.parseInt(q.getOrDefault("startAt", "0"));
    int max = Integer.parseInt(q.getOrDefault("maxResults", "50"));
    ObjectNode o = JSON.objectNode();
    ArrayNode list = o.putArray(cloud() ? "fields" : "values");
    int end = Math.min(all.size(), start + max);
    all.subList(Math.min(start, end), end).forEach(n -> list.add(n.deepCopy()
        .put("fieldId", n.path("key").asText())));
    o.put("maxResults", max).put("startAt", start).put("total", all.size());
    json(ex, 200, o);
  }

  private List<ObjectNode> createFields(CreateMetadata meta, Map<String, FieldSchema> schemas) {
    List<ObjectNode> out = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>(List.of("project", "issuetype"));
    ids.addAll(meta.fields());
    for (String id : ids) {
      FieldSchema s = schemas.get(id);
      boolean required = id.equals("project") || id.equals("issuetype")
          || meta.requiredFields().contains(id);
      ObjectNode n = JSON.objectNode().put("required", required)
          .put("name", s == null ? id : s.name()).put("key", id)
          .put("hasDefaultValue", id.equals("priority"));
      n.set("schema", s == null ? JSON.objectNode().put("type", "any").put("system", id)
          : schema(s));
      n.putArray("operations").add("set");
      if (s != null && s.allowedValues() != null && !id.equals("issuelinks")) {
        ArrayNode allowed = n.putArray("allowedValues");
        s.allowedValues().forEach(v -> allowed.add(s.system() && NAMED.contains(s.type())
            ? namedValue(id, v) : JSON.objectNode().put("value", v).put("id", id(id, v))));
      }
      out.add(n);
    }
    return out;
  }

  // ------------------------------------------------------------------ comments

  private void comment(HttpExchange ex, InMemoryIssueTracker as, String method, String key,
      String[] p, Map<String, String> q) throws IOException {
    if (p.length == 3) {
      if (method.equals("GET")) {
        List<Comment> all = as.comments(key);
        int start = Integer.parseInt(q.getOrDefault("startAt", "0"));
        int max = Math.min(100, Integer.parseInt(q.getOrDefault("maxResults", "50")));
        int end = Math.min(all.size(), start + max);
        ObjectNode o = JSON.objectNode().put("startAt", start).put("maxResults", max)
            .put("total", all.size());
        ArrayNode list = o.putArray("comments");
        all.subList(Math.min(start, end), end).forEach(c -> list.add(comment(key, c)));
        json(ex, 200, o);
      } else {
        JsonNode body = body(ex);
        String id = as.addComment(key, storedText(body.path("body"), "body"),
            visibility(body));
        // the answer reads what was stored without a tracker call: a fault injected there would
        // answer 429 for a comment that was added, and the client would add it again
        json(ex, 201, comment(key, stored(as, key, id)));
      }
      return;
    }
    String id = p[3];
    find(as, key, id);
    if (method.equals("PUT")) {
      JsonNode edit = body(ex);
      // as Jira: a visibility (or the internal property) is set when sent, else kept
      as.editComment(key, id, storedText(edit.path("body"), "body"), visibility(edit), null);
      json(ex, 200, comment(key, stored(as, key, id)));
    } else if (method.equals("DELETE")) {
      as.deleteComment(key, id);
      send(ex, 204, new byte[0]);
    } else {
      json(ex, 200, comment(key, find(as, key, id)));
    }
  }

  private static Comment stored(InMemoryIssueTracker as, String key, String id) {
    return as.storedComments(key).stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new Answer(404, "Can not find a comment for the id: " + id + ".",
            Map.of()));
  }

  private static Comment find(InMemoryIssueTracker as, String key, String id) {
    return as.comments(key).stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new Answer(404, "Can not find a comment for the id: " + id + ".",
            Map.of()));
  }

  /** A comment write's visibility: its object, else a service desk's internal property. */
  private static String visibility(JsonNode comment) {
    JsonNode v = comment.path("visibility");
    if (!v.isObject()) {
      for (JsonNode p : comment.path("properties")) {
        if (p.path("key").asText().equals("sd.public.comment")
            && p.path("value").path("internal").asBoolean(false)) {
          return INTERNAL;
        }
      }
      return null;
    }
    String type = v.path("type").asText("role");
    if (!type.equals("role") && !type.equals("group")) { // as Jira, which knows these two
      throw new Answer(400, "A comment's visibility type must be group or role, was \""
          + type + "\".", Map.of());
    }
    return type + ":" + v.path("value").asText();
  }

  /** How the in-memory tracker holds a Jira Service Management internal comment. */
  private static final String INTERNAL = "jsd:internal";

  private ObjectNode comment(String key, Comment c) {
    ObjectNode o = JSON.objectNode()
        .put("self", url + api + "/issue/" + (10000 + number(key)) + "/comment/" + c.id())
        .put("id", c.id());
    o.set("author", userValue(c.author()));
    o.set("body", richText(c.body()));
    o.set("updateAuthor", userValue(c.updateAuthor()));
    o.put("created", time(c.created())).put("updated", time(c.updated()));
    if (c.visibility() != null && !c.visibility().equals(INTERNAL)) {
      int colon = c.visibility().indexOf(':');
      o.putObject("visibility").put("type", c.visibility().substring(0, colon))
          .put("value", c.visibility().substring(colon + 1));
    }
    if (cloud()) {
      // Cloud's comments say whether service desk customers see them; an internal one has no
      // visibility object (Server's answers say neither)
      o.put("jsdPublic", !INTERNAL.equals(c.visibility()));
    }
    return o;
  }

  // ------------------------------------------------------------------ worklogs

  /**
   * {@code /issue/{key}/worklog[/{id}]}. This fake keeps no estimates, so it refuses a write that
   * would change them: one without {@code adjustEstimate=leave}.
   */
  private void worklog(HttpExchange ex, InMemoryIssueTracker as, String method, String key,
      String[] p, Map<String, String> q) throws IOException {
    if (!method.equals("GET") && !"leave".equals(q.get("adjustEstimate"))) {
      throw new Answer(400, null, Map.of("adjustEstimate", "this fake keeps no estimates:"
          + " adjustEstimate must be leave, was " + q.get("adjustEstimate")));
    }
    if (p.length == 3 && method.equals("GET")) {
      List<Worklog> all = as.worklogs(key);
      int start = Integer.parseInt(q.getOrDefault("startAt", "0"));
      int max = Math.min(FakeJiraServer.WORKLOG_PAGE, Integer.parseInt(q.getOrDefault("maxResults", "5000")));
      int end = Math.min(all.size(), start + max);
      ObjectNode o = JSON.objectNode().put("startAt", start).put("maxResults", max)
          .put("total", all.size());
      ArrayNode list = o.putArray("worklogs");
      all.subList(Math.min(start, end), end).forEach(w -> list.add(worklog(key, w)));
      json(ex, 200, o);
    } else if (p.length == 3) {
      JsonNode body = body(ex);
      String id = as.addWorklog(key, started(body), timeSpent(body), worklogComment(body));
      json(ex, 201, worklog(key, storedWorklog(as, key, id)));
    } else if (method.equals("PUT")) {
      JsonNode body = body(ex);
      as.updateWorklog(key, p[3], started(body), timeSpent(body), worklogComment(body));
      json(ex, 200, worklog(key, storedWorklog(as, key, p[3])));
    } else if (method.equals("DELETE")) {
      storedWorklog(as, key, p[3]);
      as.deleteWorklog(key, p[3]);
      send(ex, 204, new byte[0]);
    } else {
      json(ex, 200, worklog(key, storedWorklog(as, key, p[3])));
    }
  }

  private static long started(JsonNode body) {
    try {
      return java.time.ZonedDateTime.parse(body.path("started").asText(), WIRE_TIME).toInstant()
          .toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw new Answer(400, null, Map.of("started", "Could not parse "
          + body.path("started") + " as yyyy-MM-dd'T'HH:mm:ss.SSSZ"));
    }
  }

  private static long timeSpent(JsonNode body) {
    if (!body.path("timeSpentSeconds").canConvertToLong()
        || body.path("timeSpentSeconds").asLong() < 1) {
      throw new Answer(400, null, Map.of("timeLogged", "You must indicate the time spent"
          + " working."));
    }
    return body.path("timeSpentSeconds").asLong();
  }

  private String worklogComment(JsonNode body) {
    return body.hasNonNull("comment") ? storedText(body.path("comment"), "comment") : "";
  }

  private static Worklog storedWorklog(InMemoryIssueTracker as, String key, String id) {
    return as.storedWorklogs(key).stream().filter(w -> w.id().equals(id)).findFirst()
        .orElseThrow(() -> new Answer(404, "Cannot find worklog with id: " + id, Map.of()));
  }

  private ObjectNode worklog(String key, Worklog w) {
    String issueId = String.valueOf(10000 + number(key));
    ObjectNode o = JSON.objectNode()
        .put("self", url + api + "/issue/" + issueId + "/worklog/" + w.id());
    o.set("author", userValue(w.author()));
    o.set("updateAuthor", userValue(w.updateAuthor()));
    if (!w.comment().isEmpty()) {
      o.set("comment", richText(w.comment()));
    }
    o.put("created", time(w.updated())).put("updated", time(w.updated()))
        .put("started", time(w.started())).put("timeSpent", (w.timeSpentSeconds() / 60) + "m")
        .put("timeSpentSeconds", w.timeSpentSeconds()).put("id", w.id()).put("issueId", issueId);
    return o;
  }

  // ------------------------------------------------------------------ attachments

  private void upload(HttpExchange ex, InMemoryIssueTracker as, String key) throws IOException {
    if (!"no-check".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Atlassian-Token"))) {
      throw new Answer(403, "XSRF check failed", Map.of());
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    int b = type == null ? -1 : type.indexOf("boundary=");
    if (b < 0) {
      throw new Answer(415, "Unsupported media type: multipart/form-data expected", Map.of());
    }
    byte[] boundary = ("--" + type.substring(b + 9).replace("\"", ""))
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = ex.getRequestBody().readAllBytes();
    int start = indexOf(body, boundary, 0);
    int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
    int end = indexOf(body, ("\r\n" + new String(boundary, StandardCharsets.ISO_8859_1))
        .getBytes(StandardCharsets.ISO_8859_1), headersEnd);
    if (start < 0 || headersEnd < 0 || end < 0) {
      throw new Answer(400, "Malformed multipart body", Map.of());
    }
    String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
    if (!headers.contains("name=\"file\"")) {
      throw new Answer(400, "The part must be named file", Map.of());
    }
    String filename = dispositionFilename(headers);
    String mime = headers.contains("Content-Type:")
        ? headers.replaceAll("(?s).*Content-Type:\\s*([^\\r\\n]+).*", "$1").trim() : null;
    Attachment a = as.upload(key, filename, mime,
        new ByteArrayInputStream(body, headersEnd + 4, end - headersEnd - 4));
    ArrayNode out = JSON.arrayNode();
    out.add(attachment(a));
    json(ex, 200, out);
  }

  private static final java.util.regex.Pattern ENCODED_WORD =
      java.util.regex.Pattern.compile("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=");

  /**
   * The file name of a part's {@code Content-Disposition} as Jira reads it (Commons FileUpload's
   * parameter parser, then the Atlassian REST plugin): a quoted value as it stands, backslashes
   * and percent signs included (a backslash only keeps the next quote from ending it), RFC 2047
   * encoded words decoded, and what comes after the last slash.
   */
  static String dispositionFilename(String headers) {
    int at = headers.indexOf("filename=");
    if (at < 0) {
      return null;
    }
    StringBuilder raw = new StringBuilder();
    boolean quoted = false;
    boolean escaped = false;
    for (int i = at + "filename=".length(); i < headers.length(); i++) {
      char c = headers.charAt(i);
      if (!quoted && (c == ';' || c == '\r' || c == '\n')) {
        break;
      }
      if (!escaped && c == '"') {
        quoted = !quoted;
      }
      escaped = !escaped && c == '\\';
      raw.append(c);
    }
    String value = raw.toString().strip();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    java.util.regex.Matcher word = ENCODED_WORD.matcher(value);
    StringBuilder decoded = new StringBuilder();
    while (word.find()) {
      java.nio.charset.Charset charset = java.nio.charset.Charset.forName(word.group(1));
      byte[] bytes = word.group(2).equalsIgnoreCase("B")
          ? Base64.getDecoder().decode(word.group(3))
          : qDecoded(word.group(3));
      word.appendReplacement(decoded,
          java.util.regex.Matcher.quoteReplacement(new String(bytes, charset)));
    }
    word.appendTail(decoded);
    String name = decoded.toString();
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** RFC 2047's Q encoding: {@code _} a space, {@code =XX} a byte. */
  private static byte[] qDecoded(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=' && i + 2 < text.length()) {
        out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c == '_' ? ' ' : c);
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private ObjectNode attachment(Attachment a) {
    ObjectNode o = JSON.objectNode().put("self", url + api + "/attachment/" + a.id())
        .put("id", a.id()).put("filename", a.filename());
    o.set("author", userValue(a.author()));
    o.put("created", time(a.created())).put("size", a.size())
        .put("mimeType", a.mimeType() == null ? "application/octet-stream" : a.mimeType());
    o.put("content", cloud() ? url + api + "/attachment/content/" + a.id()
        : url + "/secure/attachment/" + a.id() + "/"
            + java.net.URLEncoder.encode(a.filename(), StandardCharsets.UTF_8)
                .replace("+", "%20"));
    return o;
  }

  private void attachment(HttpExchange ex, InMemoryIssueTracker as, String method, String[] p)
      throws IOException {
    if (p.length == 3 && p[1].equals("content") && cloud()) {
      findAttachment(as, p[2]);
      // Jira Cloud sends downloads to its media store, which does not take the site's login.
      ex.getResponseHeaders().add("Location", url + "/media/" + p[2] + "?token=signed");
      send(ex, 303, new byte[0]);
      return;
    }
    String id = p[1];
    Attachment a = findAttachment(as, id);
    if (method.equals("DELETE")) {
      as.deleteAttachment(id);
      send(ex, 204, new byte[0]);
    } else {
      json(ex, 200, attachment(a));
    }
  }

  private Attachment findAttachment(InMemoryIssueTracker as, String id) {
    for (TrackedIssue i : as.allIssues()) {
      for (Attachment a : as.attachments(i.key())) {
        if (a.id().equals(id)) {
          return a;
        }
      }
    }
    throw new Answer(404, "The attachment with id '" + id + "' does not exist", Map.of());
  }

  private void download(HttpExchange ex, String idAndQuery) throws IOException {
    String id = idAndQuery.replaceAll("[?/].*", "");
    ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
    InputStream in;
    try {
      in = tracker.download(id);
    } catch (TrackerException e) {
      send(ex, 404, new byte[0]);
      return;
    }
    ex.sendResponseHeaders(200, 0);
    try (in; OutputStream out = ex.getResponseBody()) {
      in.transferTo(out);
    }
  }

  // ------------------------------------------------------------------ values

  private ObjectNode userValue(String id) {
    if (id == null) {
      return null;
    }
    // not a tracker call: a fault injected while rendering the answer to a write would answer
    // 429 for a write that was made, and the client would make it again
    Optional<TrackerUser> u = tracker.storedUser(id);
    return user(u.orElse(new TrackerUser(id, id, null)));
  }

  private String time(long millis) {
    return WIRE_TIME.format(Instant.ofEpochMilli(millis).atZone(zone));
  }

  private JsonNode toWire(FieldSchema s, JsonNode value) {
    if (value == null || value.isNull()) {
      return s.type().equals("array") ? JSON.arrayNode() : NullNode.getInstance();
    }
    if (rich(s)) {
      return richText(value.asText());
    }
    if (s.type().equals("array")) {
      ArrayNode out = JSON.arrayNode();
      value.forEach(v -> out.add(scalarToWire(s.id(), s.items(), v)));
      return out;
    }
    return scalarToWire(s.id(), s.type(), value);
  }

  private JsonNode scalarToWire(String fieldId, String type, JsonNode v) {
    if ("option-with-child".equals(type)) {
      return cascadingToWire(fieldId, v);
    }
    if (type == null || !v.isTextual()) {
      return v;
    }
    return switch (type) {
      case "user" -> userValue(v.asText());
      case "option" -> JSON.objectNode().put("value", v.asText()).put("id", id(fieldId,
          v.asText())).put("self", url + api + "/customFieldOption/" + id(fieldId, v.asText()));
      case "priority", "status", "resolution", "issuetype" -> namedValue(fieldId, v.asText());
      case "component", "version" -> JSON.objectNode().put("id", id(fieldId, v.asText()))
          .put("name", v.asText()).put("self", url + api + "/" + type + "/"
              + id(fieldId, v.asText()));
      default -> v;
    };
  }

  /**
   * A cascading select's stored value ({@code "A"}, or {@code {"value":"A","child":"A1"}}) as Jira
   * answers it: the option with its id and link, and its child option likewise.
   */
  private JsonNode cascadingToWire(String fieldId, JsonNode v) {
    String parent = v.isTextual() ? v.asText() : v.path("value").asText();
    ObjectNode out = option(fieldId, parent, parent);
    if (v.path("child").isTextual()) {
      out.set("child", option(fieldId, parent + "/" + v.path("child").asText(),
          v.path("child").asText()));
    }
    return out;
  }

  private ObjectNode option(String fieldId, String path, String value) {
    String id = String.valueOf(10000 + Math.floorMod(path.hashCode(), 9000));
    return JSON.objectNode().put("self", url + api + "/customFieldOption/" + id)
        .put("value", value).put("id", id);
  }

  private boolean rich(FieldSchema s) {
    return s.id().equals("description") || s.id().equals("environment")
        || (s.custom() != null && s.custom().endsWith(":textarea"));
  }

  /** A field value as Jira takes it, to the in-memory form; problems go to errors. */
  private JsonNode fromWire(String fieldId, JsonNode v, Map<String, String> errors) {
    FieldSchema s = schemas().get(fieldId);
    if (v == null || v.isNull()) {
      return NullNode.getInstance();
    }
    if (fieldId.equals("parent")) {
      return JSON.textNode(v.path("key").asText(v.asText()));
    }
    if (s == null) {
      return v; // the in-memory project refuses unknown fields with Jira's message
    }
    if (rich(s)) {
      if (cloud() && !v.isObject()) {
        errors.put(fieldId, "Operation value must be an Atlassian Document (see the Atlassian "
            + "Document Format)");
        return v;
      }
      if (!cloud() && !v.isTextual()) {
        errors.put(fieldId, "Operation value must be a string");
        return v;
      }
      return JSON.textNode(storedText(v, fieldId));
    }
    if (s.type().equals("array")) {
      if (!v.isArray()) {
        errors.put(fieldId, "Operation value must be an array");
        return v;
      }
      if (v.isEmpty()) {
        return NullNode.getInstance();
      }
      ArrayNode out = JSON.arrayNode();
      v.forEach(item -> out.add(scalarFromWire(fieldId, s.items(), item, errors)));
      return out;
    }
    return scalarFromWire(fieldId, s.type(), v, errors);
  }

  private JsonNode scalarFromWire(String fieldId, String type, JsonNode v,
      Map<String, String> errors) {
    if (type == null) {
      return v;
    }
    switch (type) {
      case "user" -> {
        if (!v.isObject()) {
          errors.put(fieldId, "expected an object with " + (cloud() ? "accountId" : "name"));
          return v;
        }
        if (cloud() && v.has("name") && !v.has("accountId") && !v.has("id")) {
          errors.put(fieldId, "'name' is not supported in Jira Cloud; use 'accountId'");
          return v;
        }
        return JSON.textNode(cloud() ? v.path("accountId").asText(v.path("id").asText())
            : v.path("name").asText());
      }
      case "option" -> {
        return JSON.textNode(v.path("value").asText(v.asText()));
      }
      case "option-with-child" -> {
        // as Jira: an object naming the option by value, and its child option likewise
        if (!v.path("value").isTextual()
            || v.has("child") && !v.path("child").path("value").isTextual()) {
          errors.put(fieldId, "expected an object with value and optionally child {\"value\":"
              + " ...}, was " + v);
          return v;
        }
        return v.has("child") ? JSON.objectNode().put("value", v.path("value").asText())
            .put("child", v.path("child").path("value").asText())
            : JSON.textNode(v.path("value").asText());
      }
      case "priority", "status", "resolution", "issuetype", "component", "version" -> {
        if (!v.isObject()) {
          errors.put(fieldId, "expected an object with name or id, was " + v);
          return v;
        }
        if (v.has("name")) {
          return JSON.textNode(v.path("name").asText());
        }
        String id = v.path("id").asText();
        return values(fieldId.equals("fixVersions") ? "versions" : fieldId).stream()
            .filter(n -> id(fieldId, n).equals(id)).findFirst().<JsonNode>map(JSON::textNode)
            .orElse(v);
      }
      default -> {
        return v;
      }
    }
  }

  /**
   * The in-memory form of rich text: on Cloud, a document of plain paragraphs is kept as plain
   * text (paragraphs split by blank lines, line breaks as newlines), anything richer as the
   * document's JSON; on Server, the wiki text itself.
   */
  private String storedText(JsonNode v, String field) {
    if (!cloud() || v.isTextual()) {
      if (cloud()) {
        throw new Answer(400, null, Map.of(field, "Operation value must be an Atlassian "
            + "Document (see the Atlassian Document Format)"));
      }
      return v.asText();
    }
    if (!"doc".equals(v.path("type").asText())) {
      throw new Answer(400, null, Map.of(field, "Operation value must be an Atlassian "
          + "Document (see the Atlassian Document Format)"));
    }
    List<String> paragraphs = new ArrayList<>();
    for (JsonNode block : v.path("content")) {
      if (!block.path("type").asText().equals("paragraph")) {
        return block.isMissingNode() ? "" : v.toString();
      }
      StringBuilder p = new StringBuilder();
      for (JsonNode n : block.path("content")) {
        String type = n.path("type").asText();
        if (type.equals("hardBreak")) {
          p.append('\n');
        } else if (type.equals("text") && n.path("marks").isEmpty()) {
          p.append(n.path("text").asText());
        } else {
          return v.toString();
        }
      }
      paragraphs.add(p.toString());
    }
    return String.join("\n\n", paragraphs);
  }

  /** Rich text as Jira sends it: an ADF document on Cloud, the wiki string on Server. */
  private JsonNode richText(String stored) {
    if (!cloud()) {
      return stored == null ? NullNode.getInstance() : JSON.textNode(stored);
    }
    if (stored == null) {
      return NullNode.getInstance();
    }
    if (stored.startsWith("{\"")) {
      try {
        JsonNode doc = MAPPER.readTree(stored);
        if ("doc".equals(doc.path("type").asText())) {
          return doc;
        }
      } catch (IOException e) {
        // plain text that starts like JSON
      }
    }
    return plainDocument(stored);
  }

  /** A plain text as an ADF document of paragraphs. */
  static ObjectNode plainDocument(String text) {
    ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
    ArrayNode content = doc.putArray("content");
    for (String paragraph : text.split("\n\n", -1)) {
      ObjectNode p = content.addObject().put("type", "paragraph");
      ArrayNode inline = p.putArray("content");
      String[] lines = paragraph.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (i > 0) {
          inline.addObject().put("type", "hardBreak");
        }
        if (!lines[i].isEmpty()) {
          inline.addObject().put("type", "text").put("text", lines[i]);
        }
      }
    }
    return doc;
  }

  // ------------------------------------------------------------------ HTTP

  private String authenticate(String header) {
    if (header == null) {
      return null;
    }
    if (header.startsWith("Bearer ")) {
      if (cloud()) {
        return null; // Cloud takes API tokens with basic authentication
      }
      String token = header.substring(7);
      return credentials.entrySet().stream().filter(e -> e.getValue().equals(token))
          .map(Map.Entry::getKey).findFirst().orElse(null);
    }
    if (header.startsWith("Basic ")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6)),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      String login = decoded.substring(0, colon);
      String secret = decoded.substring(colon + 1);
      for (Map.Entry<String, String> e : credentials.entrySet()) {
        String expected = cloud() ? tracker.user(e.getKey()).map(TrackerUser::email)
            .orElse(null) : e.getKey();
        if (login.equals(expected) && secret.equals(e.getValue())) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  private static JsonNode body(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      throw new Answer(415, "Unsupported media type: " + type, Map.of());
    }
    byte[] bytes = ex.getRequestBody().readAllBytes();
    try {
      return bytes.length == 0 ? JSON.objectNode() : MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new Answer(400, "Unexpected character in the JSON body", Map.of());
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        out.put(decode(eq < 0 ? pair : pair.substring(0, eq)),
            eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
    send(ex, status, MAPPER.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    if (status == 204 || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
