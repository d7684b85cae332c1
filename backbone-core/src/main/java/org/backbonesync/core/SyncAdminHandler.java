package org.backbonesync.core;

import static org.backbonesync.core.AdminText.cut;
import static org.backbonesync.core.AdminText.parameter;
import static org.backbonesync.core.AdminText.shown;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API as one framework-neutral function, {@link AdminRequest} to {@link AdminResponse},
 * with the original product's resources and JSON field names, so that a host binding it under its
 * own base path is a drop-in replacement for scripts written against the original:
 *
 * <pre>
 * GET    /synchronizations
 * GET    /synchronizations/{id}
 * POST   /connectors/{connectorKey}/resync            {"jql", "fieldMappings", "responsibility", "sendStatusField"}
 * POST   /connectors/{connectorKey}/syncInformation/rebuild          (not in the original)
 * GET    /async-tasks/{id}
 * DELETE /async-tasks/{id}                            (cancels)
 * GET    /connectors/{connectorKey}/syncInformation[?localIssueKey=&amp;remoteIssueKey=]
 * POST   /connectors/{connectorKey}/syncInformation   [rows]
 * DELETE /connectors/{connectorKey}/syncInformation[?syncInfoId=]
 * GET    /connectors/{connectorKey}/conflicts[?localIssueKey=]   (not in the original)
 * GET    /connectors/{connectorKey}/failedMessages                 (not in the original)
 * POST   /connectors/{connectorKey}/failedMessages/{messageId}/retry
 * POST   /connectors/{connectorKey}/failedMessages/{messageId}/skip
 * GET    /connectors/{connectorKey}/undeliverableMessages          (not in the original)
 * POST   /connectors/{connectorKey}/undeliverableMessages/{messageId}/retry
 * POST   /connectors/{connectorKey}/undeliverableMessages/{messageId}/skip
 * GET    /connectors/{connectorKey}/status                         (not in the original)
 * GET    /connectors/{connectorKey}/issues/{issueKey}/trace        (not in the original)
 * </pre>
 *
 * <p>An import takes the rows a {@code GET .../syncInformation} returns as they are: their {@code
 * id} is ignored (the store assigns one) and their {@code connectorKey} must be the path's.
 *
 * <p>Each route takes exactly the query parameters shown, each at most once, and only POST takes
 * a body; anything else is refused (400) naming it, so a misspelt {@code ?syncinfoid=1} cannot
 * become the delete-all request, which is only {@code DELETE .../syncInformation} with no query
 * and no body. Bodies are read with {@link StrictJson} (a duplicate key is an error) and are
 * bounded: {@link Builder#maxBodyBytes} (413 beyond), {@link Builder#maxImportRows} rows per import
 * (413 beyond), {@link #MAX_JQL_LENGTH} characters of resync JQL.
 *
 * <p>Errors are JSON {@code {"status": 400, "error": "...", "problems": [{"path", "message"}],
 * "problemCount": n}}, with at most {@link #MAX_PROBLEMS_LISTED} problems listed and {@code
 * problemCount} counting them all: 400 for a malformed body (with the parse position) or a refused
 * request, 403, 404 for unknown synchronizations, connectors, tasks and entries or paths, 405 for
 * a method a path lacks, 409 for an import that lost a race, 413 for a body over a limit, 503 when
 * a tracker could not be asked or on a retriable failure, 500 for anything unexpected (its class
 * and an incident id that the log line carries, never its message or stack trace). Each message is
 * cut at 500 characters. Nothing thrown inside {@link #handle} escapes it. Thread-safe.
 */
public final class SyncAdminHandler {
  /** The default of {@link Builder#maxBodyBytes}: 4 MiB, about 14,000 rows of a full import. */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  /** The default of {@link Builder#maxImportRows}. */
  public static final int DEFAULT_MAX_IMPORT_ROWS = 10_000;
  /** The longest resync JQL, in characters; Jira takes JQL in a URL of about 8 KB. */
  public static final int MAX_JQL_LENGTH = 10_000;
  /** The most field mapping ids a resync request may name. */
  public static final int MAX_FIELD_MAPPING_IDS = 1_000;
  /** The most problems an error lists; {@code problemCount} has the total. */
  public static final int MAX_PROBLEMS_LISTED = 100;

  private static final Logger log = LoggerFactory.getLogger(SyncAdminHandler.class);
  private static final Map<String, String> JSON_TYPE =
      Map.of("Content-Type", "application/json; charset=utf-8");
  private static final int MAX_MESSAGE_LENGTH = AdminAnswers.MAX_MESSAGE_LENGTH;
  /** The longest issue key a trace is asked for; as the stores' key columns. */
  private static final int MAX_ISSUE_KEY_LENGTH = 255;

  private final SyncAdmin admin;
  private final int maxBodyBytes;
  private final int maxImportRows;
  private final JsonMapper mapper = StrictJson.mapper();
  private final AdminAnswers answers = new AdminAnswers(mapper);
  private final AdminBodies bodies;
  private final SyncConfigurationJson configurationJson =
      new SyncConfigurationJson(FieldMappingRegistry.builtIns());
  private final List<Route> routes;

  /** A handler for the admin's operations, with the default limits. */
  @Inject
  public SyncAdminHandler(SyncAdmin admin) {
    this(Checks.notNull("admin", admin), DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMPORT_ROWS);
  }

  private SyncAdminHandler(SyncAdmin admin, int maxBodyBytes, int maxImportRows) {
    this.admin = admin;
    this.maxBodyBytes = maxBodyBytes;
    this.maxImportRows = maxImportRows;
    this.bodies = new AdminBodies(mapper, maxImportRows);
    // Every route with the query parameters it takes, in one place.
    this.routes = List.of(
        new Route("GET", "synchronizations", Set.of(), false, c -> synchronizations(c.caller())),
        new Route("GET", "synchronizations/{id}", Set.of(), false, c -> new AdminResponse(200,
            configurationJson.write(admin.synchronization(c.caller(), c.arg(1))), JSON_TYPE)),
        new Route("GET", "async-tasks/{id}", Set.of(), false,
            c -> ok(answers.task(admin.task(c.caller(), c.arg(1))))),
        new Route("DELETE", "async-tasks/{id}", Set.of(), false,
            c -> ok(answers.task(admin.cancelTask(c.caller(), c.arg(1))))),
        new Route("POST", "connectors/{connectorKey}/resync", Set.of(), true,
            c -> ok(answers.task(
                admin.resync(c.caller(), c.arg(1), bodies.resyncRequest(c.body()))))),
        new Route("POST", "connectors/{connectorKey}/syncInformation/rebuild", Set.of(), false,
            c -> ok(answers.task(admin.rebuildSyncInformation(c.caller(), c.arg(1))))),
        new Route("GET", "connectors/{connectorKey}/syncInformation",
            Set.of("localIssueKey", "remoteIssueKey"), false,
            c -> ok(mapper.valueToTree(admin.syncInformation(c.caller(), c.arg(1),
                issueKey("?localIssueKey", c.query().get("localIssueKey")),
                issueKey("?remoteIssueKey", c.query().get("remoteIssueKey")))))),
        new Route("POST", "connectors/{connectorKey}/syncInformation", Set.of(), true,
            this::importSyncInformation),
        new Route("DELETE", "connectors/{connectorKey}/syncInformation", Set.of("syncInfoId"),
            false, this::deleteSyncInformation),
        new Route("PUT",
            "connectors/{connectorKey}/syncInformation/{syncInfoId}/incomingChangesIgnored",
            Set.of(), true, c -> ok(mapper.valueToTree(admin.setIncomingChangesIgnored(
                c.caller(), c.arg(1), syncInfoId(c.arg(3)), bodies.ignoredRequest(c.body()))))),
        new Route("GET", "connectors/{connectorKey}/conflicts", Set.of("localIssueKey"), false,
            c -> ok(mapper.valueToTree(admin.conflicts(c.caller(), c.arg(1),
                issueKey("?localIssueKey", c.query().get("localIssueKey")))))),
        new Route("GET", "connectors/{connectorKey}/failedMessages", Set.of(), false,
            c -> ok(answers.failedMessages(admin.failedMessages(c.caller(), c.arg(1))))),
        new Route("POST", "connectors/{connectorKey}/failedMessages/{messageId}/retry", Set.of(),
            false, c -> {
              admin.retryFailedMessage(c.caller(), c.arg(1), c.arg(3));
              return ok(mapper.createObjectNode().put("retried", c.arg(3)));
            }),
        new Route("POST", "connectors/{connectorKey}/failedMessages/{messageId}/skip", Set.of(),
            false, c -> {
              admin.skipFailedMessage(c.caller(), c.arg(1), c.arg(3));
              return ok(mapper.createObjectNode().put("skipped", c.arg(3)));
            }),
        new Route("GET", "connectors/{connectorKey}/undeliverableMessages", Set.of(), false,
            c -> ok(answers.undeliverable(admin.undeliverableMessages(c.caller(), c.arg(1))))),
        new Route("POST", "connectors/{connectorKey}/undeliverableMessages/{messageId}/retry",
            Set.of(), false, c -> {
              admin.retryUndeliverable(c.caller(), c.arg(1), c.arg(3));
              return ok(mapper.createObjectNode().put("retried", c.arg(3)));
            }),
        new Route("POST", "connectors/{connectorKey}/undeliverableMessages/{messageId}/skip",
            Set.of(), false, c -> {
              admin.skipUndeliverable(c.caller(), c.arg(1), c.arg(3));
              return ok(mapper.createObjectNode().put("skipped", c.arg(3)));
            }),
        new Route("GET", "connectors/{connectorKey}/status", Set.of(), false,
            c -> ok(answers.status(admin.status(c.caller(), c.arg(1))))),
        new Route("GET", "connectors/{connectorKey}/issues/{issueKey}/trace", Set.of(), false,
            c -> ok(answers.trace(
                admin.trace(c.caller(), c.arg(1), issueKey("issueKey", c.arg(3)))))));
  }

  /** Starts building a handler with limits of the host's choice. */
  public static Builder builder(SyncAdmin admin) {
    return new Builder(Checks.notNull("admin", admin));
  }

  /**
   * Answers one request whose body the host read into {@link AdminRequest#body()}. A body over
   * {@link Builder#maxBodyBytes} (in UTF-8) is refused with 413 as in the streaming form; a host
   * that can, passes the stream instead, so that it never holds more than the limit.
   */
  public AdminResponse handle(AdminRequest request) {
    return guarded(request, () -> {
      String body = request.body();
      if (body != null && (body.length() > maxBodyBytes || utf8Length(body) > maxBodyBytes)) {
        throw tooLarge();
      }
      return route(request, body);
    });
  }

  /**
   * Answers one request, reading its body from a stream: at most {@link Builder#maxBodyBytes}
   * bytes plus one are read (413 when there are more; the rest is left unread), and they must be
   * UTF-8. The stream replaces {@link AdminRequest#body()}; the caller closes it.
   *
   * @param body the request body, or null for none
   */
  public AdminResponse handle(AdminRequest request, InputStream body) {
    return guarded(request, () -> route(request, read(body)));
  }

  private AdminResponse guarded(AdminRequest request, Supplier<AdminResponse> work) {
    try {
      return work.get();
    } catch (AdminException e) {
      return error(e.status(), e.getMessage(), e.problems());
    } catch (Throwable e) { // NOPMD: nothing may escape to the host's server thread
      // The message of an unexpected failure may hold anything (SQL, URLs, values): the answer
      // names only its class and an incident id, and the log has the rest.
      String incident = UUID.randomUUID().toString();
      try {
        log.warn("admin request {} {} failed (incident {})", request == null ? null
            : shown(request.method()), request == null ? null : shown(request.path()), incident,
            e);
      } catch (Throwable ignored) { // NOPMD: a failing logger must not fail the answer
        // nothing more to do
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String what = e instanceof RetriableException
          ? "unavailable for now, try again later"
          : e instanceof StackOverflowError
              ? "the request was too deeply nested or too long to process" : "internal error";
      return error(e instanceof RetriableException ? 503 : 500, what + " ("
          + e.getClass().getSimpleName() + ", incident " + incident + ")", List.of());
    }
  }

  private String read(InputStream in) {
    if (in == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = in.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      throw new AdminException(400, "the request body could not be read: "
          + e.getClass().getSimpleName());
    }
    if (bytes.length > maxBodyBytes) {
      throw tooLarge();
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new AdminException(400, "the request body is not UTF-8");
    }
  }

  private AdminException tooLarge() {
    return new AdminException(413, "the request body is larger than " + maxBodyBytes
        + " bytes, the limit of this admin API (maxBodyBytes)");
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ routing

  /**
   * One resource and method.
   *
   * @param pattern path segments; {@code {name}} matches any one segment
   * @param parameters the query parameters it takes (each at most once)
   * @param takesBody whether it reads a body; those that do not refuse one
   */
  private record Route(String method, String pattern, Set<String> parameters, boolean takesBody,
      Function<Call, AdminResponse> action) {

    boolean matches(List<String> segments) {
      String[] parts = pattern.split("/");
      if (parts.length != segments.size()) {
        return false;
      }
      for (int i = 0; i < parts.length; i++) {
        if (!parts[i].startsWith("{") && !parts[i].equals(segments.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return method + " /" + pattern;
    }
  }

  /** A request that matched a route: its path segments, query (checked) and body. */
  private record Call(List<String> segments, String caller, Map<String, String> query,
      String body) {
    String arg(int i) {
      return segments.get(i);
    }
  }

  private AdminResponse route(AdminRequest r, String body) {
    List<String> segments = segments(r.path());
    String method = r.method() == null ? "" : r.method().toUpperCase(Locale.ROOT);
    List<Route> here = routes.stream().filter(route -> route.matches(segments)).toList();
    if (here.isEmpty()) {
      throw new AdminException(404, "no admin resource at " + shown(r.path()));
    }
    Route route = here.stream().filter(x -> x.method().equals(method)).findFirst()
        .orElse(null);
    if (route == null) {
      Set<String> allowed = new LinkedHashSet<>();
      here.forEach(x -> allowed.add(x.method()));
      AdminResponse refused = error(405, "method " + shown(method) + " is not allowed on /"
          + here.get(0).pattern() + "; allowed: " + String.join(", ", allowed), List.of());
      Map<String, String> headers = new LinkedHashMap<>(refused.headers());
      headers.put("Allow", String.join(", ", allowed));
      return new AdminResponse(405, refused.body(), headers);
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    r.queryValues().forEach((name, values) -> {
      if (!route.parameters().contains(name)) {
        problems.add(new ConfigurationProblem(parameter(name), "unknown query parameter"));
      } else if (values.size() > 1) {
        problems.add(new ConfigurationProblem(parameter(name),
            "given " + values.size() + " times; give it once"));
      }
    });
    if (!problems.isEmpty()) {
      List<String> names = problems.stream().limit(10).map(p -> p.path().substring(1)).toList();
      throw new AdminException(400, route + " takes "
          + (route.parameters().isEmpty() ? "no query parameters"
              : "only the query parameters " + String.join(", ", sorted(route.parameters()))
                  + ", each at most once")
          + "; refused: " + String.join(", ", names)
          + (problems.size() > names.size() ? " and " + (problems.size() - names.size())
              + " more" : ""), problems);
    }
    if (!route.takesBody() && body != null && !body.isEmpty()) {
      throw new AdminException(400, route + " takes no body"
          + (route.parameters().isEmpty() ? "" : "; its parameters go in the query"));
    }
    return route.action().apply(new Call(segments, r.caller(), r.query(), body));
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static List<String> segments(String path) {
    List<String> parts = new ArrayList<>();
    for (String s : (path == null ? "" : path).split("/")) {
      if (!s.isEmpty()) {
        try {
          // a path is not a form: "+" stays "+" (URLDecoder would make it a space)
          parts.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new AdminException(400, "malformed escape in the path segment " + shown(s));
        }
      }
    }
    return parts;
  }

  // ------------------------------------------------------------------ operations

  private AdminResponse synchronizations(String caller) {
    ArrayNode list = mapper.createArrayNode();
    for (SyncConfiguration c : admin.synchronizations(caller)) {
      ObjectNode s = list.addObject().put("id", c.id());
      s.putObject("connectorA").put("key", c.connectorA().key())
          .put("projectKey", c.connectorA().projectKey());
      s.putObject("connectorB").put("key", c.connectorB().key())
          .put("projectKey", c.connectorB().projectKey());
    }
    return ok(list);
  }

  private AdminResponse importSyncInformation(Call c) {
    AdminBodies.ImportBody body = bodies.importRows(c.body(), c.arg(1));
    if (!body.problems().isEmpty()) {
      // Every problem at once: the body's shape, then the rows' own (keys taken...).
      List<ConfigurationProblem> all = new ArrayList<>(body.problems());
      Set<String> seen = new HashSet<>();
      body.problems().forEach(pr -> seen.add(pr.path()));
      admin.checkSyncInformation(c.caller(), c.arg(1), body.rows()).stream()
          .filter(pr -> !seen.contains(pr.path()))
          .forEach(all::add);
      throw new AdminException(400, "nothing imported: " + all.size()
          + (all.size() == 1 ? " problem" : " problems"), all);
    }
    int imported = admin.importSyncInformation(c.caller(), c.arg(1), body.rows());
    return ok(mapper.createObjectNode().put("imported", imported));
  }

  private AdminResponse deleteSyncInformation(Call c) {
    String id = c.query().get("syncInfoId");
    if (id == null) {
      // Only the documented request reaches here: no query parameter at all, no body.
      return ok(mapper.createObjectNode()
          .put("deleted", admin.deleteAllSyncInformation(c.caller(), c.arg(1))));
    }
    admin.deleteSyncInformation(c.caller(), c.arg(1), syncInfoId(id));
    return ok(mapper.createObjectNode().put("deleted", 1));
  }

  private static long syncInfoId(String id) {
    try {
      if (!id.matches("[0-9]{1,19}")) { // parseLong also takes "+2" and other scripts' digits
        throw new NumberFormatException(id);
      }
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new AdminException(400, "syncInfoId must be a number, was " + shown(id));
    }
  }

  // ------------------------------------------------------------------ answers

  /**
   * An issue key from the request, checked before any store sees it: 1 to 255 characters and no
   * control character (PostgreSQL refuses a NUL in text, which would otherwise be a 500).
   *
   * @param where the key's place in the request, e.g. {@code issueKey} or {@code ?localIssueKey}
   * @return the key; null when {@code key} is null (an absent query parameter)
   */
  private static String issueKey(String where, String key) {
    if (key == null) {
      return null;
    }
    String problem = null;
    if (key.isEmpty() || key.length() > MAX_ISSUE_KEY_LENGTH) {
      problem = "must be 1 to " + MAX_ISSUE_KEY_LENGTH + " characters, was " + key.length();
    } else if (key.chars().anyMatch(Character::isISOControl) || !validSurrogates(key)) {
      problem = "must not hold control characters or broken Unicode";
    }
    if (problem != null) {
      throw new AdminException(400, where + " " + problem + ": " + shown(key),
          List.of(new ConfigurationProblem(where, problem)));
    }
    return key;
  }

  private static boolean validSurrogates(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private AdminResponse ok(JsonNode body) {
    return new AdminResponse(200, write(body), JSON_TYPE);
  }

  private AdminResponse error(int status, String message, List<ConfigurationProblem> problems) {
    // Messages may quote the request (a JQL, a key): bounded, so that no answer grows with it.
    ObjectNode body = mapper.createObjectNode().put("status", status)
        .put("error", cut(message, MAX_MESSAGE_LENGTH));
    ArrayNode list = body.putArray("problems");
    problems.stream().limit(MAX_PROBLEMS_LISTED).forEach(p -> list.addObject()
        .put("path", cut(p.path(), MAX_MESSAGE_LENGTH))
        .put("message", cut(p.message(), MAX_MESSAGE_LENGTH)));
    body.put("problemCount", problems.size());
    return new AdminResponse(status, write(body), JSON_TYPE);
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON value for a message, cut short when long. */
  /** Builds a {@link SyncAdminHandler} with limits of the host's choice. */
  public static final class Builder {
    private final SyncAdmin admin;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxImportRows = DEFAULT_MAX_IMPORT_ROWS;

    private Builder(SyncAdmin admin) {
      this.admin = admin;
    }

    /**
     * The largest request body accepted, in bytes (default {@value SyncAdminHandler#DEFAULT_MAX_BODY_BYTES}); a
     * larger one is answered 413 after reading one byte more than this.
     */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 2 || bytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxBodyBytes must be from 2 to "
            + (Integer.MAX_VALUE - 16) + ", was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The most rows one import may hold (default {@value SyncAdminHandler#DEFAULT_MAX_IMPORT_ROWS}). */
    public Builder maxImportRows(int rows) {
      this.maxImportRows = Checks.positive("maxImportRows", rows);
      return this;
    }

    /** Builds the handler. */
    public SyncAdminHandler build() {
      return new SyncAdminHandler(admin, maxBodyBytes, maxImportRows);
    }
  }
}
