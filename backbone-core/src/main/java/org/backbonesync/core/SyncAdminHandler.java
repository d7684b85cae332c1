package org.backbonesync.core;

import static org.backbonesync.core.AdminParameters.issueKey;
import static org.backbonesync.core.AdminParameters.syncInfoId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.core.AdminRoutes.Call;
import org.backbonesync.core.AdminRoutes.Route;
import org.backbonesync.spi.message.StrictJson;

/**
 * The admin API as one framework-neutral function, {@link AdminRequest} to {@link AdminResponse},
 * with the original product's resources and JSON field names, so that a host binding it under its
 * own base path is a drop-in replacement for scripts written against the original:
 *
 * <pre>
 * GET    /synchronizations
 * GET    /synchronizations/{id}
 * POST   /connectors/{connectorKey}/resync
 *            {"jql", "fieldMappings", "responsibility", "sendStatusField"}
 * POST   /connectors/{connectorKey}/syncInformation/rebuild          (not in the original)
 * GET    /async-tasks/{id}
 * DELETE /async-tasks/{id}                            (cancels)
 * GET    /connectors/{connectorKey}/syncInformation[?localIssueKey=&amp;remoteIssueKey=]
 * POST   /connectors/{connectorKey}/syncInformation   [rows]
 * DELETE /connectors/{connectorKey}/syncInformation[?syncInfoId=]
 * PUT    /connectors/{connectorKey}/syncInformation/{syncInfoId}/incomingChangesIgnored
 *            {"incomingChangesIgnored": true|false}       (not in the original)
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
 * id} is ignored (the store assigns one) and their {@code connectorKey} must be the path's. It
 * answers {@code {"imported": n}}, and {@code "unmarked": ["PA-2", ...]} too when some imported
 * issues could not be marked with their partners' origin markers ({@link ImportResult}).
 *
 * <p>Each route takes exactly the query parameters shown, each at most once, and only POST takes
 * a body; anything else is refused (400) naming it, so a misspelt {@code ?syncinfoid=1} cannot
 * become the delete-all request, which is only {@code DELETE .../syncInformation} with no query
 * and no body. Bodies are read with {@link StrictJson} (a duplicate key is an error) and are
 * bounded: {@link Builder#maxBodyBytes} (413 beyond), {@link Builder#maxImportRows} rows per import
 * (413 beyond), {@link #MAX_JQL_LENGTH} characters of resync JQL. Issue keys and message ids, in
 * the path or the query, are checked as {@link SyncAdmin} checks them (400 naming them).
 *
 * <p>Errors are JSON {@code {"status": 400, "error": "...", "problems": [{"path", "message"}],
 * "problemCount": n}}, with at most {@link #MAX_PROBLEMS_LISTED} problems listed and {@code
 * problemCount} counting them all: 400 for a malformed body (with the parse position) or a refused
 * request, 403, 404 for unknown synchronizations, connectors, tasks and entries or paths, 405 for
 * a method a path lacks, 409 for an import that lost a race or a pair taken back while steps kept
 * writing it, 413 for a body over a limit, 415 for a body sent as anything but JSON (the HTTP
 * form, {@link #handle(AdminRequest, String, InputStream)}, the one an HTTP host calls; the two
 * in-process forms receive no header, so they judge none), 503 when a tracker could not be asked, the engine is
 * closed or on a retriable failure, 500 for anything unexpected (its class and an incident id
 * that the log line carries, never its message or stack trace). Each message is cut at 500
 * characters. Nothing thrown inside {@link #handle} escapes it; a null request, a mistake of the
 * host's code and not of a request, is thrown at the call: an {@link IllegalArgumentException}
 * ({@code request must not be null}), no answer and no incident logged. A {@code HEAD} is
 * answered as the path's {@code GET} (authorized as it; the host's HTTP layer sends no body).
 * Thread-safe.
 */
public final class SyncAdminHandler {
  /** The default of {@link Builder#maxBodyBytes}: 4 MiB, about 14,000 rows of a full import. */
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  /** The default of {@link Builder#maxImportRows}. */
  public static final int DEFAULT_MAX_IMPORT_ROWS = 10_000;
  /** The longest resync JQL, in characters; Jira takes JQL in a URL of about 8 KB. */
  public static final int MAX_JQL_LENGTH = 10_000;
  /** The most field mapping ids a resync request may name; {@link ResyncRequest}'s limit. */
  public static final int MAX_FIELD_MAPPING_IDS = ResyncRequest.MAX_FIELD_MAPPING_IDS;
  /** The most problems an error lists; {@code problemCount} has the total. */
  public static final int MAX_PROBLEMS_LISTED = 100;

