package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.backbonesync.jira.internal.JiraAnswers;

/**
 * A Jira site for a test that answers with the project's own Jira answers ({@link JiraAnswers}),
 * shaped like MockWebServer with a dispatcher: each request gets the answer of the first route
 * matching its method, its path and, where pages differ, one query parameter; anything else gets
 * a 404 naming the request. Records every request. Runs on 127.0.0.1 with the JDK's HTTP server;
 * close it after the test.
 */
final class CannedJira implements AutoCloseable {
  /** A request as it arrived: method, path, and query parameters decoded. */
  record Request(String method, String path, Map<String, String> query) {}

  /** What answers a request; {@code value} null means the parameter must be absent. */
  private record Route(String method, String path, String parameter, String value, int status,
      String answer) {
    boolean matches(Request r) {
      return method.equals(r.method()) && path.equals(r.path()) && (parameter == null
          || (value == null ? !r.query().containsKey(parameter)
              : value.equals(r.query().get(parameter))));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private CannedJira() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a site with no routes yet. */
  static CannedJira start() {
    return new CannedJira();
  }

  /** Answers {@code method path} with an answer file, e.g. {@code "server/issue.json"}. */
  CannedJira answer(String method, String path, String answer) {
    return route(new Route(method, path, null, null, 200, answer));
  }

  /**
   * Answers {@code method path} with an answer file when the query parameter has this value
   * (null: when the request does not carry it), for the pages of one resource.
   */
  CannedJira answer(String method, String path, String parameter, String value, String answer) {
    return route(new Route(method, path, parameter, value, 200, answer));
  }

  /** Refuses {@code method path} with a status and an answer file (null for an empty body). */
  CannedJira refuse(String method, String path, int status, String answer) {
    return route(new Route(method, path, null, null, status, answer));
  }

  private CannedJira route(Route route) {
    routes.add(route);
    return this;
  }

  /** The requests so far, oldest first. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests so far with this method and path. */
  List<Request> requests(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * A site reaching this server as the sync user; {@code flavour} null lets the site detect it.
   * It never waits: a retry would fail the test, since canned answers do not change.
   */
  JiraSite site(JiraFlavour flavour) {
    JiraSite.Builder b = JiraSite.builder(url())
        .credentials(JiraCredentials.personalAccessToken("canned-token"))
        .clock(Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC))
        .sleeper(d -> fail("asked to wait " + d + " for a canned answer"))
        .requestsPerSecond(0)
        .maxAttempts(1)
        .timeout(Duration.ofSeconds(10))
        .random(new Random(1));
    if (flavour != null) {
      b.flavour(flavour);
    }
    return b.build();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.readAllBytes(); // an upload's body, read before answering
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          query(exchange.getRequestURI().getRawQuery()));
      requests.add(request);
      Route route = routes.stream().filter(r -> r.matches(request)).findFirst().orElse(null);
      int status;
      byte[] body;
      if (route == null) {
        status = 404;
        body = errorBody("no canned answer for " + request.method() + " " + request.path());
      } else {
        status = route.status();
        try {
          body = route.answer() == null ? new byte[0] : JiraAnswers.bytes(route.answer());
        } catch (AssertionError | RuntimeException e) {
          status = 500;
          body = errorBody("canned answer unreadable: " + e.getMessage());
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static byte[] errorBody(String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("errorMessages").add(message);
    body.putObject("errors");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        out.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
