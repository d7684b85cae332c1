package org.backbonesync.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.CrossOriginPolicy;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API in a servlet container, over real HTTP, as an operator's script calls it. */
class SyncAdminServletTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync =
      SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
  private Container container;

  @BeforeEach
  void start() throws Exception {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> "admin".equals(caller)).build();
    SyncAdminHandler handler = SyncAdminHandler.builder(admin).maxBodyBytes(1024).build();
    container = new Container()
        // as behind an authenticating proxy that sets the header
        .serve("/admin/*", new SyncAdminServlet(handler, r -> r.getHeader("X-Remote-User")))
        // the container's own authentication: none here, so every caller is anonymous
        .serve("/secured/*", new SyncAdminServlet(handler))
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  /** As a script sends it: a body as {@code application/json}. */
  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body == null ? null : "application/json", body);
  }

  private HttpResponse<String> send(String method, String path, String contentType,
      String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(container.uri(path))
        .header("X-Remote-User", "admin")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void syncInformationIsReadImportedAndDeletedThroughTheContainer() throws Exception {
    sync.a("alice").create("Made by hand in PA");
    sync.b("bob").create("Made by hand in PB");

    HttpResponse<String> read = send("GET",
        "/admin/connectors/PA/syncInformation?localIssueKey=PA-2", null);
    HttpResponse<String> imported = send("POST", "/admin/connectors/PA/syncInformation",
        "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\"}]");
    JsonNode row = json.readTree(send("GET",
        "/admin/connectors/PA/syncInformation?remoteIssueKey=PB-3", null).body()).get(0);
    HttpResponse<String> deleted = send("DELETE",
        "/admin/connectors/PA/syncInformation?syncInfoId=" + row.get("id").asLong(), null);

    assertEquals(200, read.statusCode(), read.body());
    assertEquals("application/json;charset=utf-8", // Jetty drops the space
        read.headers().firstValue("Content-Type").orElseThrow().replace(" ", ""));
    assertEquals("PB-2", json.readTree(read.body()).get(0).get("remoteIssueKey").asText());
    assertEquals("{\"imported\":1}", imported.body());
    assertEquals("PA-3", row.get("localIssueKey").asText());
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals("{\"deleted\":1}", deleted.body());
    assertEquals(2, sync.syncInfoA().size());
  }

  @Test
  void anUnknownOrRepeatedParameterIsRefusedWith400NamingItAndDeletesNothing()
      throws Exception {
    HttpResponse<String> misspelt = send("DELETE",
        "/admin/connectors/PA/syncInformation?syncinfoid=1", null);
    HttpResponse<String> repeated = send("DELETE",
        "/admin/connectors/PA/syncInformation?syncInfoId=1&syncInfoId=2", null);

    assertEquals(400, misspelt.statusCode());
    assertTrue(misspelt.body().contains("unknown query parameter"), misspelt.body());
    assertTrue(misspelt.body().contains("syncinfoid"), misspelt.body());
    assertEquals(400, repeated.statusCode());
    assertTrue(repeated.body().contains("syncInfoId"), repeated.body());
    assertEquals(2, sync.syncInfoA().size(), "nothing deleted");
  }

  @Test
  void aPathTheContainerWouldCleanUpIsRefusedAndDeletesNothing() throws Exception {
    // helper-102: each reached the handler as .../syncInformation, the path that deletes every
    // row (a script's DELETE .../syncInformation/$ID with $ID left empty, for one)
    for (String path : List.of("/admin/connectors/PA/syncInformation/",
        "/admin/connectors/PA/syncInformation;x=1", "/admin/connectors/PA/syncInformation/.",
        "/admin/connectors/PA//syncInformation", "/admin/connectors/PA/syncInformation/%2e",
        "/admin/connectors/PA/x/../syncInformation")) {
      HttpResponse<String> refused = send("DELETE", path, null);

      assertTrue(refused.statusCode() == 404 || refused.statusCode() == 400,
          path + " answered " + refused.statusCode() + " " + refused.body());
      assertEquals(2, sync.syncInfoA().size(), path + " deleted rows: " + refused.body());
    }
    HttpResponse<String> trailing =
        send("DELETE", "/admin/connectors/PA/syncInformation/", null);
    assertEquals(404, trailing.statusCode(), trailing.body());
    assertTrue(trailing.body().contains("empty path segment"), trailing.body());
    HttpResponse<String> parameter =
        send("DELETE", "/admin/connectors/PA/syncInformation;x=1", null);
    assertEquals(404, parameter.statusCode(), parameter.body());
    assertTrue(parameter.body().contains("path parameter"), parameter.body());
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() throws Exception {
    String rows = "[" + "{\"localIssueKey\": \"PA-1\", \"remoteIssueKey\": \"PB-1\"},"
        .repeat(40) + "{}]";

    HttpResponse<String> refused = send("POST", "/admin/connectors/PA/syncInformation", rows);

    assertEquals(413, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("larger than 1024 bytes"), refused.body());
  }

  /**
   * A review found the admin API took JSON under any Content-Type: a page on another site could
   * post it as text or a form, which a browser sends with the container's session cookie and
   * without asking first (no CORS preflight).
   */
  @Test
  void aBodyIsImportedOnlyWhenSentAsJson() throws Exception {
    sync.a("alice").create("Made by hand in PA");
    sync.b("bob").create("Made by hand in PB");
    String rows = "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\"}]";

    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", null}) {
      HttpResponse<String> refused = send("POST", "/admin/connectors/PA/syncInformation", type,
          rows);

      assertEquals(415, refused.statusCode(), type + ": " + refused.body());
      assertTrue(refused.body().contains("Content-Type must be application/json, was "
          + (type == null ? "none" : "\\\"" + type + "\\\"")), refused.body());
      assertEquals(2, sync.syncInfoA().size(), "nothing imported as " + type);
    }
    HttpResponse<String> imported = send("POST", "/admin/connectors/PA/syncInformation",
        "Application/JSON; charset=UTF-8", rows);

    assertEquals("{\"imported\":1}", imported.body());
  }

  /**
   * Found by a review: a refused path was quoted and cut but not escaped, where the rest of the
   * admin API escapes what a client sent, so a quote, a line break or a bidi override (U+202E,
   * which turns the text after it around on a screen) went into the message as it came.
   */
  @Test
  void aRefusedPathIsShownEscapedAndCut() throws Exception {
    AdminException odd = assertThrows(AdminException.class, () -> SyncAdminServlet
        .refuseUnclean("/host/admin/PA\u202e\"\n\u0000\\/x;y"));
    AdminException huge = assertThrows(AdminException.class, () -> SyncAdminServlet
        .refuseUnclean("/host/" + "a".repeat(10_000) + "/;x"));
    // (Jetty answers a raw U+202E in the request line with its own 400; encoded, it passes)
    HttpResponse<String> overHttp = send("DELETE", "/admin/connectors/PA%E2%80%AE/"
        + "b".repeat(3_000) + ";x=1", null);

    assertEquals("no admin resource at \"/host/admin/PA\\u202e\\\"\\n\\u0000\\\\/x;y\": it has"
        + " a path parameter (\";\")", odd.getMessage());
    assertEquals("no admin resource at \"/host/" + "a".repeat(74) + "...\" (10009 characters):"
        + " it has a path parameter (\";\")", huge.getMessage());
    assertEquals(404, overHttp.statusCode(), overHttp.body());
    String error = json.readTree(overHttp.body()).get("error").asText();
    assertEquals("no admin resource at \"/host/admin/connectors/PA%E2%80%AE/" + "b".repeat(45)
        + "...\" (3039 characters): it has a path parameter (\";\")", error);
    assertEquals(2, sync.syncInfoA().size(), "nothing deleted");
  }

  @Test
  void anEncodedPathSegmentReachesTheHandlerDecodedOnce() throws Exception {
    HttpResponse<String> unknown = send("GET", "/admin/synchronizations/sync%20pa%2Bpb", null);
    HttpResponse<String> known = send("GET", "/admin/synchronizations/sync-pa-pb", null);

    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("sync pa+pb"), unknown.body());
    assertEquals(200, known.statusCode(), known.body());
    assertEquals("sync-pa-pb", json.readTree(known.body()).get("id").asText());
  }

  /** As an operator's browser sends it, with the session's credentials, and these headers. */
  private HttpResponse<String> fromBrowser(String method, String path, String... headers)
      throws Exception {
    return client.send(HttpRequest.newBuilder(container.uri(path)).header("X-Remote-User", "admin")
        .headers(headers).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String ownOrigin() {
    URI uri = container.uri("/");
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  /**
   * A page on another site makes the operator's browser post or delete with the container's
   * cookie: a bodyless POST needs no CORS preflight, so rebuild, retry and skip were reachable.
   */
  @Test
  void aChangeABrowserSendsFromAnotherSiteIsRefusedAndChangesNothing() throws Exception {
    String rows = "/admin/connectors/PA/syncInformation";
    List<String[]> foreign = List.of(
        new String[] {"Origin", "https://evil.example"},
        new String[] {"Origin", "null"},
        new String[] {"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"},
        new String[] {"Origin", ownOrigin(), "Sec-Fetch-Site", "same-site"},
        new String[] {"Sec-Fetch-Site", "cross-site"});
    for (String[] headers : foreign) {
      HttpResponse<String> refused = fromBrowser("DELETE", rows, headers);

      assertEquals(403, refused.statusCode(), List.of(headers) + ": " + refused.body());
      assertTrue(refused.body().contains("a cross-origin DELETE is refused"), refused.body());
      assertEquals(2, sync.syncInfoA().size(), List.of(headers) + " deleted rows");
    }
    HttpResponse<String> rebuild = fromBrowser("POST", rows + "/rebuild",
        "Origin", "https://evil.example");
    assertEquals(403, rebuild.statusCode(), rebuild.body());
    assertTrue(rebuild.body().contains("Origin \\\"https://evil.example\\\" is not this server's"),
        rebuild.body());
    assertEquals(0, tasks.pending(), "no rebuild started");
  }

  @Test
  void aChangeFromThisOriginAScriptOrATrustedOriginPasses() throws Exception {
    SyncAdminHandler handler = SyncAdminHandler.builder(SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> "admin".equals(caller)).build()).build();
    container.close();
    container = new Container()
        .serve("/admin/*", new SyncAdminServlet(handler, r -> r.getHeader("X-Remote-User")))
        .serve("/trusting/*", new SyncAdminServlet(handler, r -> r.getHeader("X-Remote-User"),
            CrossOriginPolicy.trusting(Set.of("https://Admin.Example:8443"))))
        .start();
    String rows = "/connectors/PA/syncInformation?syncInfoId=";
    List<Long> ids = sync.syncInfoA().stream().map(r -> r.id()).toList();

    assertEquals(200, fromBrowser("DELETE", "/admin" + rows + ids.get(0),
        "Origin", ownOrigin()).statusCode());
    assertEquals(200, fromBrowser("DELETE", "/trusting" + rows + ids.get(1),
        "Origin", "https://admin.example:8443", "Sec-Fetch-Site", "cross-site").statusCode());
    assertEquals(0, sync.syncInfoA().size());
    assertEquals(200, fromBrowser("GET", "/admin/synchronizations",
        "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site").statusCode(),
        "a read changes nothing (and the browser keeps its answer from the page)");
    assertEquals(200, fromBrowser("POST", "/admin/connectors/PA/syncInformation/rebuild",
        "Sec-Fetch-Site", "same-origin").statusCode());
    assertEquals(1, tasks.pending(), "the rebuild started");
  }

  @Test
  void aTrustedOriginThatIsNotAnOriginIsRefusedNamingIt() {
    for (String bad : List.of("admin.example", "https://admin.example/", "ftp://admin.example",
        "https://user@admin.example", "https://admin.example/path?q")) {
      IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class,
          () -> CrossOriginPolicy.trusting(Set.of(bad)));
      assertEquals("trustedOrigins: \"" + bad + "\" is not an origin: it must be scheme://host"
          + " or scheme://host:port (http or https), without a path, as a browser sends it in"
          + " Origin", refused.getMessage());
    }
  }

  @Test
  void withoutAUserPrincipalTheCallerIsAnonymousAndRefused() throws Exception {
    HttpResponse<String> anonymous = send("GET", "/secured/synchronizations", null);

    assertEquals(403, anonymous.statusCode(), anonymous.body());
  }
}