  private final SyncAdmin admin;
  private final JsonMapper mapper = StrictJson.mapper();
  private final AdminAnswers answers = new AdminAnswers(mapper);
  private final AdminResponses responses = new AdminResponses(mapper);
  private final AdminBodies bodies;
  private final AdminBodyLimit limit;
  private final SyncConfigurationJson configurationJson =
      new SyncConfigurationJson(FieldMappingRegistry.builtIns());
  private final AdminRoutes routes;

  /** A handler for the admin's operations, with the default limits. */
  @Inject
  public SyncAdminHandler(SyncAdmin admin) {
    this(Checks.notNull("admin", admin), DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMPORT_ROWS);
  }

  private SyncAdminHandler(SyncAdmin admin, int maxBodyBytes, int maxImportRows) {
    this.admin = admin;
    this.bodies = new AdminBodies(mapper, maxImportRows);
    this.limit = new AdminBodyLimit(maxBodyBytes);
    this.routes = new AdminRoutes(routes(), responses);
  }

  /**
   * Every route with the query parameters it takes, in one place; a table, one entry per route,
   * and so longer than a method should be.
   */
  private List<Route> routes() {
    return List.of(
        new Route("GET", "synchronizations", Set.of(), false, c -> synchronizations(c.caller())),
        new Route("GET", "synchronizations/{id}", Set.of(), false, c -> ok(
            configurationJson.tree(admin.synchronization(c.caller(), c.arg(1))))),
        new Route("GET", "async-tasks/{id}", Set.of(), false,
            c -> ok(answers.task(admin.task(c.caller(), c.arg(1))))),
        new Route("DELETE", "async-tasks/{id}", Set.of(), false,
            c -> ok(answers.task(admin.cancelTask(c.caller(), c.arg(1))))),
        new Route("POST", "connectors/{connectorKey}/resync", Set.of(), true,
            c -> ok(answers.task(
                admin.resync(c.caller(), c.arg(1), bodies.resyncRequest(c.body()))))),
        new Route("POST", "connectors/{connectorKey}/syncInformation/rebuild", Set.of(), false,
            c -> ok(answers.task(admin.rebuildSyncInformation(c.caller(), c.arg(1))))),
        // Query parameters are checked here too, to name them as the request does (?name);
        // path segments (issue keys, message ids) are left to SyncAdmin's checks.
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
                c.caller(), c.arg(1), syncInfoId("syncInfoId", c.arg(3)),
                bodies.ignoredRequest(c.body()))))),
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
            c -> ok(answers.trace(admin.trace(c.caller(), c.arg(1), c.arg(3))))));
  }

  /** Starts building a handler with limits of the host's choice. */
  public static Builder builder(SyncAdmin admin) {
    return new Builder(Checks.notNull("admin", admin));
  }

  /**
   * Answers one request whose body the caller handed over in {@link AdminRequest#body()}: the
   * in-process form, for Java callers (tests, a host's own tools). A body over {@link
   * Builder#maxBodyBytes} (in UTF-8) is refused with 413 as in the streaming form.
   *
   * <p>No {@code Content-Type} is judged: none reaches it, as {@link AdminRequest} carries no
   * headers, and a body handed over in Java was sent under none. The 415 of the HTTP form stops
   * a browser's cross-origin text or form post, which reaches only a host serving HTTP; such a
   * host calls {@link #handle(AdminRequest, String, InputStream)} with the header it received,
   * never this form, or it takes JSON posted as {@code text/plain} from any page.
   */
  public AdminResponse handle(AdminRequest request) {
    Checks.notNull("request", request); // the host's mistake, not a request's: thrown
    return guarded(request, () -> routes.route(request, limit.checked(request.body()),
        AdminMediaType.UNCHECKED));
  }

  /**
   * Answers one request, reading its body from a stream: at most {@link Builder#maxBodyBytes}
   * bytes plus one are read (413 when there are more; the rest is left unread), and they must be
   * UTF-8. The stream replaces {@link AdminRequest#body()}; the caller closes it.
   *
   * <p>The in-process form, as {@link #handle(AdminRequest)}: no {@code Content-Type} reaches
   * it, so none is judged. An HTTP host calls {@link #handle(AdminRequest, String, InputStream)}
   * with the header it received instead, which refuses (415) a body sent as anything but JSON;
   * through this form it would take JSON a page on any site posted as {@code text/plain}.
   *
   * @param body the request body, or null for none
   */
  public AdminResponse handle(AdminRequest request, InputStream body) {
    Checks.notNull("request", request);
    return guarded(request, () -> routes.route(request, limit.read(body),
        AdminMediaType.UNCHECKED));
  }

  /**
   * Answers one request received over HTTP, as {@link #handle(AdminRequest, InputStream)} does,
   * and refuses a request to a route that reads a body (a resync, an import, {@code
   * incomingChangesIgnored}) unless its {@code Content-Type} is {@code application/json} (any
   * case, any parameters, a {@code charset} only UTF-8): 415 naming the type received, or that
   * there was none. A browser sends a text, form or multipart body to any origin without a CORS
   * preflight, so a host that lets a browser's cookies or ambient credentials in must not take
   * JSON under those types. Routes without a body do not look at it.
   *
   * @param contentType the request's {@code Content-Type} header as received, or null for none
   *     (a host that received it twice passes both, joined by a comma, which is refused)
   * @param body the request body, or null for none
   * @since 0.1.0
   */
  public AdminResponse handle(AdminRequest request, String contentType, InputStream body) {
    Checks.notNull("request", request);
    return guarded(request, () -> routes.route(request, limit.read(body),
        AdminMediaType.of(contentType)));
  }

  /**
   * The answer to a refusal a host met before it could call {@link #handle}, such as {@link
   * AdminRequest#parseQuery}'s: the refusal's status, message and problems in the admin API's
   * error shape, as {@code handle} answers its own.
   */
  public AdminResponse refused(AdminException refusal) {
    return responses.error(refusal.status(), refusal.getMessage(), refusal.problems());
  }

  private AdminResponse guarded(AdminRequest request, Supplier<AdminResponse> work) {
    try {
      return work.get();
    } catch (AdminException e) {
      return responses.error(e.status(), e.getMessage(), e.problems());
    } catch (Throwable e) { // NOPMD: nothing may escape to the host's server thread
      return responses.unexpected(request, e);
    }
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
    ImportResult imported = admin.importSyncInformation(c.caller(), c.arg(1), body.rows());
    ObjectNode answer = mapper.createObjectNode().put("imported", imported.imported());
    if (!imported.unmarked().isEmpty()) {
      // Only then: the original product's answer is {"imported": n}.
      ArrayNode unmarked = answer.putArray("unmarked");
      imported.unmarked().forEach(unmarked::add);
    }
    return ok(answer);
  }

  private AdminResponse deleteSyncInformation(Call c) {
    String id = c.query().get("syncInfoId");
    if (id == null) {
      // Only the documented request reaches here: no query parameter at all, no body.
      return ok(mapper.createObjectNode()
          .put("deleted", admin.deleteAllSyncInformation(c.caller(), c.arg(1))));
    }
    admin.deleteSyncInformation(c.caller(), c.arg(1), syncInfoId("?syncInfoId", id));
    return ok(mapper.createObjectNode().put("deleted", 1));
  }

  private AdminResponse ok(JsonNode body) {
    return responses.ok(body);
  }

  /** Builds a {@link SyncAdminHandler} with limits of the host's choice. */
  public static final class Builder {
    private final SyncAdmin admin;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxImportRows = DEFAULT_MAX_IMPORT_ROWS;

    private Builder(SyncAdmin admin) {
      this.admin = admin;
    }

    /**
     * The largest request body accepted, in bytes (default {@value
     * SyncAdminHandler#DEFAULT_MAX_BODY_BYTES}); a larger one is answered 413 after reading one
     * byte more than this.
     */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 2 || bytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxBodyBytes must be from 2 to "
            + (Integer.MAX_VALUE - 16) + ", was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * The most rows one import may hold (default {@value
     * SyncAdminHandler#DEFAULT_MAX_IMPORT_ROWS}).
     */
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
