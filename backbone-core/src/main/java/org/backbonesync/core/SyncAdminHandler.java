package org.backbonesync.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.store.AsyncTask;
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
 * GET    /async-tasks/{id}
 * DELETE /async-tasks/{id}                            (cancels)
 * GET    /connectors/{connectorKey}/syncInformation[?localIssueKey=&amp;remoteIssueKey=]
 * POST   /connectors/{connectorKey}/syncInformation   [rows]
 * DELETE /connectors/{connectorKey}/syncInformation[?syncInfoId=]
 * GET    /connectors/{connectorKey}/conflicts[?localIssueKey=]   (not in the original)
 * </pre>
 *
 * Errors are JSON {@code {"status": 400, "error": "...", "problems": [{"path", "message"}]}}:
 * 400 for a malformed body (with the parse position) or a refused request, 403, 404 for unknown
 * synchronizations, connectors, tasks and entries or paths, 405 for a method a path lacks.
 * Thread-safe.
 */
public final class SyncAdminHandler {
  private static final Logger log = LoggerFactory.getLogger(SyncAdminHandler.class);
  private static final Map<String, String> JSON_TYPE =
      Map.of("Content-Type", "application/json; charset=utf-8");
  private static final Set<String> RESYNC_FIELDS =
      Set.of("jql", "fieldMappings", "responsibility", "sendStatusField");
  private static final Set<String> IMPORT_FIELDS = Set.of("localIssueKey", "remoteIssueKey",
      "firstSyncDate", "lastOutgoingChange", "lastChangeSeen", "outgoingMessageSequenceId",
      "lastIncomingChange", "incomingMessageSequenceId", "incomingChangesIgnored");

  private final SyncAdmin admin;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SyncConfigurationJson configurationJson =
      new SyncConfigurationJson(FieldMappingRegistry.builtIns());

  /** A handler for the admin's operations. */
  public SyncAdminHandler(SyncAdmin admin) {
    this.admin = Checks.notNull("admin", admin);
  }

  /** Answers one request; never throws for a bad request, only answers with its status. */
  public AdminResponse handle(AdminRequest request) {
    try {
      return route(request);
    } catch (AdminException e) {
      return error(e.status(), e.getMessage(), e.problems());
    } catch (RuntimeException e) {
      log.warn("admin request {} {} failed", request.method(), request.path(), e);
      return error(500, "internal error: " + e.getClass().getSimpleName(), List.of());
    }
  }

  private AdminResponse route(AdminRequest r) {
    List<String> p = segments(r.path());
    String method = r.method().toUpperCase(java.util.Locale.ROOT);
    String caller = r.caller();
    if (p.size() == 1 && p.get(0).equals("synchronizations")) {
      only(method, "GET");
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
    if (p.size() == 2 && p.get(0).equals("synchronizations")) {
      only(method, "GET");
      return new AdminResponse(200,
          configurationJson.write(admin.synchronization(caller, p.get(1))), JSON_TYPE);
    }
    if (p.size() == 2 && p.get(0).equals("async-tasks")) {
      only(method, "GET", "DELETE");
      AsyncTask task = method.equals("GET")
          ? admin.task(caller, p.get(1)) : admin.cancelTask(caller, p.get(1));
      return ok(task(task));
    }
    if (p.size() == 3 && p.get(0).equals("connectors") && p.get(2).equals("conflicts")) {
      only(method, "GET");
      return ok(mapper.valueToTree(
          admin.conflicts(caller, p.get(1), r.query().get("localIssueKey"))));
    }
    if (p.size() == 3 && p.get(0).equals("connectors") && p.get(2).equals("resync")) {
      only(method, "POST");
      return ok(task(admin.resync(caller, p.get(1), resyncRequest(r.body()))));
    }
    if (p.size() == 3 && p.get(0).equals("connectors") && p.get(2).equals("syncInformation")) {
      String key = p.get(1);
      switch (method) {
        case "GET" -> {
          return ok(mapper.valueToTree(admin.syncInformation(caller, key,
              r.query().get("localIssueKey"), r.query().get("remoteIssueKey"))));
        }
        case "POST" -> {
          ImportBody body = importRows(r.body());
          if (!body.problems().isEmpty()) {
            // Every problem at once: the body's shape, then the rows' own (keys taken...).
            List<ConfigurationProblem> all = new ArrayList<>(body.problems());
            Set<String> seen = new java.util.HashSet<>();
            body.problems().forEach(pr -> seen.add(pr.path()));
            admin.checkSyncInformation(caller, key, body.rows()).stream()
                .filter(pr -> !seen.contains(pr.path()))
                .forEach(all::add);
            throw new AdminException(400, "nothing imported: " + all.size()
                + (all.size() == 1 ? " problem" : " problems"), all);
          }
          int imported = admin.importSyncInformation(caller, key, body.rows());
          return ok(mapper.createObjectNode().put("imported", imported));
        }
        case "DELETE" -> {
          String id = r.query().get("syncInfoId");
          if (id == null) {
            return ok(mapper.createObjectNode()
                .put("deleted", admin.deleteAllSyncInformation(caller, key)));
          }
          long syncInfoId;
          try {
            syncInfoId = Long.parseLong(id);
          } catch (NumberFormatException e) {
            throw new AdminException(400, "syncInfoId must be a number, was \"" + id + "\"");
          }
          admin.deleteSyncInformation(caller, key, syncInfoId);
          return ok(mapper.createObjectNode().put("deleted", 1));
        }
        default -> throw new AdminException(405, "method " + method + " is not allowed on "
            + r.path() + "; allowed: GET, POST, DELETE");
      }
    }
    throw new AdminException(404, "no admin resource at " + r.path());
  }

  private static List<String> segments(String path) {
    List<String> parts = new ArrayList<>();
    for (String s : (path == null ? "" : path).split("/")) {
      if (!s.isEmpty()) {
        parts.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return parts;
  }

  private static void only(String method, String... allowed) {
    for (String a : allowed) {
      if (a.equals(method)) {
        return;
      }
    }
    throw new AdminException(405, "method " + method + " is not allowed here; allowed: "
        + String.join(", ", allowed));
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new AdminException(400, "a JSON body is required");
    }
    try {
      return mapper.readTree(body);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new AdminException(400, "malformed JSON at line " + (at == null ? "?" : at.getLineNr())
          + ", column " + (at == null ? "?" : at.getColumnNr()) + ": " + e.getOriginalMessage());
    }
  }

  private ResyncRequest resyncRequest(String body) {
    JsonNode json = parse(body);
    List<ConfigurationProblem> problems = new ArrayList<>();
    if (!json.isObject()) {
      throw new AdminException(400, "the resync request must be a JSON object");
    }
    unknown("$", json, RESYNC_FIELDS, problems);
    String jql = text("$.jql", json.get("jql"), problems);
    List<String> ids = new ArrayList<>();
    JsonNode list = json.get("fieldMappings");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        problems.add(new ConfigurationProblem("$.fieldMappings", "must be an array of ids"));
      } else {
        for (int i = 0; i < list.size(); i++) {
          String id = text("$.fieldMappings[" + i + "]", list.get(i), problems);
          if (id != null) {
            ids.add(id);
          }
        }
      }
    }
    boolean responsibility = bool("$.responsibility", json.get("responsibility"), problems);
    boolean status = bool("$.sendStatusField", json.get("sendStatusField"), problems);
    if (!problems.isEmpty()) {
      throw new AdminException(400, "bad resync request", problems);
    }
    return new ResyncRequest(jql, ids, responsibility, status);
  }

