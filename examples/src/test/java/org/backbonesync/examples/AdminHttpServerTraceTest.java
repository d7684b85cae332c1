package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.core.AdminOperation;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.Responsibility;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "Why did PA-1 not reach the other side?" answered over real HTTP by {@code GET
 * /connectors/{k}/issues/{issueKey}/trace}: after a conflict, a refusal by responsibility, an
 * ignored change and a failure, the trace says so in words; and its refusals.
 */
class AdminHttpServerTraceTest {
  private static final String BASE = "/rest/backbone/1.0";
  private static final FieldMapping SUMMARY =
      FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH);
  private final ObjectMapper json = new ObjectMapper();
  private SyncTestDriver sync;
  private HttpServer server;

  private void serve(SyncTestDriver.Builder builder) throws Exception {
    sync = builder.build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    // "viewer" may read traces only; "admin" may do anything
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> "admin".equals(caller)
            || "viewer".equals(caller) && op == AdminOperation.READ_TRACE)
        .build();
    server = AdminHttpServer.start(new SyncAdminHandler(admin), 0, BASE);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private HttpResponse<String> send(String caller, String method, String path, String body)
      throws Exception {
    return new AdminClient(server, BASE).send(caller, method, path, body);
  }

  private JsonNode trace(String connector, String issueKey) throws Exception {
    HttpResponse<String> response =
        send("viewer", "GET", "/connectors/" + connector + "/issues/" + issueKey + "/trace", null);
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  /** The history's entries of one outcome. */
  private static List<JsonNode> entries(JsonNode trace, String outcome) {
    List<JsonNode> found = new ArrayList<>();
    trace.get("history").forEach(e -> {
      if (e.get("outcome").asText().equals(outcome)) {
        found.add(e);
      }
    });
    return found;
  }

  @Test
  void theCreateAndItsDeliveryAreTracedOnBothSides() throws Exception {
    serve(SyncTestDriver.builder());

    JsonNode a = trace("PA", "PA-1");
    assertEquals("PB-1", a.get("syncInformation").get("remoteIssueKey").asText(), a.toString());
    JsonNode sent = entries(a, "SENT").get(0);
    assertEquals("OUT", sent.get("direction").asText());
    assertEquals("CHANGE", sent.get("kind").asText());
    assertEquals(List.of(), entries(a, "QUEUED"), "queued and sent in one write: shown as sent");
    assertEquals(0, a.get("queued").get("outgoing").size(), "sent: nothing waits");

    JsonNode b = trace("PB", "PB-1");
    JsonNode created = entries(b, "CREATED").get(0);
    assertEquals("IN", created.get("direction").asText());
    assertEquals("PA-1", created.get("issueKey").asText());
    assertEquals("created PB-1", created.get("detail").asText());
    assertEquals(sent.get("messageId"), created.get("messageId"));
    JsonNode byPartnersKey = trace("PB", "PA-1");
    assertEquals(b.get("syncInformation"), byPartnersKey.get("syncInformation"));
    assertEquals(b.get("history"), byPartnersKey.get("history"), "the same pair");
  }

  @Test
  void aConflictSaysWhichValueWonAndByWhichRule() throws Exception {
    serve(SyncTestDriver.builder().fieldMapping(SUMMARY));
    sync.a("alice").edit("PA-1", "summary", "from A");
    sync.advance(Duration.ofSeconds(5));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PA");
    sync.poll("PB");
    sync.deliver("PA");
    sync.apply("PB");
    sync.deliver("PB");
    sync.apply("PA");
    sync.runUntilQuiet();

    JsonNode conflict = entries(trace("PA", "PA-1"), "CONFLICT").get(0);
    assertEquals("conflict on map-summary with a local change of PA-1: the partner's value"
        + " applied by NEWEST_WINS (conflict record "
        + sync.engine().conflicts("PA", "PA-1").get(0).id() + ")",
        conflict.get("detail").asText());
  }

  @Test
  void aRefusalByResponsibilitySaysWhoIsResponsible() throws Exception {
    serve(SyncTestDriver.builder()
        .projectA(p -> p.selectField("customfield_9", "Support", "Development"))
        .projectB(p -> p.selectField("customfield_9", "Support", "Development"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.passthrough("map-resp", "customfield_9", Direction.BOTH))
        .responsibility(new Responsibility("map-resp", "Support", "Development")));
    sync.b("bob").edit("PB-1", "customfield_9", "Development"); // B takes responsibility
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "A's idea");
    sync.runUntilQuiet();

    JsonNode refused = entries(trace("PB", "PB-1"), "REJECTED").get(0);
    assertTrue(refused.get("detail").asText().startsWith(
        "the change of map-summary was refused: PB-1 is this side's responsibility"),
        refused.toString());
    assertEquals("PA-1", refused.get("issueKey").asText());
  }

  @Test
  void anIgnoredChangeSaysWhy() throws Exception {
    serve(SyncTestDriver.builder());
    long row = sync.syncInfoB().get(0).id();
    HttpResponse<String> ignore = send("admin", "PUT",
        "/connectors/PB/syncInformation/" + row + "/incomingChangesIgnored",
        "{\"incomingChangesIgnored\": true}");
    assertEquals(200, ignore.statusCode(), ignore.body());
    sync.a("alice").edit("PA-1", "summary", "not wanted on B");
    sync.runUntilQuiet();

    JsonNode trace = trace("PB", "PB-1");
    JsonNode ignored = entries(trace, "IGNORED").get(0);
    assertEquals("incoming changes of PB-1 are ignored", ignored.get("detail").asText());
    assertEquals("CHANGE", ignored.get("kind").asText());
    assertTrue(trace.get("syncInformation").get("incomingChangesIgnored").asBoolean());
  }

  @Test
  void aFailureQuotesTheErrorAndTheMessageIsShownQueued() throws Exception {
    serve(SyncTestDriver.builder()
        .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low")));
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();

    JsonNode trace = trace("PB", "PB-1");
    JsonNode failed = entries(trace, "FAILED").get(0);
    assertTrue(failed.get("detail").asText().startsWith(
        "failed; waits for an operator's retry or skip: "), failed.toString());
    assertTrue(failed.get("detail").asText().contains("The priority selected is invalid"),
        failed.toString());
    JsonNode waiting = trace.get("queued").get("incoming");
    assertEquals(1, waiting.size(), trace.toString());
    assertEquals(1, trace.get("queued").get("incomingCount").asInt());
    assertEquals(failed.get("messageId"), waiting.get(0).get("messageId"));
  }

  @Test
  void aCreateThatFailedIsTracedByThePartnersKey() throws Exception {
    serve(SyncTestDriver.builder()
        .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low")));
    String key = sync.a("alice").create("Needs a Blocker");
    sync.a("alice").edit(key, "priority", "Blocker");
    sync.runUntilQuiet();

    JsonNode trace = trace("PB", key);
    assertTrue(trace.get("syncInformation").isNull(), trace.toString());
    JsonNode failed = entries(trace, "FAILED").get(0);
    assertEquals(key, failed.get("issueKey").asText());
    assertTrue(failed.get("detail").asText().contains("create in PB refused {priority=The"
        + " priority selected is invalid"), failed.toString());
    assertTrue(failed.get("detail").asText().endsWith("; priority from incoming field mapping"
        + " map-priority, value \"Blocker\""), failed.toString());
  }

  @Test
  void refusalsNameTheCallerTheConnectorAndTheKey() throws Exception {
    serve(SyncTestDriver.builder());
    HttpResponse<String> stranger = send("stranger", "GET", "/connectors/PB/issues/PB-1/trace",
        null);
    assertEquals(403, stranger.statusCode());
    assertTrue(stranger.body().contains("may not READ_TRACE on connector \\\"PB\\\""),
        stranger.body());
    HttpResponse<String> unknown = send("admin", "GET", "/connectors/PX/issues/PB-1/trace",
        null);
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("no connector with key \\\"PX\\\""), unknown.body());
    HttpResponse<String> longKey = send("admin", "GET",
        "/connectors/PB/issues/" + "K".repeat(300) + "/trace", null);
    assertEquals(400, longKey.statusCode());
    assertTrue(longKey.body().contains("issueKey must be 1 to 255 characters, was 300"),
        longKey.body());
    HttpResponse<String> nul = send("admin", "GET", "/connectors/PB/issues/PB-1%00/trace", null);
    assertEquals(400, nul.statusCode());
    assertTrue(nul.body().contains("issueKey must not hold control characters"), nul.body());
    assertTrue(nul.body().contains("\"path\":\"issueKey\""), nul.body());
    HttpResponse<String> nulQuery = send("admin", "GET",
        "/connectors/PB/syncInformation?localIssueKey=PB-1%00", null);
    assertEquals(400, nulQuery.statusCode());
    assertTrue(nulQuery.body().contains("?localIssueKey must not hold control characters"),
        nulQuery.body());
    HttpResponse<String> plus = send("admin", "GET", "/connectors/PB/issues/PB+1/trace", null);
    assertEquals(400, plus.statusCode(), plus.body());
    assertTrue(plus.body().contains("was \\\"PB+1\\\""), "a path's + is no space: " + plus.body());
    HttpResponse<String> parameter = send("admin", "GET",
        "/connectors/PB/issues/PB-1/trace?limit=5", null);
    assertEquals(400, parameter.statusCode());
    assertTrue(parameter.body().contains("limit"), parameter.body());
    HttpResponse<String> post = send("admin", "POST", "/connectors/PB/issues/PB-1/trace", "{}");
    assertEquals(405, post.statusCode());
    // a key without an issue key's form (a path answered 200, empty)
    HttpResponse<String> path = send("admin", "GET",
        "/connectors/PB/issues/..%2F..%2Fetc%2Fpasswd/trace", null);
    assertEquals(400, path.statusCode(), path.body());
    assertTrue(path.body().contains("{\"path\":\"issueKey\",\"message\":\"must be an issue key"
        + " such as PA-12 (a project key of capitals, digits or _ starting with a capital,"
        + " \\\"-\\\" and a number from 1), was \\\"../../etc/passwd\\\"\"}"), path.body());
    for (String key : List.of("PB-999", "NOPE-1")) { // (a key of no pair; another project's)
      JsonNode none = trace("PB", key);
      assertEquals(0, none.get("history").size());
      assertTrue(none.get("syncInformation").isNull());
    }
  }
}
