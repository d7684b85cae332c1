package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The admin handler tried as an attacker and as a careless operator would: every request here
 * gets a clear refusal with its status, and changes nothing (the rows of both connectors, the
 * tasks, the executor's queue).
 */
class SyncAdminHandlerHostileInputTest {
  private static final String PATH_ROWS = "/connectors/PA/syncInformation";
  private static final String NOT_AN_ID =
      "?syncInfoId must be a whole number from 0 to 9223372036854775807, was ";
  private static final String NOT_A_TASK_ID = "taskId must be a task id as the admin gives it"
      + " (a whole number from 1 to 9223372036854775807, then, for a task an anonymous caller"
      + " started, \".\" and 32 lower-case hex digits), was ";
  private final ObjectMapper json = new ObjectMapper();
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .engine(e -> e.taskExecutor(tasks)).build();
  private final SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
      .authorizer(AdminAuthorizer.allowAll()).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(admin);

  /** The state nothing in a refused request may change. */
  private record State(List<SyncInfo> a, List<SyncInfo> b, int pendingTasks) {}

  private State state() {
    return new State(sync.syncInfoA(), sync.syncInfoB(), tasks.pending());
  }

  @BeforeEach
  void givenTwoSyncedIssuesAndTwoMadeByHandOnEachSide() {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    sync.a("alice").create("Made by hand in PA"); // PA-3
    sync.a("alice").create("Made by hand in PA too"); // PA-4
    sync.b("bob").create("Made by hand in PB"); // PB-3
    sync.b("bob").create("Made by hand in PB too"); // PB-4
  }

  private AdminResponse call(String method, String path, Map<String, List<String>> query,
      String body) {
    return call(handler, "admin", method, path, query, body);
  }

  private static AdminResponse call(SyncAdminHandler handler, String caller, String method,
      String path, Map<String, List<String>> query, String body) {
    return handler.handle(new AdminRequest(method, path, null, body, caller, query));
  }

  /** As a host calls the handler: the raw query parsed, and a refusal of it answered. */
  private AdminResponse raw(String method, String path, String rawQuery, String body) {
    try {
      return call(method, path, AdminRequest.parseQuery(rawQuery), body);
    } catch (AdminException refused) {
      return handler.refused(refused);
    }
  }

  private String error(AdminResponse response) throws Exception {
    return json.readTree(response.body()).get("error").asText();
  }

  private List<String> problems(AdminResponse response) throws Exception {
    List<String> out = new ArrayList<>();
    json.readTree(response.body()).get("problems").forEach(p ->
        out.add(p.get("path").asText() + ": " + p.get("message").asText()));
    return out;
  }

  /** Asserts the refusal's status and error text, and that nothing changed. */
  private AdminResponse refused(int status, String error, State before, AdminResponse response)
      throws Exception {
    assertEquals(status, response.status(), response.body());
    assertEquals(error, error(response));
    assertEquals(before, state(), "nothing changed");
    assertEquals("application/json; charset=utf-8", response.headers().get("Content-Type"));
    return response;
  }

  // ------------------------------------------------------------------ query parameters

  @Test
  void aHostsRouteWithoutParametersRefusesAQueryInTheAdminApisWords() {
    AdminRequest.requireNoQuery("GET /health", null);
    AdminException some = assertThrows(AdminException.class,
        () -> AdminRequest.requireNoQuery("GET /health", "verbose=1&a%0Ab&&x=1&x=2"));
    assertEquals(400, some.status());
    assertEquals("GET /health takes no query parameters; refused: verbose, \"a\\nb\", a"
        + " parameter without a name, x", some.getMessage());
    assertEquals("?x", some.problems().get(3).path());
    StringBuilder many = new StringBuilder("p0");
    for (int i = 1; i < 12; i++) {
      many.append("&p").append(i);
    }
    AdminException twelve = assertThrows(AdminException.class,
        () -> AdminRequest.requireNoQuery("GET /metrics", many.toString()));
    assertTrue(twelve.getMessage().endsWith("refused: p0, p1, p2, p3, p4, p5, p6, p7, p8, p9"
        + " and 2 more"), twelve.getMessage());
    assertEquals(12, twelve.problems().size());
    AdminException undecodable = assertThrows(AdminException.class,
        () -> AdminRequest.requireNoQuery("GET /health", "x=%FF"));
    assertEquals("query parameter ?x: its value \"%FF\" is not UTF-8 once its escapes are"
        + " decoded", undecodable.getMessage());
  }

  @Test
  void aMisspeltDeleteParameterDeletesNothing() throws Exception {
    State before = state();
    String takes = "DELETE /connectors/{connectorKey}/syncInformation takes only the query"
        + " parameters syncInfoId, each at most once; refused: ";

    refused(400, takes + "syncinfoid", before, raw("DELETE", PATH_ROWS, "syncinfoid=1", null));
    refused(400, takes + "id", before, raw("DELETE", PATH_ROWS, "id=1", null));
    refused(400, takes + "localIssueKey", before,
        raw("DELETE", PATH_ROWS, "localIssueKey=PA-1", null));
    refused(400, takes + "SyncInfoId", before, raw("DELETE", PATH_ROWS, "SyncInfoId=1", null));
    refused(400, "query parameter ?syncInfoId%zz: its name \"syncInfoId%zz\" has a malformed"
        + " escape", before, raw("DELETE", PATH_ROWS, "syncInfoId%zz=1", null));
    refused(400, takes + "a parameter without a name", before,
        raw("DELETE", PATH_ROWS, "=1", null));
    refused(400, takes + "\"a\\nb\"", before, raw("DELETE", PATH_ROWS, "a%0Ab=1", null));
    refused(400, takes + "syncInfoId", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=1&syncInfoId=2", null));
    AdminResponse two = refused(400, takes + "x, y", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=1&x=1&y", null));
    assertEquals(List.of("?x: unknown query parameter", "?y: unknown query parameter"),
        problems(two));
    refused(400, NOT_AN_ID + "\"\"", before,
        raw("DELETE", PATH_ROWS, "syncInfoId", null));
    // a query that is there but empty, or an empty pair, is no "no query" (each deleted every
    // row when the service ran: "?", "?&")
    AdminResponse bare = refused(400, takes + "a parameter without a name", before,
        raw("DELETE", PATH_ROWS, "", null));
    assertEquals(List.of("?\"\": a query parameter without a name (a '?' or '&' with nothing"
        + " after it, or '=' first)"), problems(bare));
    refused(400, takes + "a parameter without a name", before,
        raw("DELETE", PATH_ROWS, "&", null));
    refused(400, takes + "a parameter without a name", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=1&", null));
    refused(400, NOT_AN_ID + "\"\"", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=", null));
    refused(400, NOT_AN_ID + "\"1 OR 1=1\"", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=1%20OR%201=1", null));
    refused(400, NOT_AN_ID + "\"+1\"", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=%2B1", null));
    refused(400, NOT_AN_ID + "\"\u0661\"", before, // Arabic-Indic one
        raw("DELETE", PATH_ROWS, "syncInfoId=%D9%A1", null));
    refused(400, "DELETE /connectors/{connectorKey}/syncInformation takes no body; its"
        + " parameters go in the query", before,
        raw("DELETE", PATH_ROWS, null, "{\"syncInfoId\": 1}"));
    // found by a review: a body of whitespace was taken for none, and deleted every row
    refused(400, "DELETE /connectors/{connectorKey}/syncInformation takes no body; its"
        + " parameters go in the query", before, raw("DELETE", PATH_ROWS, null, " "));
  }

  /**
   * Found by running the service: {@code ?localIssueKey=%FF} was read as U+FFFD and answered 200
   * (an empty list) where the same escape in the path was a 400.
   */
  @Test
  void aRequestWithANullQueryNameOrValueIsRefusedNamingIt() {
    // (found by helper-81: a bare NullPointerException from the record's constructor)
    var value = assertThrows(IllegalArgumentException.class, () -> new AdminRequest("GET",
        PATH_ROWS, java.util.Collections.singletonMap("localIssueKey", null), null, "admin"));
    assertEquals("query parameter localIssueKey has a null value; a parameter given without one"
        + " has the value \"\"", value.getMessage());
    var name = assertThrows(IllegalArgumentException.class, () -> new AdminRequest("GET",
        PATH_ROWS, null, null, "admin",
        java.util.Collections.singletonMap(null, List.of("PA-1"))));
    assertEquals("a query parameter has a null name", name.getMessage());
  }

  @Test
  void aQueryValueOrNameThatIsNotPercentEncodedUtf8IsRefusedNamingIt() throws Exception {
    State before = state();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("%FF", "is not UTF-8 once its escapes are decoded");
    values.put("%E2%82", "is not UTF-8 once its escapes are decoded");
    values.put("PA-%ED%A0%80", "is not UTF-8 once its escapes are decoded"); // a surrogate
    values.put("%G1", "has a malformed escape");
    values.put("PA-1%", "has a malformed escape");
    for (Map.Entry<String, String> v : values.entrySet()) {
      String problem = "its value \"" + v.getKey() + "\" " + v.getValue();

      AdminResponse response = refused(400, "query parameter ?localIssueKey: " + problem, before,
          raw("GET", PATH_ROWS, "localIssueKey=" + v.getKey(), null));

      assertEquals(List.of("?localIssueKey: " + problem), problems(response));
    }
    AdminResponse name = refused(400, "query parameter ?local%FFKey: its name \"local%FFKey\" is"
        + " not UTF-8 once its escapes are decoded (and 1 more)", before,
        raw("DELETE", PATH_ROWS, "local%FFKey=PA-1&syncInfoId=%", null));
    assertEquals(List.of("?local%FFKey: its name \"local%FFKey\" is not UTF-8 once its escapes"
        + " are decoded", "?syncInfoId: its value \"%\" has a malformed escape"), problems(name));
    // what is well formed still reads as a form does: "+" a space, escapes of UTF-8 as text
    assertEquals(Map.of("localIssueKey", List.of("PA 1\u00e9")),
        AdminRequest.parseQuery("localIssueKey=PA+1%C3%A9"));
  }

  /** Found by running the service: -1 "must be a number". */
  @Test
  void aSyncInfoIdOutOfRangeIsToldTheRange() throws Exception {
    State before = state();
    String range = "must be a whole number from 0 to 9223372036854775807, was ";

    AdminResponse negative = refused(400, "?syncInfoId " + range + "\"-1\"", before,
        raw("DELETE", PATH_ROWS, "syncInfoId=-1", null));
    AdminResponse tooLarge = refused(400, "?syncInfoId " + range + "\"9223372036854775808\"",
        before, raw("DELETE", PATH_ROWS, "syncInfoId=9223372036854775808", null));
    AdminResponse inPath = refused(400, "syncInfoId " + range + "\"-1\"", before,
        call("PUT", PATH_ROWS + "/-1/incomingChangesIgnored", Map.of(),
            "{\"incomingChangesIgnored\": true}"));

    assertEquals(List.of("?syncInfoId: " + range + "\"-1\""), problems(negative));
    assertEquals(List.of("?syncInfoId: " + range + "\"9223372036854775808\""),
        problems(tooLarge));
    assertEquals(List.of("syncInfoId: " + range + "\"-1\""), problems(inPath));
  }

  /**
   * Found by running the service: these 400s listed no problem. Each names the field (a JSON
   * path, a query parameter or a path segment) and the value given.
   */
  @Test
  void every400NamesTheFieldAndTheValue() throws Exception {
    State before = state();
    Map<AdminResponse, String> refusals = new LinkedHashMap<>();
    refusals.put(call("GET", "/synchronizations", Map.of(), "{\"x\": 1}"),
        "$: must be empty, was \"{\\\"x\\\": 1}\"");
    refusals.put(call("GET", "/connectors/PA/issues/%FF/trace", Map.of(), null),
        "path[3]: is not UTF-8 once its escapes are decoded: \"%FF\"");
    refusals.put(call("GET", "/connectors/%ZZ/status", Map.of(), null),
        "path[1]: has a malformed escape: \"%ZZ\"");
    // (found by outside testers: answered 200 with an empty history, as for any key)
    refusals.put(call("GET", "/connectors/PA/issues/..%2F..%2Fetc%2Fpasswd/trace", Map.of(),
        null), "issueKey: must be an issue key such as PA-12 (a project key of capitals,"
        + " digits or _ starting with a capital, \"-\" and a number from 1), was"
        + " \"../../etc/passwd\"");
    refusals.put(call("POST", "/connectors/PA/resync", Map.of(), "[1]"),
        "$: must be a JSON object, was [1]");
    refusals.put(call("POST", "/connectors/PA/resync", Map.of(), " "),
        "$: is required, was \" \"");
    refusals.put(call("POST", "/connectors/PA/resync", Map.of(), "{\"fieldMappings\": [\"nope\"]}"),
        "$.fieldMappings[0]: unknown field mapping id \"nope\" in synchronization sync-pa-pb");
    refusals.put(call("POST", "/connectors/PA/resync", Map.of(), "{\"responsibility\": true}"),
        "$.responsibility: is true, but synchronization sync-pa-pb has no responsibility"
            + " configured");
    refusals.put(call("POST", PATH_ROWS, Map.of(), "{}"), "$: must be a JSON array, was {}");
    refusals.put(call("POST", PATH_ROWS, Map.of(), "[] 7"),
        "$: has content after the array: \"7\"");
    refusals.put(call("PUT", PATH_ROWS + "/1/incomingChangesIgnored", Map.of(), "true"),
        "$: must be a JSON object, was true");
    refusals.put(handler.handle(new AdminRequest("POST", PATH_ROWS, Map.of(), null, "admin"),
        new ByteArrayInputStream(new byte[] {'[', (byte) 0xFF, ']'})),
        "$: is not UTF-8 from byte 1 (0xff) on");

    for (Map.Entry<AdminResponse, String> r : refusals.entrySet()) {
      assertEquals(400, r.getKey().status(), r.getKey().body());
      assertEquals(List.of(r.getValue()), problems(r.getKey()), r.getKey().body());
    }
    assertEquals(before, state(), "nothing changed");
  }

  /**
   * Found by a host on PostgreSQL: a NUL in a message id reached the store, which refused it
   * with a 500 and a stack trace in the log. Message ids are checked as issue keys are.
   */
  @Test
  void aMessageIdNoStoreCanHoldIsRefusedNamingIt() throws Exception {
    State before = state();
    String nul = "messageId must not hold control characters or broken Unicode: \"x\\u0000\"";
    String tooLong = "messageId must be 1 to 512 characters, was 513: \"" + "m".repeat(80)
        + "...\" (513 characters)";

    for (String queue : List.of("failedMessages", "undeliverableMessages")) {
      for (String action : List.of("retry", "skip")) {
        String path = "/connectors/PA/" + queue + "/";
        AdminResponse response = refused(400, nul, before,
            call("POST", path + "x%00/" + action, Map.of(), null));
        assertEquals(List.of("messageId: must not hold control characters or broken Unicode:"
            + " \"x\\u0000\""), problems(response));
        assertEquals(List.of("messageId: must be 1 to 512 characters, was 513: \""
            + "m".repeat(80) + "...\" (513 characters)"), problems(refused(400, tooLong, before,
                call("POST", path + "m".repeat(513) + "/" + action, Map.of(), null))));
      }
    }
    refused(404, "connector \"PA\" has no failed message with id \"" + "m".repeat(80)
        + "...\" (512 characters)", before,
        call("POST", "/connectors/PA/failedMessages/" + "m".repeat(512) + "/retry", Map.of(),
            null));
  }

  /** Found by a host: {"fieldMappings": [null]} started a task of every mapping. */
  @Test
  void aNullOrRepeatedFieldMappingIdStartsNoResync() throws Exception {
    State before = state();

    AdminResponse nulls = refused(400, "bad resync request", before, call("POST",
        "/connectors/PA/resync", Map.of(), "{\"fieldMappings\": [\"map-summary\", null]}"));
    AdminResponse twice = refused(400, "bad resync request", before, call("POST",
        "/connectors/PA/resync", Map.of(),
        "{\"fieldMappings\": [\"map-summary\", \"map-summary\"], \"responsibility\": 1}"));

    assertEquals(List.of("$.fieldMappings[1]: is null, not a field mapping id"),
        problems(nulls));
    assertEquals(List.of("$.responsibility: must be true or false, was 1"), problems(twice),
        "the body is read before its ids are checked");
  }

  /**
   * A null id is named beside the body's other problems (an outside trial: with an unknown
   * property and an empty jql beside it, only those two were named), and an id of another type
   * once, as such; the ids' problems in the list's order (an outside trial: {@code [1]}, {@code
   * [3]}, {@code [2]}, the nulls after the others).
   */
  @Test
  void aNullFieldMappingIdIsNamedBesideTheBodysOtherProblems() throws Exception {
    State before = state();

    AdminResponse response = refused(400, "bad resync request", before, call("POST",
        "/connectors/PA/resync", Map.of(),
        "{\"fieldMappings\": [\"nope\", null, 7, null], \"jql\": \"\", \"extra\": 1}"));

    assertEquals(List.of("$.extra: unknown property",
        "$.jql: is empty; leave it out (or null) to resync every issue",
        "$.fieldMappings[1]: is null, not a field mapping id",
        "$.fieldMappings[2]: must be a string, was 7",
        "$.fieldMappings[3]: is null, not a field mapping id"), problems(response));
  }

  /**
   * A host that passes a null method or path is told so, not answered as if it had sent {@code
   * ""} (an outside trial: 405 {@code method "" is not allowed}).
   */
  @Test
  void aRequestWithoutMethodOrPathIsTheHostsMistake() {
    IllegalArgumentException noMethod = assertThrows(IllegalArgumentException.class,
        () -> new AdminRequest(null, PATH_ROWS, Map.of(), null, "admin"));
    IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
        () -> new AdminRequest("GET", null, Map.of(), null, "admin"));

    assertEquals("an admin request needs a method and a path, was null " + PATH_ROWS,
        noMethod.getMessage());
    assertEquals("an admin request needs a method and a path, was GET null",
        noPath.getMessage());
  }

  /** Found by running the service: a JSON number of 1e400 was shown as "Infinity". */
  @Test
  void aNumberTooLargeForADoubleIsShownAsGiven() throws Exception {
    AdminResponse response = call("POST", "/connectors/PA/resync", Map.of(),
        "{\"responsibility\": 1e400, \"sendStatusField\": -1.50e-400}");

    assertEquals(List.of("$.responsibility: must be true or false, was 1E+400",
        "$.sendStatusField: must be true or false, was -1.50E-400"), problems(response));
  }

  @Test
  void aRepeatedParameterIsRefusedEvenWhereTheFirstValueWouldDo() throws Exception {
    State before = state();

    AdminResponse response = raw("GET", PATH_ROWS, "localIssueKey=PA-1&localIssueKey=PA-2",
        null);

    refused(400, "GET /connectors/{connectorKey}/syncInformation takes only the query parameters"
        + " localIssueKey, remoteIssueKey, each at most once; refused: localIssueKey", before,
        response);
    assertEquals(List.of("?localIssueKey: given 2 times; give it once"), problems(response));
  }

  @Test
  void everyRouteRefusesAnUnknownQueryParameter() throws Exception {
    String task = json.readTree(call("POST", "/connectors/PA/resync", Map.of(), "{}").body())
        .get("id").asText();
    State before = state();
    Map<String, String> routes = new LinkedHashMap<>();
    routes.put("GET /synchronizations", "GET /synchronizations");
    routes.put("GET /synchronizations/sync-pa-pb", "GET /synchronizations/{id}");
    routes.put("GET /async-tasks/" + task, "GET /async-tasks/{id}");
    routes.put("DELETE /async-tasks/" + task, "DELETE /async-tasks/{id}");
    routes.put("POST /connectors/PA/resync", "POST /connectors/{connectorKey}/resync");
    routes.put("POST " + PATH_ROWS, "POST /connectors/{connectorKey}/syncInformation");
    routes.put("GET /connectors/PA/conflicts", "GET /connectors/{connectorKey}/conflicts");
    routes.put("GET " + PATH_ROWS, "GET /connectors/{connectorKey}/syncInformation");
    routes.put("DELETE " + PATH_ROWS, "DELETE /connectors/{connectorKey}/syncInformation");

    for (Map.Entry<String, String> route : routes.entrySet()) {
      String[] methodAndPath = route.getKey().split(" ");
      String body = methodAndPath[0].equals("POST")
          ? (methodAndPath[1].endsWith("resync") ? "{}" : "[]") : null;
      AdminResponse response = raw(methodAndPath[0], methodAndPath[1], "dryRun=true", body);
      String takes = route.getValue().endsWith("syncInformation")
          && route.getValue().startsWith("GET") ? "only the query parameters localIssueKey,"
              + " remoteIssueKey, each at most once"
          : route.getValue().startsWith("DELETE /connectors")
              ? "only the query parameters syncInfoId, each at most once"
          : route.getValue().endsWith("conflicts")
              ? "only the query parameters localIssueKey, each at most once"
              : "no query parameters";
      refused(400, route.getValue() + " takes " + takes + "; refused: dryRun", before, response);
    }
    assertFalse(sync.engine().task(task).map(AsyncTask::cancelled).orElseThrow(),
        "the task was not cancelled");
  }

  @Test
  void aBodyWhereNoneIsTakenIsRefused() throws Exception {
    State before = state();

    refused(400, "GET /synchronizations takes no body", before,
        call("GET", "/synchronizations", Map.of(), "{\"x\": 1}"));
    refused(400, "GET /connectors/{connectorKey}/syncInformation takes no body; its parameters"
        + " go in the query", before, call("GET", PATH_ROWS, Map.of(), "[]"));
  }

  /**
   * Found by a new user's trial: a null request was answered 500 with a WARN and a stack trace,
   * an incident for the operator, where it is a mistake in the host's code.
   */
  @Test
  void aNullRequestIsThrownAtTheCallNotAnswered() {
    for (Executable call : List.<Executable>of(() -> handler.handle(null),
        () -> handler.handle(null, InputStream.nullInputStream()),
        () -> handler.handle(null, "application/json", InputStream.nullInputStream()))) {
      assertEquals("request must not be null",
          assertThrows(IllegalArgumentException.class, call).getMessage());
    }
  }

  @Test
  void pathsAndMethodsOutsideTheApiAreRefused() throws Exception {
    State before = state();

    AdminResponse put = refused(405, "method \"PUT\" is not allowed on"
        + " /connectors/{connectorKey}/syncInformation; allowed: GET, HEAD, POST, DELETE", before,
        call("PUT", PATH_ROWS, Map.of(), "[]"));
    assertEquals("GET, HEAD, POST, DELETE", put.headers().get("Allow"));
    // a method is case-sensitive: a host guarding "DELETE" must not see "delete" delete every
    // row (helper-81's trial: it did)
    refused(405, "method \"delete\" is not allowed on /connectors/{connectorKey}/syncInformation;"
        + " allowed: GET, HEAD, POST, DELETE (methods are case-sensitive)", before,
        call("delete", PATH_ROWS, Map.of(), null));
    refused(405, "method \"Delete\" is not allowed on /synchronizations; allowed: GET, HEAD"
        + " (methods are case-sensitive)", before, call("Delete", "/synchronizations", Map.of(),
        null));
    refused(404, "no admin resource at \"/connectors/PA/syncInformation/1\"", before,
        call("DELETE", PATH_ROWS + "/1", Map.of(), null));
    // a host that cuts its base path off "/adminconnectors/PA/..." (a prefix match) hands the
    // handler a path without its slash, which was answered as the path with one
    refused(404, "no admin resource at \"connectors/PA/syncInformation\": it does not start"
        + " with a slash", before, call("DELETE", PATH_ROWS.substring(1), Map.of(), null));
    refused(404, "no admin resource at \"connectors/PA/status\": it does not start with a"
        + " slash", before, call("GET", "connectors/PA/status", Map.of(), null));
    // an id left out of a script's ".../syncInformation/$ID" must not mean every row (found by
    // running the service: each of these deleted them all)
    String empty = ": it has an empty path segment (a doubled or trailing slash)";
    refused(404, "no admin resource at \"" + PATH_ROWS + "/\"" + empty, before,
        call("DELETE", PATH_ROWS + "/", Map.of(), null));
    refused(404, "no admin resource at \"/" + PATH_ROWS + "\"" + empty, before,
        call("DELETE", "/" + PATH_ROWS, Map.of(), null));
    refused(404, "no admin resource at \"/connectors/PA//syncInformation\"" + empty, before,
        call("DELETE", "/connectors/PA//syncInformation", Map.of(), null));
    refused(400, "the path segment \"%ZZ\" has a malformed escape", before,
        call("DELETE", "/connectors/%ZZ/syncInformation", Map.of(), null));
    refused(400, "the path segment \"PA%2\" has a malformed escape", before,
        call("DELETE", "/connectors/PA%2/syncInformation", Map.of(), null));
    // bytes that are not UTF-8 were read as U+FFFD and answered (found by running the service)
    refused(400, "the path segment \"%FF\" is not UTF-8 once its escapes are decoded", before,
        call("GET", "/connectors/PA/issues/%FF/trace", Map.of(), null));
    refused(400, "the path segment \"%ED%A0%80\" is not UTF-8 once its escapes are decoded",
        before, call("GET", "/connectors/PA/issues/%ED%A0%80/trace", Map.of(), null));
    assertEquals(200, call("GET", "/connectors/P%41/issues/PA-1/trace", Map.of(), null).status(),
        "an escape of UTF-8 still names the connector PA");
    refused(400, "issueKey must be an issue key such as PA-12 (a project key of capitals,"
        + " digits or _ starting with a capital, \"-\" and a number from 1), was"
        + " \"../../etc/passwd\"", before,
        call("GET", "/connectors/PA/issues/..%2F..%2Fetc%2Fpasswd/trace", Map.of(), null));
    String longKey = "K".repeat(100_000);
    refused(404, "no connector with key \"" + "K".repeat(80) + "...\" (100000 characters)",
        before, call("DELETE", "/connectors/" + longKey + "/syncInformation", Map.of(), null));
  }

  @Test
  void onlyTheDocumentedRequestDeletesEveryRow() throws Exception {
    AdminResponse all = call("DELETE", PATH_ROWS, Map.of(), null);

    assertEquals("{\"deleted\":2}", all.body());
    assertEquals(List.of(), sync.syncInfoA());
  }

  // ------------------------------------------------------------------ bodies

  @Test
  void unknownBodyPropertiesAreRefusedByName() throws Exception {
    State before = state();

    AdminResponse resync = refused(400, "bad resync request", before,
        call("POST", "/connectors/PA/resync", Map.of(), "{\"jql\": \"labels = x\","
            + " \"dryRun\": true, \"fieldmappings\": []}"));
    AdminResponse row = refused(400, "nothing imported: 2 problems", before,
        call("POST", PATH_ROWS, Map.of(), "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\":"
            + " \"PB-3\", \"syncInfoId\": 1, \"connectorKey\": \"PB\"}]"));

    assertEquals(List.of("$.dryRun: unknown property", "$.fieldmappings: unknown property"),
        problems(resync));
    assertEquals(List.of("$[0].syncInfoId: unknown property",
        "$[0].connectorKey: is \"PB\", not the connector of the path, \"PA\"; leave it out or"
            + " make it the same"), problems(row));
  }

  @Test
  void aDuplicateKeyIsRefusedNamingTheKey() throws Exception {
    State before = state();

    AdminResponse row = refused(400, "malformed JSON at line 1, column 43: Duplicate field"
        + " 'localIssueKey'", before, call("POST", PATH_ROWS, Map.of(),
            "[{\"localIssueKey\": \"PA-3\", \"localIssueKey\": \"PA-4\","
                + " \"remoteIssueKey\": \"PB-3\"}]"));
    AdminResponse resync = refused(400, "malformed JSON at line 1, column 28: Duplicate field"
        + " 'jql'", before, call("POST", "/connectors/PA/resync", Map.of(),
            "{\"jql\": \"labels = a\", \"jql\": \"labels = b\"}"));

    assertEquals(List.of("$[0].localIssueKey: Duplicate field 'localIssueKey'"), problems(row));
    assertEquals(List.of("$.jql: Duplicate field 'jql'"), problems(resync));
  }

  @Test
  void malformedBodiesAreRefusedWithTheirPosition() throws Exception {
    State before = state();

    refused(400, "malformed JSON at line 1, column 4: content after the array", before,
        call("POST", PATH_ROWS, Map.of(), "[] []"));
    refused(400, "malformed JSON at line 1, column 23: content after the value", before,
        call("POST", "/connectors/PA/resync", Map.of(), "{\"jql\": \"labels = a\"} {}"));
    refused(400, "the sync information to import must be a JSON array", before,
        call("POST", PATH_ROWS, Map.of(), "{\"localIssueKey\": \"PA-3\"}"));
    refused(400, "a JSON body is required", before, call("POST", PATH_ROWS, Map.of(), " "));
    AdminResponse deep = refused(400, "malformed JSON at line 1, column 202: Document nesting"
        + " depth (201) exceeds the maximum allowed (200)", before,
        call("POST", PATH_ROWS, Map.of(), "[".repeat(100_000)));
    assertEquals(List.of("$[0][0][0][0][0][0][0][0][0][0][0][0]... (201 levels): Document"
        + " nesting depth (201) exceeds the maximum allowed (200)"), problems(deep),
        "the path's first levels and its depth (an outside trial: 600 characters of [0])");
    refused(400, "malformed JSON at line 1, column 228: Document nesting depth (201) exceeds the"
        + " maximum allowed (200)", before,
        call("POST", "/connectors/PA/resync", Map.of(),
            "{\"jql\": \"labels = a\", \"x\": " + "[".repeat(100_000)));
    AdminResponse longNumber = call("POST", PATH_ROWS, Map.of(),
        "[{\"firstSyncDate\": " + "9".repeat(1000) + "}]");
    assertEquals(400, longNumber.status());
    assertTrue(error(longNumber).startsWith("malformed JSON at line 1, column "),
        longNumber.body());
    assertTrue(error(longNumber).contains("Number value length (1000) exceeds the maximum"
        + " allowed (100"), longNumber.body());
    assertEquals(before, state());
  }

  @Test
  void aNumberOverTheLengthLimitIsShownAsWrittenAndCut() throws Exception {
    State before = state();

    AdminResponse row = refused(400, "malformed JSON at line 1, column 1020: Number value length"
        + " (999) exceeds the maximum allowed (100), was -" + "9".repeat(39) + "...", before,
        call("POST", PATH_ROWS, Map.of(), "[{\"firstSyncDate\": -" + "9".repeat(999) + "}]"));
    AdminResponse resync = refused(400, "malformed JSON at line 1, column 159: Number value"
        + " length (151) exceeds the maximum allowed (100), was 1" + "0".repeat(39) + "...",
        before, call("POST", "/connectors/PA/resync", Map.of(),
            "{\"jql\":1" + "0".repeat(150) + "}"));

    assertEquals(List.of("$[0].firstSyncDate: Number value length (999) exceeds the maximum"
        + " allowed (100), was -" + "9".repeat(39) + "..."), problems(row),
        "the value at its path, as the configuration and messages show it (an outside trial:"
            + " only the length)");
    assertEquals(List.of("$.jql: Number value length (151) exceeds the maximum allowed (100),"
        + " was 1" + "0".repeat(39) + "..."), problems(resync));
  }

  @Test
  void aBodyOverTheCapIsRefusedWith413NamingTheCap() throws Exception {
    SyncAdminHandler capped = SyncAdminHandler.builder(admin).maxBodyBytes(1000).build();
    State before = state();
    String limit = "the request body is larger than 1000 bytes, the limit of this admin API"
        + " (maxBodyBytes)";
    String fits = "[" + " ".repeat(998) + "]";
    String accented = "[\"" + "é".repeat(499) + "\"]"; // 1002 bytes in 503 characters

    assertEquals(200, call(capped, "admin", "POST", PATH_ROWS, Map.of(), fits).status());
    refused(413, limit, before, call(capped, "admin", "POST", PATH_ROWS, Map.of(), fits + " "));
    refused(413, limit, before, call(capped, "admin", "POST", PATH_ROWS, Map.of(), accented));
    AdminResponse streamed = refused(413, limit, before, capped.handle(new AdminRequest("POST",
        PATH_ROWS, Map.of(), null, "admin"),
        new ByteArrayInputStream(accented.getBytes(StandardCharsets.UTF_8))));
    assertEquals(List.of("$: is more than 1000 bytes (maxBodyBytes)"), problems(streamed),
        "a problem as every refusal has (an outside trial: an empty list)");
  }

  @Test
  void aStreamedBodyIsReadOnlyUpToTheCap() throws Exception {
    SyncAdminHandler capped = SyncAdminHandler.builder(admin).maxBodyBytes(1000).build();
    State before = state();
    long[] read = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        read[0]++;
        return '[';
      }
    };

    refused(413, "the request body is larger than 1000 bytes, the limit of this admin API"
        + " (maxBodyBytes)", before, capped.handle(new AdminRequest("POST", PATH_ROWS, Map.of(),
            null, "admin"), endless));
    assertEquals(1001, read[0], "one byte more than the cap, and no more");
    refused(400, "the request body is not UTF-8", before, handler.handle(new AdminRequest(
        "POST", PATH_ROWS, Map.of(), null, "admin"),
        new ByteArrayInputStream(new byte[] {'[', '"', (byte) 0xC3, '"', ']'})));
    InputStream broken = new InputStream() {
      @Override
      public int read() throws java.io.IOException {
        throw new java.io.IOException("connection reset by peer 10.0.0.7");
      }
    };
    refused(400, "the request body could not be read: IOException", before,
        handler.handle(new AdminRequest("POST", PATH_ROWS, Map.of(), null, "admin"), broken));
    AdminResponse streamed = handler.handle(new AdminRequest("POST", PATH_ROWS, Map.of(), null,
        "admin"), new ByteArrayInputStream("[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\":"
            .concat(" \"PB-3\"}]").getBytes(StandardCharsets.UTF_8)));
    assertEquals("{\"imported\":1}", streamed.body());
  }

  @Test
  void anImportOfMoreRowsThanTheCapIsRefusedBeforeTheyAreAllRead() throws Exception {
    SyncAdminHandler capped = SyncAdminHandler.builder(admin).maxImportRows(5).build();
    State before = state();

    AdminResponse rows = refused(413, "an import takes at most 5 rows (maxImportRows); split it",
        before, call(capped, "admin", "POST", PATH_ROWS, Map.of(), "[" + "{},".repeat(5) + "{}"
            + ", not even JSON"));
    assertEquals(List.of("$: has more than 5 rows (read up to $[5])"), problems(rows));
  }

  @Test
  void aLongListOfProblemsShowsTheFirst100AndTheTotal() throws Exception {
    State before = state();
    String rows = "[" + String.join(",", java.util.Collections.nCopies(150, "{}")) + "]";

    AdminResponse response = refused(400, "nothing imported: 300 problems", before,
        call("POST", PATH_ROWS, Map.of(), rows));

    JsonNode body = json.readTree(response.body());
    assertEquals(100, body.get("problems").size());
    assertEquals(300, body.get("problemCount").asInt());
    assertEquals("$[0].localIssueKey: missing", problems(response).get(0));
    assertEquals("$[49].remoteIssueKey: missing (rows GET shows with remoteIssueKey"
        + " null, a copy waiting for its partner's key or a row unlinked after a Jira restore,"
        + " cannot be imported: leave those out)", problems(response).get(99));
  }

  // ------------------------------------------------------------------ import values

  private AdminResponse importOne(String row) {
    return call("POST", PATH_ROWS, Map.of(), "[" + row + "]");
  }

  @Test
  void numbersMustBeWholeAndInRange() throws Exception {
    State before = state();
    long now = sync.clock().millis();
    long latest = now + java.time.Duration.ofDays(1).toMillis();
    String keys = "\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\", ";

    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("\"firstSyncDate\": 18446744073709551621",
        "$[0].firstSyncDate: is out of range: 18446744073709551621 (a time in epoch"
            + " milliseconds, from 0 to a day after now)");
    cases.put("\"firstSyncDate\": 1e300", "$[0].firstSyncDate: must be a whole number, was 1E+300");
    // found by running the service: a double showed 1e400 as "Infinity"
    cases.put("\"firstSyncDate\": 1e400", "$[0].firstSyncDate: must be a whole number, was 1E+400");
    // found by running the service: the message named 2^63-1, the limit of a long
    cases.put("\"outgoingMessageSequenceId\": 100000000000000000000",
        "$[0].outgoingMessageSequenceId: is out of range: 100000000000000000000 (a sequence id,"
            + " from 0 to 2147483647)");
    cases.put("\"lastChangeSeen\": 5.0", "$[0].lastChangeSeen: must be a whole number, was 5.0");
    cases.put("\"lastChangeSeen\": 5.5", "$[0].lastChangeSeen: must be a whole number, was 5.5");
    cases.put("\"lastChangeSeen\": \"5\"",
        "$[0].lastChangeSeen: must be a whole number, was \"5\"");
    cases.put("\"lastChangeSeen\": true", "$[0].lastChangeSeen: must be a whole number, was true");
    cases.put("\"lastChangeSeen\": -1", "$[0].lastChangeSeen: must be a time in epoch"
        + " milliseconds from 0 to a day after now (" + latest + "), was -1");
    cases.put("\"lastChangeSeen\": " + (now * 1000), "$[0].lastChangeSeen: must be a time in"
        + " epoch milliseconds from 0 to a day after now (" + latest + "), was " + now * 1000);
    cases.put("\"lastIncomingChange\": 9223372036854775807", "$[0].lastIncomingChange: must be a"
        + " time in epoch milliseconds from 0 to a day after now (" + latest + "), was "
        + Long.MAX_VALUE);
    cases.put("\"outgoingMessageSequenceId\": 9223372036854775807",
        "$[0].outgoingMessageSequenceId: must be from 0 to 2147483647, was 9223372036854775807");
    cases.put("\"incomingMessageSequenceId\": 2147483648",
        "$[0].incomingMessageSequenceId: must be from 0 to 2147483647, was 2147483648");
    cases.put("\"incomingMessageSequenceId\": -9223372036854775808",
        "$[0].incomingMessageSequenceId: must be from 0 to 2147483647, was -9223372036854775808");
    cases.put("\"incomingChangesIgnored\": 1",
        "$[0].incomingChangesIgnored: must be true or false, was 1");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      AdminResponse response = importOne("{" + keys + c.getKey() + "}");
      refused(400, "nothing imported: 1 problem", before, response);
      assertEquals(List.of(c.getValue()), problems(response), c.getKey());
    }

    AdminResponse edges = importOne("{" + keys + "\"firstSyncDate\": 0, \"lastChangeSeen\": "
        + latest + ", \"outgoingMessageSequenceId\": 2147483647}");
    assertEquals("{\"imported\":1}", edges.body());
    SyncInfo row = sync.syncInfoA().get(2);
    assertEquals(0, row.firstSyncDate());
    assertEquals(latest, row.lastChangeSeen());
    assertEquals(Integer.MAX_VALUE, row.outgoingMessageSequenceId());
  }

  @Test
  void keysMustBeIssueKeysOfTheirProjectsThatExist() throws Exception {
    State before = state();
    Map<String, String> locals = new LinkedHashMap<>();
    String notKey = " is not an issue key of project PA (PA-<number>)";
    locals.put("PA-", "\"PA-\"" + notKey);
    locals.put("PA-1'; DROP TABLE x", "\"PA-1'; DROP TABLE x\"" + notKey);
    locals.put("PA-3\") OR (key = \"PB-1", "\"PA-3\\\") OR (key = \\\"PB-1\"" + notKey);
    locals.put("PA-3, PB-1", "\"PA-3, PB-1\"" + notKey);
    locals.put("PA-03", "\"PA-03\"" + notKey);
    locals.put("PA-0", "\"PA-0\"" + notKey);
    locals.put("pa-3", "\"pa-3\"" + notKey);
    locals.put(" PA-3", "\" PA-3\"" + notKey);
    locals.put("PA-3\n", "\"PA-3\\n\"" + notKey);
    locals.put("PA-3\u202e", "\"PA-3\\u202e\"" + notKey);
    locals.put("PA-\uff13", "\"PA-\uff13\"" + notKey);
    locals.put("PA-3-4", "\"PA-3-4\"" + notKey);
    locals.put("PB-3", "\"PB-3\"" + notKey);
    locals.put("PA-1234567890123456789", "\"PA-1234567890123456789\"" + notKey);
    locals.put("PA-" + "9".repeat(300), "\"PA-" + "9".repeat(77) + "...\" (303 characters)"
        + notKey);
    locals.put("PA-99", "\"PA-99\" is not an issue of project PA (it does not exist, was moved,"
        + " or the sync user cannot see it)");
    for (Map.Entry<String, String> c : locals.entrySet()) {
      AdminResponse response = importOne("{\"localIssueKey\": " + json.writeValueAsString(
          c.getKey()) + ", \"remoteIssueKey\": \"PB-3\"}");
      refused(400, "nothing imported: 1 problem", before, response);
      assertEquals(List.of("$[0].localIssueKey: " + c.getValue()), problems(response),
          c.getKey());
    }

    AdminResponse remote = importOne("{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PA-4\"}");
    AdminResponse missingRemote =
        importOne("{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-77\"}");

    refused(400, "nothing imported: 1 problem", before, remote);
    assertEquals(List.of("$[0].remoteIssueKey: \"PA-4\" is not an issue key of project PB"
        + " (PB-<number>)"), problems(remote));
    refused(400, "nothing imported: 1 problem", before, missingRemote);
    assertEquals(List.of("$[0].remoteIssueKey: \"PB-77\" is not an issue of project PB (it does"
        + " not exist, was moved, or the sync user cannot see it)"), problems(missingRemote));
  }

  @Test
  void keysAreCheckedInTheTrackerWithOneSearchPerHundredKeys() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String local = sync.a("alice").create("by hand " + i);
      String remote = sync.b("bob").create("by hand " + i);
      rows.add("{\"localIssueKey\": \"" + local + "\", \"remoteIssueKey\": \"" + remote + "\"}");
    }
    rows.add("{\"localIssueKey\": \"PA-999\", \"remoteIssueKey\": \"PB-999\"}");
    State before = state();
    sync.a().clearCalls();
    sync.b().clearCalls();

    AdminResponse refusedOne = call("POST", PATH_ROWS, Map.of(), "[" + String.join(",", rows)
        + "]");

    refused(400, "nothing imported: 2 problems", before, refusedOne);
    assertEquals(List.of("$[150].localIssueKey: \"PA-999\" is not an issue of project PA (it does"
        + " not exist, was moved, or the sync user cannot see it)", "$[150].remoteIssueKey:"
        + " \"PB-999\" is not an issue of project PB (it does not exist, was moved, or the sync"
        + " user cannot see it)"), problems(refusedOne));
    assertEquals(List.of("findUpdatedSince", "findUpdatedSince"),
        sync.a().calls().stream().map(TrackerCall::operation).toList());
    assertEquals(2, sync.b().calls("findUpdatedSince").size());

    AdminResponse imported = call("POST", PATH_ROWS, Map.of(),
        "[" + String.join(",", rows.subList(0, 150)) + "]");
    assertEquals("{\"imported\":150}", imported.body());
    assertEquals(152, sync.syncInfoA().size());
  }

  @Test
  void aTrackerThatRefusesTheKeySearchIsAskedKeyByKey() throws Exception {
    // Jira refuses a whole "key in (...)" search when one key does not exist.
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince")) {
          throw new TrackerException("An issue with key 'PA-99' does not exist for field 'key'.",
              null, Map.of());
        }
      }
    });
    State before = state();

    AdminResponse response = call("POST", PATH_ROWS, Map.of(), "[{\"localIssueKey\": \"PA-3\","
        + " \"remoteIssueKey\": \"PB-3\"}, {\"localIssueKey\": \"PA-99\", \"remoteIssueKey\":"
        + " \"PB-4\"}]");

    refused(400, "nothing imported: 1 problem", before, response);
    assertEquals(List.of("$[1].localIssueKey: \"PA-99\" is not an issue of project PA (it does"
        + " not exist, was moved, or the sync user cannot see it)"), problems(response));
  }

  @Test
  void aTrackerThatCannotBeAskedImportsNothing() throws Exception {
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        throw new RetriableException("PB is down for maintenance", null);
      }
    });
    State before = state();

    refused(503, "nothing imported: could not check that the issues exist in project PB: PB is"
        + " down for maintenance", before, importOne("{\"localIssueKey\": \"PA-3\","
            + " \"remoteIssueKey\": \"PB-3\"}"));
  }

  @Test
  void aKeyPairedAlreadyOrTwiceInOneImportIsRefused() throws Exception {
    State before = state();

    AdminResponse response = call("POST", PATH_ROWS, Map.of(), "[{\"localIssueKey\": \"PA-3\","
        + " \"remoteIssueKey\": \"PB-1\"}, {\"localIssueKey\": \"PA-3\", \"remoteIssueKey\":"
        + " \"PB-3\"}]");

    refused(400, "nothing imported: 2 problems", before, response);
    assertEquals(List.of("$[0].remoteIssueKey: \"PB-1\" is already paired with PA-1",
        "$[1].localIssueKey: \"PA-3\" is also in row 0"), problems(response));
  }

  @Test
  void anImportThatContradictsThePartnersRowsIsRefused() throws Exception {
    assertEquals(200, call("POST", "/connectors/PB/syncInformation", Map.of(),
        "[{\"localIssueKey\": \"PB-3\", \"remoteIssueKey\": \"PA-3\"}]").status());
    State before = state();

    // (found by helper-81: both imports were taken, and the partner's messages then failed or
    // were dropped as duplicates, a person's edit with them)
    AdminResponse response = call("POST", PATH_ROWS, Map.of(), "[{\"localIssueKey\": \"PA-4\","
        + " \"remoteIssueKey\": \"PB-3\"}, {\"localIssueKey\": \"PA-3\", \"remoteIssueKey\":"
        + " \"PB-4\"}]");

    refused(400, "nothing imported: 2 problems", before, response);
    assertEquals(List.of("$[0].remoteIssueKey: \"PB-3\" is paired with PA-3 in connector PB's"
        + " sync information", "$[1].localIssueKey: \"PA-3\" is paired with PB-3 in connector"
        + " PB's sync information"), problems(response));
    assertEquals(200, importOne("{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\":"
        + " \"PB-3\"}").status(), "the same pair as the partner's is taken");
  }

  // ------------------------------------------------------------------ resync and tasks

  @Test
  void aHugeJqlIsRefusedAndALongOneStillWorks() throws Exception {
    State before = state();
    String huge = "labels = x AND ".repeat(5 * 1024 * 1024 / 15) + "labels = y";
    String body = json.createObjectNode().put("jql", huge).toString();
    SyncAdminHandler roomy = SyncAdminHandler.builder(admin).maxBodyBytes(8 << 20).build();

    refused(413, "the request body is larger than 4194304 bytes, the limit of this admin API"
        + " (maxBodyBytes)", before, call("POST", "/connectors/PA/resync", Map.of(), body));
    AdminResponse response = refused(400, "bad resync request", before,
        call(roomy, "admin", "POST", "/connectors/PA/resync", Map.of(), body));
    assertEquals(List.of("$.jql: is " + huge.length() + " characters long; at most 10000"),
        problems(response));

    String nested = "(".repeat(4_990) + "labels = x" + ")".repeat(4_990);
    AdminResponse deep = call("POST", "/connectors/PA/resync", Map.of(),
        json.createObjectNode().put("jql", nested).toString());
    assertEquals(200, deep.status(), deep.body());
    String longest = "labels = x AND ".repeat(666) + "labels = y";
    AdminResponse fine = call("POST", "/connectors/PA/resync", Map.of(),
        json.createObjectNode().put("jql", longest).toString());
    assertEquals(200, fine.status(), fine.body());
  }

  /** Found by running the service: each resynced every issue of the connector. */
  @Test
  void anEmptyJqlIsRefusedNotTakenAsEveryIssue() throws Exception {
    for (String jql : List.of("", "   ", "\n")) {
      State before = state();
      AdminResponse response = refused(400, "bad resync request", before,
          call("POST", "/connectors/PA/resync", Map.of(),
              json.createObjectNode().put("jql", jql).toString()));
      assertEquals(List.of("$.jql: is empty; leave it out (or null) to resync every issue"),
          problems(response));
    }
  }

  @Test
  void jqlOfTheLongestLengthInAnyShapeIsAnsweredNot500() throws Exception {
    int max = SyncAdminHandler.MAX_JQL_LENGTH;
    for (String jql : List.of("(".repeat(max), ")".repeat(max), "\"".repeat(max),
        "\\".repeat(max / 2), "order ".repeat(max / 6), " ".repeat(max - 1) + "x",
        "a".repeat(max), "((x = \"".repeat(max / 7), "\u2028".repeat(max))) {
      State before = state();
      AdminResponse response = call("POST", "/connectors/PA/resync", Map.of(),
          json.createObjectNode().put("jql", jql).toString());

      assertTrue(response.status() == 200 || response.status() == 400, response.body());
      if (response.status() == 400) {
        assertEquals(before, state());
        assertTrue(response.body().length() < 2_000, "the JQL is not echoed whole");
      }
    }
  }

  @Test
  void nothingThrownInsideTheHandlerEscapesIt() throws Exception {
    for (Throwable thrown : List.of(new IllegalStateException("password=hunter2"),
        new RetriableException("jira.internal:8080 refused, token hunter2", null),
        new org.backbonesync.spi.SyncException("SELECT secret FROM hunter2"),
        new StackOverflowError(), new OutOfMemoryError("Java heap space"), new AssertionError())) {
      SyncAdminHandler failing = new SyncAdminHandler(SyncAdmin.builder().engine(sync.engine())
          .authorizer((caller, operation, key) -> {
            if (thrown instanceof RuntimeException r) {
              throw r;
            }
            throw (Error) thrown;
          }).build());
      State before = state();

      AdminResponse response = call(failing, "admin", "DELETE", PATH_ROWS, Map.of(), null);

      boolean retriable = thrown instanceof RetriableException;
      assertEquals(retriable ? 503 : 500, response.status(), response.body());
      String what = retriable ? "unavailable for now, try again later"
          : thrown instanceof StackOverflowError
              ? "the request was too deeply nested or too long to process" : "internal error";
      assertTrue(error(response).matches(java.util.regex.Pattern.quote(what + " ("
          + thrown.getClass().getSimpleName() + ", incident ") + "[0-9a-f-]{36}\\)"),
          response.body());
      assertFalse(response.body().contains("hunter2"), response.body());
      assertFalse(response.body().contains("at org."), "no stack trace");
      assertEquals(before, state());
    }
  }

  @Test
  void tasksOfAnonymousCallersAreHiddenFromOtherAnonymousCallers() throws Exception {
    AdminResponse started = call(handler, null, "POST", "/connectors/PA/resync", Map.of(), "{}");
    String id = json.readTree(started.body()).get("id").asText();
    String storeId = id.substring(0, id.indexOf('.'));
    State before = state();

    assertEquals(200, started.status(), started.body());
    assertTrue(id.matches("\\d+\\.[0-9a-f]{32}"), id);
    for (String guess : List.of(storeId, storeId + "." + "0".repeat(32))) {
      refused(404, "no task with id \"" + guess + "\"", before,
          call(handler, null, "GET", "/async-tasks/" + guess, Map.of(), null));
      refused(404, "no task with id \"" + guess + "\"", before,
          call(handler, null, "DELETE", "/async-tasks/" + guess, Map.of(), null));
    }
    // malformed, whatever tasks there are: a 400 that tells nothing of any task
    for (String guess : List.of(storeId + ".",
        storeId + "." + id.substring(id.indexOf('.') + 1).toUpperCase(java.util.Locale.ROOT),
        "." + id.substring(id.indexOf('.') + 1), id + "0")) {
      refused(400, NOT_A_TASK_ID + "\"" + guess + "\"", before,
          call(handler, null, "GET", "/async-tasks/" + guess, Map.of(), null));
      refused(400, NOT_A_TASK_ID + "\"" + guess + "\"", before,
          call(handler, null, "DELETE", "/async-tasks/" + guess, Map.of(), null));
    }
    refused(404, "no task with id \"" + id + "\"", before,
        call(handler, "admin", "GET", "/async-tasks/" + id, Map.of(), null));
    refused(404, "no task with id \"" + storeId + "\"", before,
        call(handler, "admin", "DELETE", "/async-tasks/" + storeId, Map.of(), null));
    assertFalse(sync.engine().task(storeId).orElseThrow().cancelled(), "not cancelled");

    JsonNode mine = json.readTree(call(handler, null, "GET", "/async-tasks/" + id, Map.of(),
        null).body());
    JsonNode cancelled = json.readTree(call(handler, null, "DELETE", "/async-tasks/" + id,
        Map.of(), null).body());
    assertEquals(id, mine.get("id").asText());
    assertEquals(id, cancelled.get("id").asText());
    assertTrue(sync.engine().task(storeId).orElseThrow().cancelled(), "its starter cancels it");
  }

  @Test
  void aNamedCallersTaskStaysTheirs() throws Exception {
    String id = json.readTree(call("POST", "/connectors/PA/resync", Map.of(), "{}").body())
        .get("id").asText();
    State before = state();

    assertTrue(id.matches("\\d+"), id);
    refused(404, "no task with id \"" + id + "\"", before,
        call(handler, null, "GET", "/async-tasks/" + id, Map.of(), null));
    refused(404, "no task with id \"" + id + "\"", before,
        call(handler, "eve", "DELETE", "/async-tasks/" + id, Map.of(), null));
    assertEquals(200, call("GET", "/async-tasks/" + id, Map.of(), null).status());
  }

  /**
   * Found by a review: task ids reached the stores unchecked, where the JDBC store reads them
   * as numbers ({@code 007} was task 7 there, no task in memory). Each odd id is a 400 naming
   * {@code taskId} and the id, escaped and cut; a well-formed id of no task is a 404.
   */
  @Test
  void oddTaskIdsAreRefusedNamingThemAndUnknownOnesAreNotFound() throws Exception {
    String task = json.readTree(call("POST", "/connectors/PA/resync", Map.of(), "{}").body())
        .get("id").asText();
    State before = state();
    Map<String, String> odd = new java.util.LinkedHashMap<>();
    for (String id : List.of("-1", "0", "0" + task, "+" + task, "9223372036854775808", "x",
        task + "|", "%2e%2e%2F" + task, "1" + "%0A" + "2", "1%E2%80%AE2", "1%22%5C")) {
      odd.put(id, null);
    }
    odd.put("9".repeat(10_000), "\"" + "9".repeat(80) + "...\" (10000 characters)");

    for (Map.Entry<String, String> e : odd.entrySet()) {
      String decoded = java.net.URLDecoder.decode(e.getKey().replace("+", "%2B"),
          java.nio.charset.StandardCharsets.UTF_8);
      String shown = e.getValue() != null ? e.getValue()
          : org.backbonesync.core.internal.Shown.quoted(decoded);
      for (String method : List.of("GET", "DELETE")) {
        AdminResponse response = refused(400, NOT_A_TASK_ID + shown, before,
            call(method, "/async-tasks/" + e.getKey(), Map.of(), null));
        assertEquals(List.of("taskId: " + NOT_A_TASK_ID.substring("taskId ".length()) + shown),
            problems(response));
      }
    }
    for (String unknown : List.of("9223372036854775807", "42", "42." + "a".repeat(32))) {
      refused(404, "no task with id \"" + unknown + "\"", before,
          call("GET", "/async-tasks/" + unknown, Map.of(), null));
    }
    assertFalse(sync.engine().task(task).orElseThrow().cancelled(), "not cancelled");
  }
}
