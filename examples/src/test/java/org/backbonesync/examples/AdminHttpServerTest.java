package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every admin endpoint over real HTTP on 127.0.0.1, as a script written for the original would call it. */
class AdminHttpServerTest {
  private static final String BASE = "/rest/backbone/1.0";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final ManualExecutor tasks = new ManualExecutor();
  private SyncTestDriver sync;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> caller != null).build();
    server = AdminHttpServer.start(new SyncAdminHandler(admin), 0, BASE);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.getAddress().getPort() + BASE + path))
        .header("X-Remote-User", "admin")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json"); // else refused with 415
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void synchronizationsAndSyncInformationAreServed() throws Exception {
    HttpResponse<String> list = send("GET", "/synchronizations", null);
    HttpResponse<String> config = send("GET", "/synchronizations/sync-pa-pb", null);
    HttpResponse<String> rows = send("GET", "/connectors/PA/syncInformation?localIssueKey=PA-2",
        null);

    assertEquals(200, list.statusCode());
    assertEquals("application/json; charset=utf-8",
        list.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("PB", json.readTree(list.body()).get(0).get("connectorB").get("key").asText());
    assertEquals("sync-pa-pb", json.readTree(config.body()).get("id").asText());
    JsonNode row = json.readTree(rows.body()).get(0);
    assertEquals("PA-2", row.get("localIssueKey").asText());
    assertEquals("PB-2", row.get("remoteIssueKey").asText());
  }

  @Test
  void aResyncIsStartedFollowedAndCancelledOverHttp() throws Exception {
    HttpResponse<String> started = send("POST", "/connectors/PA/resync",
        "{\"jql\": \"issuetype = Task\", \"fieldMappings\": [\"map-summary\"]}");
    String id = json.readTree(started.body()).get("id").asText();
    assertEquals(200, started.statusCode(), started.body());
    assertEquals(0, json.readTree(started.body()).get("progress").asInt());

    tasks.runAll();
    JsonNode done = json.readTree(send("GET", "/async-tasks/" + id, null).body());
    assertTrue(done.get("finished").asBoolean());
    assertEquals(2, done.get("result").get("issues").asInt());
    assertEquals(200, send("DELETE", "/async-tasks/" + id, null).statusCode());
  }

  @Test
  void anImportPairsIssuesAndOneEntryCanBeDeleted() throws Exception {
    sync.a("alice").create("Made by hand in PA");
    sync.b("bob").create("Made by hand in PB");

    HttpResponse<String> imported = send("POST", "/connectors/PA/syncInformation",
        "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\", \"firstSyncDate\": 5}]");
    JsonNode row = json.readTree(send("GET", "/connectors/PA/syncInformation?remoteIssueKey=PB-3",
        null).body()).get(0);
    HttpResponse<String> deleted = send("DELETE",
        "/connectors/PA/syncInformation?syncInfoId=" + row.get("id").asLong(), null);

    assertEquals("{\"imported\":1}", imported.body());
    assertEquals(5, row.get("firstSyncDate").asLong());
    assertEquals("{\"deleted\":1}", deleted.body());
    assertEquals("[]", send("GET", "/connectors/PA/syncInformation?remoteIssueKey=PB-3", null)
        .body());
  }

  @Test
  void importAndDeleteWorkAndMistakesAreRefusedWithTheirStatus() throws Exception {
    sync.a("alice").create("Made by hand in PA");
    HttpResponse<String> refused = send("POST", "/connectors/PA/syncInformation",
        "[{\"localIssueKey\": \"PA-3\"}]");
    HttpResponse<String> malformed = send("POST", "/connectors/PA/syncInformation", "[{");
    HttpResponse<String> unknown = send("GET", "/connectors/NOPE/syncInformation", null);
    HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.getAddress().getPort() + BASE + "/synchronizations")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> deleted = send("DELETE", "/connectors/PB/syncInformation", null);

    assertEquals(400, refused.statusCode());
    assertEquals("$[0].remoteIssueKey",
        json.readTree(refused.body()).get("problems").get(0).get("path").asText());
    assertEquals(400, malformed.statusCode());
    assertTrue(json.readTree(malformed.body()).get("error").asText().startsWith(
        "malformed JSON at line 1, column 3"), malformed.body());
    assertEquals(404, unknown.statusCode());
    assertEquals(403, anonymous.statusCode());
    assertEquals("{\"deleted\":2}", deleted.body());
  }
}
