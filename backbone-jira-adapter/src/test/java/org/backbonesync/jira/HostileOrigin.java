package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assertions;

/**
 * A web origin on 127.0.0.1 that a test scripts to answer as a hostile or broken Jira would (a
 * redirect elsewhere, a body too large, ids missing), or that plays "the other origin" a
 * redirect points to. Records every request with the Authorization header it carried, so a
 * test can show what reached it. Plain http or https with a self-signed certificate for
 * 127.0.0.1 that {@link #client()} trusts. Close it.
 */
final class HostileOrigin implements AutoCloseable {
  /** A request as it arrived. */
  record Request(String method, String path, String query, String authorization) {}

  /** What to answer: a status, headers and a body (null: none). */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer json(int status, String body) {
      return new Answer(status, Map.of("Content-Type", "application/json;charset=UTF-8"),
          body.getBytes(StandardCharsets.UTF_8));
    }

    static Answer json(String body) {
      return json(200, body);
    }

    /** A redirect; {@code location} null sends none. */
    static Answer redirect(int status, String location) {
      return new Answer(status, location == null ? Map.of() : Map.of("Location", location), null);
    }

    static Answer bytes(String contentType, byte[] body) {
      return new Answer(200, Map.of("Content-Type", contentType), body);
    }
  }

  private static SSLContext tls;

  private final HttpServer server;
  private final String scheme;
  private final Map<String, Function<Request, Answer>> routes = new LinkedHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private HostileOrigin(boolean https) {
    try {
      InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      if (https) {
        HttpsServer s = HttpsServer.create(any, 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls()));
        server = s;
      } else {
        server = HttpServer.create(any, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.scheme = https ? "https" : "http";
    server.createContext("/", this::handle);
    server.start();
  }

  static HostileOrigin http() {
    return new HostileOrigin(false);
  }

  static HostileOrigin https() {
    return new HostileOrigin(true);
  }

  /** Answers requests with this method and exact path. */
  HostileOrigin on(String method, String path, Answer answer) {
    return on(method, path, r -> answer);
  }

  /** Answers requests with this method and exact path as the function says. */
  synchronized HostileOrigin on(String method, String path, Function<Request, Answer> answer) {
    routes.put(method + " " + path, answer);
    return this;
  }

  /** What a Server site needs before it reads issues: the sync user, the fields, project PA. */
  HostileOrigin serverBasics() {
    return on("GET", "/rest/api/2/myself", Answer.json("{\"name\":\"sync\","
            + "\"timeZone\":\"UTC\"}"))
        .on("GET", "/rest/api/2/field", Answer.json("[{\"id\":\"summary\",\"name\":\"Summary\","
            + "\"schema\":{\"type\":\"string\"}}]"))
        .on("GET", "/rest/api/2/project/PA", Answer.json("{\"key\":\"PA\",\"issueTypes\":"
            + "[{\"id\":\"3\",\"name\":\"Task\"}]}"));
  }

  /** What a Cloud site needs before it reads issues: the sync user and the fields. */
  HostileOrigin cloudBasics() {
    return on("GET", "/rest/api/3/myself", Answer.json("{\"accountId\":\"5b10\","
            + "\"timeZone\":\"UTC\"}"))
        .on("GET", "/rest/api/3/field", Answer.json("[{\"id\":\"summary\",\"name\":"
            + "\"Summary\",\"schema\":{\"type\":\"string\"}}]"));
  }

  /**
   * A site on this origin that never waits or retries: each hostile answer is seen once, and a
   * wait asked for fails the test.
   */
  JiraSite.Builder siteNeverWaiting(JiraFlavour flavour, String email, String secret) {
    return JiraSite.builder(url()).flavour(flavour)
        .credentials(flavour == JiraFlavour.CLOUD ? JiraCredentials.apiToken(email, secret)
            : JiraCredentials.personalAccessToken(secret))
        .httpClient(client())
        .requestsPerSecond(0)
        .maxAttempts(1)
        .timeout(Duration.ofSeconds(10))
        .sleeper(wait -> Assertions.fail("asked to wait " + wait));
  }

  /** {@code scheme://127.0.0.1:port}. */
  URI url() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The URL of a path on this origin, as a string for a Location header. */
  String url(String path) {
    return url() + path;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests came with this method and path. */
  long requests(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path))
        .count();
  }

  /** The requests that were not GETs: what could have changed something. */
  List<Request> writes() {
    return requests.stream().filter(r -> !r.method().equals("GET")).toList();
  }

  /** The Authorization headers this origin received, in order (requests without one left out). */
  List<String> credentialsSeen() {
    return requests.stream().map(Request::authorization).filter(a -> a != null).toList();
  }

  /**
   * An HTTP client that trusts this class's certificate and follows no redirect, as the
   * adapter requires.
   */
  static HttpClient client() {
    return HttpClient.newBuilder().sslContext(tls()).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      URI uri = exchange.getRequestURI();
      Request request = new Request(exchange.getRequestMethod(), uri.getPath(),
          uri.getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"));
      requests.add(request);
      Function<Request, Answer> route;
      synchronized (this) {
        route = routes.get(request.method() + " " + request.path());
      }
      Answer answer = route == null
          ? Answer.json(404, "{\"errorMessages\":[\"nothing at " + request.path() + "\"]}")
          : route.apply(request);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      byte[] body = answer.body();
      if (body == null || body.length == 0) {
        exchange.sendResponseHeaders(answer.status(), -1);
        return;
      }
      // 0: chunked, so a body's size shows only as it is read
      boolean chunked = answer.headers().containsKey("X-Chunked");
      exchange.sendResponseHeaders(answer.status(), chunked ? 0 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      } catch (IOException e) {
        // the client stopped reading: what a refusal of a large body looks like from here
      }
    }
  }

  /**
   * A TLS context with a fresh self-signed certificate for 127.0.0.1 and localhost, made once
   * per run by the JDK's keytool (no key is kept in the repository), trusted by itself.
   */
  private static synchronized SSLContext tls() {
    if (tls == null) {
      try {
        Path dir = Files.createTempDirectory("hostile-origin");
        Path store = dir.resolve("localhost.p12");
        char[] pass = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
            "keytool").toString(), "-genkeypair", "-alias", "localhost", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext",
            "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
          fail("keytool could not make a test certificate: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          keys.load(in, pass);
        }
        Files.delete(store);
        Files.delete(dir);
        KeyManagerFactory km = KeyManagerFactory.getInstance(
            KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, pass);
        TrustManagerFactory tm = TrustManagerFactory.getInstance(
            TrustManagerFactory.getDefaultAlgorithm());
        tm.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
        tls = context;
      } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot make the test TLS context", e);
      }
    }
    return tls;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
