package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** The admin API, request by request, as a host's REST layer would call it. */
class SyncAdminHandlerTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .engine(e -> e.taskExecutor(tasks)).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(SyncAdmin.builder()
      .engine(sync.engine())
      .authorizer((caller, operation, connector) -> !"mallory".equals(caller)
          && !(operation == AdminOperation.DELETE_SYNC_INFORMATION && "bob".equals(caller)))
      .build());

  private AdminResponse call(String method, String path, Map<String, String> query, String body) {
    return call("admin", method, path, query, body);
  }

  private AdminResponse call(String caller, String method, String path, Map<String, String> query,
      String body) {
    return handler.handle(new AdminRequest(method, path, query, body, caller));
  }

  private JsonNode body(AdminResponse response) throws Exception {
    return json.readTree(response.body());
  }

  private void givenTwoSyncedIssues() {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
  }

  @Test
  void synchronizationsListTheirConnectorKeysAndShowTheirConfiguration() throws Exception {
    AdminResponse list = call("GET", "/synchronizations", Map.of(), null);
    AdminResponse one = call("GET", "/synchronizations/sync-pa-pb", Map.of(), null);

    assertEquals(200, list.status());
    assertEquals("[{\"id\":\"sync-pa-pb\",\"connectorA\":{\"key\":\"PA\",\"projectKey\":\"PA\"},"
        + "\"connectorB\":{\"key\":\"PB\",\"projectKey\":\"PB\"}}]", list.body());
    assertEquals(sync.configuration(),
        new SyncConfigurationJson(FieldMappingRegistry.builtIns()).read(one.body()));
    assertEquals(body(one).toString(), one.body(), "compact, as every other answer");
    assertEquals(404, call("GET", "/synchronizations/nope", Map.of(), null).status());
  }

  @Test
  void syncInformationIsListedWithExactlyTheDocumentedFieldsInIdOrder() throws Exception {
    givenTwoSyncedIssues();

    JsonNode rows = body(call("GET", "/connectors/PA/syncInformation", Map.of(), null));
    JsonNode filtered = body(call("GET", "/connectors/PA/syncInformation",
        Map.of("remoteIssueKey", "PB-2"), null));

    assertEquals(2, rows.size());
    List<String> names = new java.util.ArrayList<>();
    rows.get(0).fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("id", "connectorKey", "localIssueKey", "remoteIssueKey", "firstSyncDate",
        "lastOutgoingChange", "lastChangeSeen", "outgoingMessageSequenceId", "lastIncomingChange",
        "incomingMessageSequenceId", "incomingChangesIgnored"), names);
    assertTrue(rows.get(0).get("id").asLong() < rows.get(1).get("id").asLong());
    assertEquals(1, filtered.size());
    assertEquals("PA-2", filtered.get(0).get("localIssueKey").asText());
  }

  @Test
  void anImportPairsExistingIssuesAndAnEditThenSyncsWithoutANewIssue() throws Exception {
    sync.a("alice").create("Printer on fire"); // exists on both sides, made by hand
    sync.b("bob").create("Printer on fire");
    sync.stores().watermarks().setWatermark("PA", sync.clock().millis());
    sync.stores().watermarks().setWatermark("PB", sync.clock().millis());
    sync.advance(java.time.Duration.ofMinutes(2));

    AdminResponse a = call("POST", "/connectors/PA/syncInformation", Map.of(),
        "[{\"localIssueKey\": \"PA-1\", \"remoteIssueKey\": \"PB-1\"}]");
    AdminResponse b = call("POST", "/connectors/PB/syncInformation", Map.of(),
        "[{\"localIssueKey\": \"PB-1\", \"remoteIssueKey\": \"PA-1\"}]");
    assertEquals(200, a.status(), a.body());
    assertEquals("{\"imported\":1}", b.body());
    JsonNode row = body(call("GET", "/connectors/PA/syncInformation", Map.of(), null)).get(0);
    assertEquals(sync.clock().millis(), row.get("firstSyncDate").asLong());
    assertEquals(0, row.get("outgoingMessageSequenceId").asLong());

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size(), "no new issue");
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void anImportWithAnyBadRowImportsNothingAndListsEveryProblem() throws Exception {
    givenTwoSyncedIssues();
    for (int i = 3; i <= 6; i++) { // made by hand on both sides: PA-3..6, PB-3..6
      sync.a("alice").create("By hand " + i);
      sync.b("bob").create("By hand " + i);
    }

    AdminResponse response = call("POST", "/connectors/PA/syncInformation", Map.of(), """
        [{"localIssueKey": "PA-3", "remoteIssueKey": "PB-3"},
         {"localIssueKey": "PA-1", "remoteIssueKey": "PB-4"},
         {"localIssueKey": "PA-4", "remoteIssueKey": "PB-3", "outgoingMessageSequenceId": -1},
         {"remoteIssueKey": "PB-99", "colour": "red"},
         {"localIssueKey": "PB-5", "remoteIssueKey": "PB-6", "lastChangeSeen": "yesterday"}]""");

    assertEquals(400, response.status());
    List<String> problems = new java.util.ArrayList<>();
    body(response).get("problems").forEach(p ->
        problems.add(p.get("path").asText() + ": " + p.get("message").asText()));
    assertEquals(List.of(
        "$[3].colour: unknown property",
        "$[4].lastChangeSeen: must be a whole number, was \"yesterday\"",
        "$[1].localIssueKey: \"PA-1\" is already paired with PB-1",
        "$[2].remoteIssueKey: \"PB-3\" is also in row 0",
        "$[2].outgoingMessageSequenceId: must be from 0 to 2147483647, was -1",
        "$[3].localIssueKey: missing",
        "$[3].remoteIssueKey: \"PB-99\" is not an issue of project PB (it does not exist, was"
            + " moved, or the sync user cannot see it)",
        "$[4].localIssueKey: \"PB-5\" is not an issue key of project PA (PA-<number>)"),
        problems);
    assertEquals(2, sync.syncInfoA().size(), "nothing imported");
  }

  /** Found by a host: the row of a copy being created was "already paired with null". */
  @Test
  void anImportOfAKeyWaitingForItsPartnerSaysSo() throws Exception {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA"); // PA-1's row waits for PB's key until PB creates its copy and answers
    sync.b("bob").create("Made by hand in PB");
    assertNull(sync.syncInfoA().get(0).remoteIssueKey());

    AdminResponse response = call("POST", "/connectors/PA/syncInformation", Map.of(),
        "[{\"localIssueKey\": \"PA-1\", \"remoteIssueKey\": \"PB-1\"}]");

    assertEquals(400, response.status(), response.body());
    List<String> problems = new java.util.ArrayList<>();
    body(response).get("problems").forEach(p ->
        problems.add(p.get("path").asText() + ": " + p.get("message").asText()));
    assertEquals(List.of("$[0].localIssueKey: \"PA-1\" is already paired and waiting for its"
        + " partner's key"), problems);
  }

  /**
   * README: the import takes "the rows GET returns as they are", but a row naming no partner
   * issue (a copy waiting for its partner's key, here; or a row unlinked after a Jira restore)
   * cannot be paired by an import. An operator moving the store by GET and POST is told which
   * row and why, not a bare "missing".
   */
  @Test
  void anExportedRowWaitingForItsPartnersKeyIsRefusedSayingToLeaveItOut() throws Exception {
    givenTwoSyncedIssues();
    sync.a("alice").create("Projector broken");
    sync.poll("PA"); // PA-3's row waits for PB's key
    String exported = call("GET", "/connectors/PA/syncInformation", Map.of(), null).body();
    call("DELETE", "/connectors/PA/syncInformation", Map.of(), null);

    AdminResponse response = call("POST", "/connectors/PA/syncInformation", Map.of(), exported);

    assertEquals(400, response.status(), response.body());
    List<String> problems = new java.util.ArrayList<>();
    body(response).get("problems").forEach(p ->
        problems.add(p.get("path").asText() + ": " + p.get("message").asText()));
    assertEquals(List.of("$[2].remoteIssueKey: missing (rows GET shows with"
        + " remoteIssueKey null, a copy waiting for its partner's key or a row unlinked after a"
        + " Jira restore, cannot be imported: leave those out)"), problems);
    assertEquals(0, sync.syncInfoA().size(), "nothing imported");
  }

  @Test
  void deleteRemovesOneEntryOrAllOfThem() throws Exception {
    givenTwoSyncedIssues();
    long first = sync.syncInfoA().get(0).id();

    AdminResponse one = call("DELETE", "/connectors/PA/syncInformation",
        Map.of("syncInfoId", String.valueOf(first)), null);
    AdminResponse again = call("DELETE", "/connectors/PA/syncInformation",
        Map.of("syncInfoId", String.valueOf(first)), null);
    AdminResponse bad = call("DELETE", "/connectors/PA/syncInformation",
        Map.of("syncInfoId", "one"), null);
    AdminResponse all = call("DELETE", "/connectors/PB/syncInformation", Map.of(), null);

    assertEquals("{\"deleted\":1}", one.body());
    assertEquals(404, again.status());
    assertEquals("connector \"PA\" has no sync information with id " + first,
        body(again).get("error").asText());
    assertEquals(400, bad.status());
    assertEquals("{\"deleted\":2}", all.body());
    assertEquals(1, sync.syncInfoA().size());
    assertEquals(0, sync.syncInfoB().size());
  }

  @Test
  void aResyncIsATaskThatItsOwnerFollowsAndCancels() throws Exception {
    givenTwoSyncedIssues();

    AdminResponse started = call("POST", "/connectors/PA/resync", Map.of(), """
        {"jql": "labels is EMPTY", "fieldMappings": ["map-summary"],
         "responsibility": false, "sendStatusField": false}""");
    JsonNode task = body(started);
    assertEquals(200, started.status(), started.body());
    List<String> names = new java.util.ArrayList<>();
    task.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("id", "startTimestamp", "finished", "cancelled", "hasFailed", "progress",
        "message", "completionTimestamp", "result", "failureMessage"), names);
    assertEquals(sync.clock().millis(), task.get("startTimestamp").asLong());
    assertEquals("Starting resync for connector PA", task.get("message").asText());

    String path = "/async-tasks/" + task.get("id").asText();
    assertEquals(404, call("mallory2", "GET", path, Map.of(), null).status(),
        "another caller does not see it");
    tasks.runAll();
    JsonNode done = body(call("GET", path, Map.of(), null));
    assertTrue(done.get("finished").asBoolean());
    assertEquals(100, done.get("progress").asInt());
    assertEquals(2, done.get("result").get("sent").asInt());
    JsonNode cancelled = body(call("DELETE", path, Map.of(), null));
    assertTrue(cancelled.get("finished").asBoolean(), "cancelling a finished task changes nothing");
  }

  @Test
  void conflictRecordsAreListedPerConnectorAndIssue() throws Exception {
    givenTwoSyncedIssues();
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "from A");
    sync.advance(java.time.Duration.ofSeconds(1));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PA");
    sync.poll("PB");
    sync.runUntilQuiet();

    JsonNode all = body(call("GET", "/connectors/PA/conflicts", Map.of(), null));
    JsonNode none = body(call("GET", "/connectors/PA/conflicts", Map.of("localIssueKey", "PA-2"),
        null));

    assertEquals(1, all.size());
    assertEquals("PA-1", all.get(0).get("localIssueKey").asText());
    assertEquals("from A", all.get(0).get("localValue").asText());
    assertEquals("from B", all.get(0).get("remoteValue").asText());
    assertEquals("REMOTE", all.get(0).get("winner").asText());
    assertEquals("NEWEST_WINS", all.get(0).get("rule").asText());
    assertEquals(0, none.size());
  }

  @Test
  void badRequestsGetTheirStatusAndAClearJsonError() throws Exception {
    AdminResponse unknownConnector = call("GET", "/connectors/PX/syncInformation", Map.of(), null);
    AdminResponse malformed = call("POST", "/connectors/PA/resync", Map.of(), "{\"jql\": }");
    AdminResponse unknownMapping = call("POST", "/connectors/PA/resync", Map.of(),
        "{\"fieldMappings\": [\"nope\"]}");
    AdminResponse injection = call("POST", "/connectors/PA/resync", Map.of(),
        "{\"jql\": \"x = 1) OR (project = OTHER\"}");
    AdminResponse forbidden = call("mallory", "GET", "/connectors/PA/syncInformation", Map.of(),
        null);
    AdminResponse notAllowedToDelete = call("bob", "DELETE", "/connectors/PA/syncInformation",
        Map.of(), null);
    AdminResponse method = call("PUT", "/connectors/PA/resync", Map.of(), "{}");
    AdminResponse nowhere = call("GET", "/nothing/here", Map.of(), null);

    assertEquals(404, unknownConnector.status());
    assertEquals("{\"status\":404,\"error\":\"no connector with key \\\"PX\\\"\",\"problems\":[],"
        + "\"problemCount\":0}", unknownConnector.body());
    assertEquals(400, malformed.status());
    assertTrue(body(malformed).get("error").asText().startsWith(
        "malformed JSON at line 1, column 9: Unexpected character ('}'"), malformed.body());
    assertEquals("unknown field mapping id \"nope\" in synchronization sync-pa-pb",
        body(unknownMapping).get("error").asText());
    assertEquals(400, injection.status());
    assertEquals(403, forbidden.status());
    assertEquals(403, notAllowedToDelete.status());
    assertEquals(405, method.status());
    assertEquals(404, nowhere.status());
    assertEquals("application/json; charset=utf-8", nowhere.headers().get("Content-Type"));
    assertEquals(0, tasks.pending(), "no task was started by a refused request");
  }
}
