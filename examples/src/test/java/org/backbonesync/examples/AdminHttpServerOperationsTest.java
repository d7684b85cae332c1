package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.core.AdminOperation;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's endpoints over real HTTP: failed messages listed, retried after a fix and
 * skipped, the status before and after, and the refusals of each.
 */
class AdminHttpServerOperationsTest {
  private static final String BASE = "/rest/backbone/1.0";
  private final ObjectMapper json = new ObjectMapper();
  // PA knows a priority PB does not: a message carrying it fails permanently on PB.
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low")).build();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    // "viewer" may read but neither retry nor skip; "retrier" may retry but not skip.
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> "admin".equals(caller)
            || "viewer".equals(caller) && (op == AdminOperation.READ_FAILED_MESSAGES
                || op == AdminOperation.READ_STATUS)
            || "retrier".equals(caller) && op != AdminOperation.SKIP_FAILED_MESSAGE)
        .build();
    server = AdminHttpServer.start(new SyncAdminHandler(admin), 0, BASE);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> send(String caller, String method, String path, String body)
      throws Exception {
    return new AdminClient(server, BASE).send(caller, method, path, body);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send("admin", method, path, body);
  }

  private JsonNode read(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  private static String segment(String messageId) {
    return URLEncoder.encode(messageId, StandardCharsets.UTF_8);
  }

  /** PA-1 and PA-2 get a priority PB lacks: two messages fail on PB. */
  private List<String> givenTwoFailedMessages() throws Exception {
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.a("alice").edit("PA-2", "priority", "Blocker");
    sync.runUntilQuiet();
    List<String> ids = new ArrayList<>();
    read(send("GET", "/connectors/PB/failedMessages", null))
        .forEach(m -> ids.add(m.get("messageId").asText()));
    return ids;
  }

  @Test
  void aFailedMessageIsListedRetriedAfterTheFixAndAnotherSkippedWithTheStatusFollowing()
      throws Exception {
    JsonNode before = read(send("GET", "/connectors/PB/status", null));
    assertEquals(0, before.get("inbox").get("count").asInt());
    assertEquals(0, before.get("inbox").get("failed").asInt());
    assertTrue(before.get("inbox").get("oldestReceivedAt").isNull());
    assertTrue(before.get("watermark").isIntegralNumber(), before.toString());
    assertTrue(before.get("lastPoll").get("at").isIntegralNumber(), before.toString());
    assertTrue(before.get("leases").isArray(), before.toString());

    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-2", "priority", "Blocker");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(3));

    JsonNode failed = read(send("viewer", "GET", "/connectors/PB/failedMessages", null));
    assertEquals(2, failed.size(), failed.toString());
    JsonNode first = failed.get(0);
    assertEquals("PA-1", first.get("sourceIssueKey").asText());
    assertEquals("PA", first.get("fromConnector").asText());
    assertTrue(first.get("error").asText().contains("The priority selected is invalid"),
        first.toString());
    assertEquals(1, first.get("attempts").asInt());
    JsonNode during = read(send("viewer", "GET", "/connectors/PB/status", null));
    assertEquals(2, during.get("inbox").get("count").asInt());
    assertEquals(2, during.get("inbox").get("failed").asInt());
    assertEquals(first.get("receivedAt").asLong(),
        during.get("inbox").get("oldestReceivedAt").asLong());
    assertTrue(during.get("inbox").get("oldestAgeMillis").asLong() >= 180_000, during.toString());
    assertEquals(0, during.get("outbox").get("count").asInt());

    sync.b().addPriority("Blocker");
    String retried = first.get("messageId").asText();
    JsonNode retry = read(send("retrier", "POST",
        "/connectors/PB/failedMessages/" + segment(retried) + "/retry", null));
    assertEquals(retried, retry.get("retried").asText());
    String skipped = failed.get(1).get("messageId").asText();
    assertEquals(403, send("retrier", "POST",
        "/connectors/PB/failedMessages/" + segment(skipped) + "/skip", null).statusCode());
    JsonNode skip = read(send("POST",
        "/connectors/PB/failedMessages/" + segment(skipped) + "/skip", null));
    assertEquals(skipped, skip.get("skipped").asText());
    sync.runUntilQuiet();

    assertEquals("Blocker", sync.b().value("PB-1", "priority").asText(), "retried: applied");
    assertEquals("High", sync.b().value("PB-2", "priority").asText(), "skipped: left as it was");
    assertEquals(0, read(send("GET", "/connectors/PB/failedMessages", null)).size());
    JsonNode after = read(send("GET", "/connectors/PB/status", null));
    assertEquals(0, after.get("inbox").get("count").asInt());
    assertEquals(0, after.get("inbox").get("failed").asInt());
    assertTrue(after.get("inbox").get("oldestAgeMillis").isNull());
  }

  @Test
  void retryAndSkipAreRefusedWithTheStatusThatSaysWhy() throws Exception {
    List<String> ids = givenTwoFailedMessages();
    String retry = "/connectors/PB/failedMessages/" + segment(ids.get(0)) + "/retry";

    assertEquals(403, send("viewer", "POST", retry, null).statusCode());
    assertEquals(403, send(null, "GET", "/connectors/PB/failedMessages", null).statusCode());
    assertEquals(403, send(null, "GET", "/connectors/PB/status", null).statusCode());
    HttpResponse<String> unknownParameter = send("POST", retry + "?force=true", null);
    assertEquals(400, unknownParameter.statusCode());
    assertTrue(unknownParameter.body().contains("refused: force"), unknownParameter.body());
    HttpResponse<String> withBody = send("POST", retry, "{\"force\": true}");
    assertEquals(400, withBody.statusCode());
    assertTrue(withBody.body().contains("takes no body"), withBody.body());
    assertEquals(400, send("GET", "/connectors/PB/status?verbose=1", null).statusCode());
    assertEquals(400, send("GET", "/connectors/PB/failedMessages?limit=5", null).statusCode());
    HttpResponse<String> wrongMethod = send("GET", retry, null);
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
    HttpResponse<String> noSuch = send("POST",
        "/connectors/PB/failedMessages/no-such-message/skip", null);
    assertEquals(404, noSuch.statusCode());
    assertTrue(noSuch.body().contains("no failed message with id \\\"no-such-message\\\""),
        noSuch.body());
    assertEquals(404, send("GET", "/connectors/PX/status", null).statusCode());
    assertEquals(404, send("POST", "/connectors/PX/failedMessages/x/retry", null).statusCode());

    assertEquals(2, read(send("GET", "/connectors/PB/failedMessages", null)).size(),
        "nothing was retried or skipped");
    read(send("POST", retry, null));
    assertEquals(404, send("POST", retry, null).statusCode(), "pending again: not failed");
  }

  @Test
  void syncInformationExportedOverHttpReimportsUnchanged() throws Exception {
    String exported = send("GET", "/connectors/PA/syncInformation", null).body();
    JsonNode rows = json.readTree(exported);
    assertEquals(2, rows.size());
    assertEquals("{\"deleted\":2}", send("DELETE", "/connectors/PA/syncInformation", null).body());

    HttpResponse<String> imported = send("POST", "/connectors/PA/syncInformation", exported);

    assertEquals("{\"imported\":2}", imported.body());
    JsonNode again = read(send("GET", "/connectors/PA/syncInformation", null));
    for (int i = 0; i < 2; i++) {
      com.fasterxml.jackson.databind.node.ObjectNode was =
          (com.fasterxml.jackson.databind.node.ObjectNode) rows.get(i).deepCopy();
      com.fasterxml.jackson.databind.node.ObjectNode is =
          (com.fasterxml.jackson.databind.node.ObjectNode) again.get(i).deepCopy();
      was.remove("id");
      is.remove("id");
      assertEquals(was, is, "every field but the store's id survives the round trip");
    }
    HttpResponse<String> otherConnector = send("POST", "/connectors/PB/syncInformation",
        "[{\"id\": 7, \"connectorKey\": \"PA\", \"localIssueKey\": \"PB-9\","
            + " \"remoteIssueKey\": \"PA-9\"}]");
    assertEquals(400, otherConnector.statusCode());
    assertTrue(otherConnector.body().contains("\"path\":\"$[0].connectorKey\""),
        otherConnector.body());
    assertEquals(403, send("viewer", "POST", "/connectors/PA/syncInformation", exported)
        .statusCode());
  }
}
