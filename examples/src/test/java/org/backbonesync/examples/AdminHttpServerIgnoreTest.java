package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.backbonesync.core.AdminOperation;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator unlinks a pair (its row ignores the partner's changes) and links it again over real
 * HTTP; refused requests name what is wrong and change nothing; a pair whose issue was deleted
 * shows as unlinked, with nothing failed.
 */
class AdminHttpServerIgnoreTest {
  private static final String BASE = "/rest/backbone/1.0";
  private final ObjectMapper json = new ObjectMapper();
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    // "viewer" may read the rows but not change them.
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> "admin".equals(caller)
            || "viewer".equals(caller) && op == AdminOperation.READ_SYNC_INFORMATION)
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

  private long rowOfPb1() {
    return sync.syncInfoB().get(0).id();
  }

  private static String ignorePath(Object id) {
    return "/connectors/PB/syncInformation/" + id + "/incomingChangesIgnored";
  }

  private JsonNode rows() throws Exception {
    HttpResponse<String> got = send("viewer", "GET", "/connectors/PB/syncInformation", null);
    assertEquals(200, got.statusCode(), got.body());
    return json.readTree(got.body());
  }

  @Test
  void anUnlinkedPairTakesNothingFromThePartnerUntilLinkedAgain() throws Exception {
    HttpResponse<String> unlink = send("admin", "PUT", ignorePath(rowOfPb1()),
        "{\"incomingChangesIgnored\": true}");
    assertEquals(200, unlink.statusCode(), unlink.body());
    JsonNode row = json.readTree(unlink.body());
    assertEquals("PB-1", row.get("localIssueKey").asText());
    assertTrue(row.get("incomingChangesIgnored").asBoolean());

    sync.a("alice").edit("PA-1", "summary", "not wanted on B");
    sync.runUntilQuiet();
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());

    sync.advance(Duration.ofSeconds(1));
    HttpResponse<String> link = send("admin", "PUT", ignorePath(rowOfPb1()),
        "{\"incomingChangesIgnored\": false}");
    assertEquals(200, link.statusCode(), link.body());
    sync.runUntilQuiet();
    assertFalse(rows().get(0).get("incomingChangesIgnored").asBoolean());
    assertEquals("not wanted on B", sync.b().value("PB-1", "summary").asText(),
        "what was ignored comes back");
  }

  @Test
  void refusalsSayWhyAndChangeNothing() throws Exception {
    long id = rowOfPb1();
    List<SyncInfo> before = sync.syncInfoB();
    record Refused(String caller, String path, String body, int status, String says) {}
    List<Refused> cases = List.of(
        new Refused("admin", ignorePath(id), "{\"ignored\": true}", 400,
            "\"path\":\"$.ignored\""),
        new Refused("admin", ignorePath(id), "{\"incomingChangesIgnored\": 1}", 400,
            "\"path\":\"$.incomingChangesIgnored\""),
        new Refused("admin", ignorePath(id) + "?force=true", "{\"incomingChangesIgnored\": true}",
            400, "refused: force"),
        new Refused("admin", ignorePath("PB-1"), "{\"incomingChangesIgnored\": true}", 400,
            "syncInfoId must be a whole number from 0 to 9223372036854775807, was \\\"PB-1\\\""),
        new Refused("admin", ignorePath(999_999), "{\"incomingChangesIgnored\": true}", 404,
            "no sync information with id 999999"),
        new Refused("admin", "/connectors/PX/syncInformation/" + id + "/incomingChangesIgnored",
            "{\"incomingChangesIgnored\": true}", 404, "no connector with key \\\"PX\\\""),
        new Refused("viewer", ignorePath(id), "{\"incomingChangesIgnored\": true}", 403,
            "may not IGNORE_INCOMING_CHANGES"),
        new Refused(null, ignorePath(id), "{\"incomingChangesIgnored\": true}", 403,
            "(anonymous) may not IGNORE_INCOMING_CHANGES"));
    for (Refused r : cases) {
      HttpResponse<String> response = send(r.caller(), "PUT", r.path(), r.body());
      assertEquals(r.status(), response.statusCode(), r + " -> " + response.body());
      assertTrue(response.body().contains(r.says()), r + " -> " + response.body());
    }
    assertEquals(before, sync.syncInfoB(), "no refused request changed a row");
  }

  @Test
  void aPairWhoseIssueWasDeletedShowsUnlinkedWithNothingFailed() throws Exception {
    sync.b("bob").delete("PB-1");
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertTrue(rows().get(0).get("incomingChangesIgnored").asBoolean());
    HttpResponse<String> failed = send("admin", "GET", "/connectors/PB/failedMessages", null);
    assertEquals(200, failed.statusCode(), failed.body());
    assertEquals(0, json.readTree(failed.body()).size(), failed.body());
  }
}
