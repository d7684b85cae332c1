package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's cross-origin post, as a page on another site sends it with the operator's cookies:
 * {@code text/plain}, a form or multipart, which need no CORS preflight. The HTTP form of the
 * handler takes a body only as {@code application/json} in UTF-8, refuses anything else with 415
 * naming the type received, and then changes nothing: no row, no task, no flag.
 */
class SyncAdminHandlerContentTypeTest {
  private static final String ROWS = "/connectors/PA/syncInformation";
  private static final String RESYNC = "/connectors/PA/resync";
  private static final String IMPORT_PA3 =
      "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\"}]";
  private final ObjectMapper json = new ObjectMapper();
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .engine(e -> e.taskExecutor(tasks)).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(SyncAdmin.builder()
      .engine(sync.engine()).authorizer(AdminAuthorizer.allowAll()).build());

  /** What a refused request may not change. */
  private record State(List<SyncInfo> a, List<SyncInfo> b, int pendingTasks) {}

  private State state() {
    return new State(sync.syncInfoA(), sync.syncInfoB(), tasks.pending());
  }

  @BeforeEach
  void givenASyncedPairAndAnIssueMadeByHandOnEachSide() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").create("Made by hand in PA"); // PA-2
    sync.a("alice").create("Made by hand in PA too"); // PA-3
    sync.b("bob").create("Made by hand in PB"); // PB-2
    sync.b("bob").create("Made by hand in PB too"); // PB-3
  }

  private AdminResponse post(String method, String path, String contentType, String body) {
    return handler.handle(new AdminRequest(method, path, Map.of(), null, "admin"), contentType,
        body == null ? null : new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The three routes that read a body, each with a body it would take as JSON. */
  private List<String[]> bodyRoutes() {
    String ignore = ROWS + "/" + sync.syncInfoA().get(0).id() + "/incomingChangesIgnored";
    return List.of(new String[] {"POST", RESYNC, "{}"},
        new String[] {"POST", ROWS, IMPORT_PA3},
        new String[] {"PUT", ignore, "{\"incomingChangesIgnored\": true}"});
  }

  private void assertRefused(String contentType, String was) throws Exception {
    for (String[] route : bodyRoutes()) {
      State before = state();

      AdminResponse refused = post(route[0], route[1], contentType, route[2]);

      String routeName = route[0] + " /" + (route[1].endsWith("resync")
          ? "connectors/{connectorKey}/resync" : route[1].endsWith("Ignored")
              ? "connectors/{connectorKey}/syncInformation/{syncInfoId}/incomingChangesIgnored"
              : "connectors/{connectorKey}/syncInformation");
      JsonNode body = json.readTree(refused.body());
      assertEquals(415, refused.status(), contentType + ": " + refused.body());
      assertEquals(routeName + " takes a JSON body: Content-Type must be application/json, was "
          + was, body.get("error").asText());
      assertEquals("Content-Type", body.get("problems").get(0).get("path").asText());
      assertEquals("must be application/json (UTF-8), was " + was,
          body.get("problems").get(0).get("message").asText());
      assertEquals("application/json; charset=utf-8", refused.headers().get("Content-Type"));
      assertEquals(before, state(), "nothing written for " + contentType);
    }
  }

  @Test
  void aBodyABrowserCanPostAnywhereIsRefusedAndChangesNothing() throws Exception {
    for (String type : List.of("text/plain", "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x")) {
      assertRefused(type, "\"" + type + "\"");
    }
  }

  @Test
  void otherTypesThatLookLikeJsonAreRefused() throws Exception {
    for (String type : List.of("text/json", "application/jsonp", "application/json-patch+json",
        "application/merge-patch+json", "", "application/json, text/plain")) {
      assertRefused(type, "\"" + type + "\"");
    }
  }

  @Test
  void aBodyWithoutContentTypeIsRefused() throws Exception {
    assertRefused(null, "none (no Content-Type header)");
  }

  @Test
  void jsonInAnotherCharsetIsRefusedAsTheBodyIsReadAsUtf8() throws Exception {
    for (String type : List.of("application/json; charset=iso-8859-1",
        "application/json; charset=utf-16", "application/json;charset=\"UTF-16LE\"")) {
      assertRefused(type, json.writeValueAsString(type) + " (the body is read as UTF-8 only)");
    }
    assertRefused("application/json; charset=utf-8; charset=latin1",
        "\"application/json; charset=utf-8; charset=latin1\" (charset given twice)");
    for (String type : List.of("application/json; charset", "application/json; =utf-8",
        "application/json; charset=\"utf-8", "application/json; charset=\"utf-8\"x",
        // two headers joined by the host (helper-105: taken as one parameter's value before)
        "application/json; x=1, text/plain", "application/json; charset=utf-8, text/plain")) {
      assertRefused(type, json.writeValueAsString(type) + " (its parameters are malformed)");
    }
  }

  @Test
  void jsonIsTakenInAnyCaseWithUtf8OrOtherParameters() throws Exception {
    List<String> types = List.of("application/json", "application/json; charset=utf-8",
        "APPLICATION/JSON", "Application/Json;Charset=UTF-8", "application/json ;charset=\"utf-8\"",
        "application/json; charset=utf-8;", "application/json; version=2",
        "application/json; charset=utf8", "application/json; x=\"a, b\"");
    for (String type : types) {
      assertEquals(200, post("POST", RESYNC, type, "{}").status(), type);
    }

    AdminResponse imported = post("POST", ROWS, "application/json; charset=UTF-8", IMPORT_PA3);

    assertEquals(types.size(), tasks.pending(), "a resync task for each");
    assertEquals("{\"imported\":1}", imported.body());
  }

  @Test
  void aRouteWithoutABodyDoesNotLookAtTheContentType() throws Exception {
    AdminResponse rows = post("GET", ROWS, "text/plain", null);
    AdminResponse rebuild = post("POST", ROWS + "/rebuild", "application/x-www-form-urlencoded",
        "");

    assertEquals(200, rows.status(), rows.body());
    assertEquals(200, rebuild.status(), rebuild.body());
  }

  /**
   * The in-process forms receive no header (an {@link AdminRequest} carries none), so they judge
   * none; the same request through the HTTP form without a Content-Type is refused.
   */
  @Test
  void aBodyHandedOverInJavaIsNotAskedForAContentType() throws Exception {
    AdminResponse overHttp = post("POST", ROWS, null, IMPORT_PA3);
    AdminResponse imported = handler.handle(new AdminRequest("POST", ROWS, Map.of(), IMPORT_PA3,
        "admin"));
    AdminResponse streamed = handler.handle(new AdminRequest("POST", ROWS, Map.of(), null,
        "admin"), new ByteArrayInputStream(
            "[{\"localIssueKey\": \"PA-2\", \"remoteIssueKey\": \"PB-2\"}]"
                .getBytes(StandardCharsets.UTF_8)));

    assertEquals(415, overHttp.status(), overHttp.body());
    assertEquals("{\"imported\":1}", imported.body());
    assertEquals("{\"imported\":1}", streamed.body());
    assertEquals(3, sync.syncInfoA().size(), "PA-1, then PA-3 and PA-2 imported in Java");
  }
}
