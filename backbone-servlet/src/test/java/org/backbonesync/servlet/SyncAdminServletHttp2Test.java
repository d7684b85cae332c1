package org.backbonesync.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.SyncTestDriver;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cross-origin check where the request's host is not a {@code Host} header: over HTTP/2
 * (h2c; Jetty shows none, the host is {@code :authority}) and behind a proxy whose forwarded
 * host the container reads. helper-107 found both refused a browser's same-origin change.
 */
class SyncAdminServletHttp2Test {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final Server server = new Server();
  private int port;

  @BeforeEach
  void start() throws Exception {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    SyncAdminHandler handler = SyncAdminHandler.builder(SyncAdmin.builder()
        .engine(sync.engine()).authorizer((caller, op, key) -> true).build()).build();
    HttpConfiguration config = new HttpConfiguration();
    config.addCustomizer(new ForwardedRequestCustomizer());
    ServerConnector connector = new ServerConnector(server,
        new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/host");
    context.addServlet(new ServletHolder(new SyncAdminServlet(handler, r -> "admin")),
        "/admin/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpResponse<String> delete(HttpClient client, String origin, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/host/admin/connectors/PA/syncInformation?syncInfoId="
        + sync.syncInfoA().get(0).id())).header("Origin", origin).DELETE();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void overHttp2AChangeFromTheOwnOriginPassesAndAnotherSitesIsRefused() throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    h2.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/host/admin/synchronizations")).build(), HttpResponse.BodyHandlers.ofString());

    HttpResponse<String> foreign = delete(h2, "https://evil.example");
    assertEquals(HttpClient.Version.HTTP_2, foreign.version());
    assertEquals(403, foreign.statusCode(), foreign.body());
    assertEquals(2, sync.syncInfoA().size());

    HttpResponse<String> own = delete(h2, "http://127.0.0.1:" + port);
    assertEquals(HttpClient.Version.HTTP_2, own.version());
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(1, sync.syncInfoA().size());
  }

  @Test
  void behindAProxyTheForwardedHostTheContainerReadsIsTheOwnOrigin() throws Exception {
    HttpResponse<String> own = delete(HttpClient.newHttpClient(), "https://admin.example",
        "X-Forwarded-Host", "admin.example", "X-Forwarded-Proto", "https");

    assertEquals(200, own.statusCode(), own.body());
    assertEquals(1, sync.syncInfoA().size());
  }
}
