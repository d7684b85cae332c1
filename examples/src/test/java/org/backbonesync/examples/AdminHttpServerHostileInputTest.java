package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests over real HTTP: the binding streams the body into the handler's cap and
 * passes every value of the query, and each request is refused with nothing changed.
 */
class AdminHttpServerHostileInputTest {
  private static final String BASE = "/rest/backbone/1.0";
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private SyncTestDriver sync;
  private HttpServer server;
  private List<SyncInfo> rows;

  @BeforeEach
  void start() throws Exception {
    sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(new ManualExecutor())).build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    sync.a("alice").create("Made by hand in PA");
    sync.b("bob").create("Made by hand in PB");
    rows = sync.syncInfoA();
    SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, op, key) -> caller != null).build();
    server = AdminHttpServer.start(new SyncAdminHandler(admin), 0, BASE);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpResponse<String> send(String method, String pathAndQuery, byte[] body)
      throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.getAddress().getPort() + BASE + pathAndQuery))
        .header("X-Remote-User", "admin")
        .header("Content-Type", "application/json") // without it a body is refused (415)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String error(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body()).get("error").asText();
  }

  /** As a page on another site makes the operator's browser send it, through a cookie proxy. */
  @Test
  void aChangeABrowserSendsFromAnotherSiteIsRefusedAndDeletesNothing() throws Exception {
    HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + server.getAddress().getPort() + BASE
            + "/connectors/PA/syncInformation?syncInfoId=" + rows.get(0).id()))
        .header("X-Remote-User", "admin").header("Origin", "https://evil.example")
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals("a cross-origin DELETE is refused: Origin \"https://evil.example\" is not this"
        + " server's (Host \"127.0.0.1:" + server.getAddress().getPort() + "\"); an admin page"
        + " served from another origin is named as a trusted origin", error(refused));
    assertEquals(rows.size(), sync.syncInfoA().size());
  }

  @Test
  void misspeltAndRepeatedDeleteParametersDeleteNothing() throws Exception {
    for (String query : List.of("?syncinfoid=1", "?id=1", "?localIssueKey=PA-1",
        "?syncInfoId=1&syncInfoId=2", "?syncInfoId=1&&x", "?syncInfoId", "?syncInfoId=1%20",
        "?%73yncInfoId=1&syncInfoId=2")) {
      HttpResponse<String> response = send("DELETE", "/connectors/PA/syncInformation" + query,
          null);

      assertEquals(400, response.statusCode(), query + " " + response.body());
      assertTrue(error(response).startsWith("DELETE /connectors/{connectorKey}/syncInformation"
          + " takes only the query parameters syncInfoId, each at most once; refused: ")
          || error(response).startsWith("?syncInfoId must be a whole number from 0 to"),
          response.body());
      assertEquals(rows, sync.syncInfoA(), query);
    }
  }

  /** A second type after JSON's (a proxy adding one, a client's mistake) is not JSON's. */
  @Test
  void aBodyUnderTwoContentTypesIsRefusedAndImportsNothing() throws Exception {
    HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + server.getAddress().getPort() + BASE
            + "/connectors/PA/syncInformation"))
        .header("X-Remote-User", "admin")
        .header("Content-Type", "application/json").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(
            "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\"}]")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(415, refused.statusCode(), refused.body());
    assertTrue(error(refused).contains("was \"application/json, text/plain\""), refused.body());
    assertEquals(rows, sync.syncInfoA());
  }

  @Test
  void aBodyOverTheCapIsAnswered413AfterReadingOnlyTheCap() throws Exception {
    int cap = SyncAdminHandler.DEFAULT_MAX_BODY_BYTES;
    try (Socket socket = new Socket("127.0.0.1", server.getAddress().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + BASE + "/connectors/PA/syncInformation HTTP/1.1\r\nHost: x\r\n"
          + "X-Remote-User: admin\r\nContent-Type: application/json\r\n"
          + "Content-Length: 52428800\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write('[');
      out.write(new byte[cap]); // 50 MB announced, the cap and one byte sent
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);

      assertEquals("HTTP/1.1 413", answer);
    }
    assertEquals(rows, sync.syncInfoA());
    assertEquals(200, send("GET", "/synchronizations", null).statusCode(), "still serving");
  }

  @Test
  void duplicateKeysBadUtf8AndUnknownMethodsAreRefused() throws Exception {
    HttpResponse<String> duplicate = send("POST", "/connectors/PA/syncInformation",
        "[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\", \"localIssueKey\": \"PA-1\"}]"
            .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> notUtf8 = send("POST", "/connectors/PA/syncInformation",
        new byte[] {'[', '"', (byte) 0xFF, '"', ']'});
    HttpResponse<String> head = send("HEAD", "/connectors/PA/syncInformation", null);
    HttpResponse<String> trace = send("TRACE", "/connectors/PA/syncInformation", null);

    assertEquals(400, duplicate.statusCode());
    assertEquals("malformed JSON at line 1, column 69: Duplicate field 'localIssueKey'",
        error(duplicate));
    assertEquals(400, notUtf8.statusCode());
    assertEquals("the request body is not UTF-8", error(notUtf8));
    assertEquals(200, head.statusCode(), "HEAD is GET without the body");
    assertEquals("", head.body());
    assertEquals(405, trace.statusCode());
    assertEquals("GET, HEAD, POST, DELETE", trace.headers().firstValue("Allow").orElseThrow());
    assertEquals(rows, sync.syncInfoA());
  }
}