  private ImportBody importRows(String body) {
    JsonNode json = parse(body);
    if (!json.isArray()) {
      throw new AdminException(400, "the sync information to import must be a JSON array");
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    List<SyncInfoImport> rows = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      String at = "$[" + i + "]";
      JsonNode row = json.get(i);
      if (!row.isObject()) {
        problems.add(new ConfigurationProblem(at, "must be an object"));
        continue;
      }
      unknown(at, row, IMPORT_FIELDS, problems);
      rows.add(new SyncInfoImport(
          text(at + ".localIssueKey", row.get("localIssueKey"), problems),
          text(at + ".remoteIssueKey", row.get("remoteIssueKey"), problems),
          number(at + ".firstSyncDate", row.get("firstSyncDate"), problems),
          number(at + ".lastOutgoingChange", row.get("lastOutgoingChange"), problems),
          number(at + ".lastChangeSeen", row.get("lastChangeSeen"), problems),
          number(at + ".outgoingMessageSequenceId", row.get("outgoingMessageSequenceId"), problems),
          number(at + ".lastIncomingChange", row.get("lastIncomingChange"), problems),
          number(at + ".incomingMessageSequenceId", row.get("incomingMessageSequenceId"), problems),
          row.hasNonNull("incomingChangesIgnored")
              ? bool(at + ".incomingChangesIgnored", row.get("incomingChangesIgnored"), problems)
              : null));
    }
    return new ImportBody(rows, problems);
  }

  /** The rows of an import body, and the problems of its shape (unknown properties, types). */
  private record ImportBody(List<SyncInfoImport> rows, List<ConfigurationProblem> problems) {}

  private static void unknown(String at, JsonNode node, Set<String> known,
      List<ConfigurationProblem> problems) {
    node.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        problems.add(new ConfigurationProblem(at + "." + name, "unknown property"));
      }
    });
  }

  private static String text(String path, JsonNode v, List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(new ConfigurationProblem(path, "must be a string, was " + v));
      return null;
    }
    return v.asText();
  }

  private static Long number(String path, JsonNode v, List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToExactIntegral() || !v.isNumber()) {
      problems.add(new ConfigurationProblem(path, "must be a whole number, was " + v));
      return null;
    }
    return v.asLong();
  }

  private static boolean bool(String path, JsonNode v, List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      problems.add(new ConfigurationProblem(path, "must be true or false, was " + v));
      return false;
    }
    return v.asBoolean();
  }

  private ObjectNode task(AsyncTask t) {
    ObjectNode n = mapper.createObjectNode();
    n.put("id", t.id());
    n.put("startTimestamp", t.startTimestamp());
    n.put("finished", t.finished());
    n.put("cancelled", t.cancelled());
    n.put("hasFailed", t.hasFailed());
    n.put("progress", t.progress());
    n.put("message", t.message());
    if (t.completionTimestamp() == 0) {
      n.putNull("completionTimestamp");
    } else {
      n.put("completionTimestamp", t.completionTimestamp());
    }
    n.set("result", t.result());
    n.put("failureMessage", t.failureMessage());
    return n;
  }

  private AdminResponse ok(JsonNode body) {
    return new AdminResponse(200, write(body), JSON_TYPE);
  }

  private AdminResponse error(int status, String message, List<ConfigurationProblem> problems) {
    ObjectNode body = mapper.createObjectNode().put("status", status).put("error", message);
    ArrayNode list = body.putArray("problems");
    problems.forEach(p -> list.addObject().put("path", p.path()).put("message", p.message()));
    return new AdminResponse(status, write(body), JSON_TYPE);
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
