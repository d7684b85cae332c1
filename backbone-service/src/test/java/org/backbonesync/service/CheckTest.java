package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.transport.EnvelopeSecurity;
import org.backbonesync.transport.HttpTransportHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check} against two fake sites, run in this JVM: its exit code and what it prints. */
class CheckTest {
  @TempDir Path dir;
  private FakeJiraServer cloud;
  private FakeJiraServer server;

  @BeforeEach
  void sites() {
    cloud = FakeJiraServer.builder(InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").build()).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", "cloud-token-4711").start();
    server = FakeJiraServer.builder(InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
        .syncUser("sync-b").build()).flavour(FakeJiraServer.Flavour.SERVER)
        .credential("sync-b", "server-pat-0815").start();
  }

  @AfterEach
  void stop() {
    cloud.close();
    server.close();
    partners.forEach(p -> p.stop(0));
  }

  /** Runs {@code --check} on the file; the exit code, then its standard output and error. */
  private static List<String> check(Path file, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = ServiceMain.run(new String[] {"--config", file.toString(), "--check"}, env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return List.of(String.valueOf(exit), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** Found by a trial (helper-79): {@code --check} said OK with the partner service down. */
  @Test
  void aPartnerServiceThatDoesNotAnswerIsASiteProblem() throws Exception {
    int gone;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      gone = free.getLocalPort();
    }
    Path file = dir.resolve("sync.json");
    Files.writeString(file, PartnerFile.json(cloud.url(), gone));

    List<String> run = check(file, PartnerFile.ENV);

    assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
    assertEquals(List.of(file + ": $.synchronizations[0].partnerB: partner service"
        + " http://127.0.0.1:" + gone + "/transport/pa-pb cannot be reached (ConnectException);"
        + " nothing accepts connections at 127.0.0.1:" + gone),
        run.get(2).lines().toList());
  }

  /** A partner service's transport route: the real handler answers a GET. */
  @Test
  void aPartnerServiceThatAnswersIsOk() throws Exception {
    HttpTransportHandler handler = new HttpTransportHandler(EnvelopeSecurity.builder("pa-pb")
        .key("k1", PartnerFile.ENV.get("PARTNER_KEY").getBytes(StandardCharsets.UTF_8))
        .build(), new InMemoryStores().envelopeIds());
    int port = partner((exchange, status) -> {
      HttpTransportHandler.ContentResponse answer = handler.content(
          exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Authorization"),
          null);
      answer.headers().forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(answer.status(), answer.length());
      answer.body().transferTo(exchange.getResponseBody());
    });
    Path file = dir.resolve("sync.json");
    Files.writeString(file, PartnerFile.json(cloud.url(), port));

    List<String> run = check(file, PartnerFile.ENV);

    assertEquals("0", run.get(0), run.get(2));
    assertTrue(run.get(1).contains("partner http://127.0.0.1:" + port + "/transport/pa-pb: a"
        + " partner service's transport answers\n" + file + ": OK"), run.get(1));
  }

  /**
   * Found by the last session's re-read: any answer passed, so a Jira site's URL given for the
   * partner's, or the partner service under another synchronization id, said OK.
   */
  @Test
  void anotherServerAtThePartnersUrlIsASiteProblem() throws Exception {
    int jira = partner((exchange, status) -> {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"jira\"");
      status.accept(401,
          "{\"error\":\"Unauthorized \\ \u001b[31m\n(red)\u009b1m\u2028x\u0085y\u202e\"}");
    });
    int other = partner((exchange, status) -> status.accept(404, "no partner sends here\n"));
    Path file = dir.resolve("sync.json");

    Files.writeString(file, PartnerFile.json(cloud.url(), jira));
    List<String> run = check(file, PartnerFile.ENV);
    assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
    assertEquals(List.of(file + ": $.synchronizations[0].partnerB: partner service"
        + " http://127.0.0.1:" + jira + "/transport/pa-pb answered HTTP 401 (WWW-Authenticate:"
        + " Basic realm=\"jira\") \"{\\\"error\\\":\\\"Unauthorized \\\\ ?[31m (red)?1m?x?y?"
        + "\\\"}\", not as a partner service's transport, which answers a GET without a signature"
        + " with 401 and"
        + " WWW-Authenticate: Backbone (check the host, the port and the path"
        + " /transport/<synchronization id>)"),
        run.get(2).lines().toList());

    Files.writeString(file, PartnerFile.json(cloud.url(), other));
    run = check(file, PartnerFile.ENV);
    assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
    assertTrue(run.get(2).contains("/transport/pa-pb answered HTTP 404 \"no partner sends"
        + " here\", not as a partner service's transport"), run.get(2));
  }

  /** Found by a trial (helper-85): it said only that the connection timed out. */
  @Test
  void anHttpsUrlToAServerThatSpeaksPlainHttpIsTold() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread closer = new Thread(() -> {
        try (var client = plain.accept()) {
          client.getInputStream().read(); // the TLS hello, answered as a plain server would
          client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // the check gave up first
        }
      });
      closer.start();
      Path file = dir.resolve("sync.json");
      int port = plain.getLocalPort();
      Files.writeString(file, PartnerFile.json(cloud.url(), port)
          .replace("http://127.0.0.1:" + port, "https://127.0.0.1:" + port));

      List<String> run = check(file, PartnerFile.ENV);

      assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
      assertTrue(run.get(2).startsWith(file + ": $.synchronizations[0].partnerB: partner service"
          + " https://127.0.0.1:" + port + "/transport/pa-pb cannot be reached ("), run.get(2));
      // (the JDK's client says SSLException, or, now and then, that the connect timed out)
      assertTrue(run.get(2).endsWith("); a server that speaks plain HTTP fails an https URL so"
          + " too\n"), run.get(2));
      closer.join();
    }
  }

  /**
   * Found from outside (helper-148): the request's 10 s timeout ends with the headers, so a
   * server at the partner's URL that sent them and then stalled its body held {@code --check}
   * for good (killed after 60 s), where the README promises exit 4 for nothing answering in 10 s.
   */
  @Test
  @Timeout(30)
  void aServerThatStallsItsBodyAtThePartnersUrlIsASiteProblemWithinTheTimeout()
      throws Exception {
    try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stall = new Thread(() -> {
        try (var client = stalling.accept()) {
          client.setSoTimeout(40_000); // (without the fix the check never closes it)
          client.getInputStream().read(new byte[8192]); // the GET
          client.getOutputStream().write(("HTTP/1.1 404 Not Found\r\nContent-Length: 1000\r\n"
              + "\r\nno partner").getBytes(StandardCharsets.US_ASCII));
          client.getInputStream().read(); // until the check closes the connection
        } catch (IOException ignored) {
          // the check closed it
        }
      });
      stall.start();
      Path file = dir.resolve("sync.json");
      int port = stalling.getLocalPort();
      Files.writeString(file, PartnerFile.json(cloud.url(), port));
      long start = System.nanoTime();

      List<String> run = check(file, PartnerFile.ENV);

      assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
      assertEquals(List.of(file + ": $.synchronizations[0].partnerB: partner service"
          + " http://127.0.0.1:" + port + "/transport/pa-pb answered HTTP 404 (its body did not"
          + " come within 10 s), not as a partner service's transport, which answers a GET"
          + " without a signature with 401 and WWW-Authenticate: Backbone (check the host, the"
          + " port and the path /transport/<synchronization id>)"), run.get(2).lines().toList());
      assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(20),
          "took " + (System.nanoTime() - start) / 1_000_000 + " ms");
      stall.join();
    }
  }

  /** A proxy's challenge may come first, and a scheme's case does not matter (RFC 9110). */
  @Test
  void theTransportsChallengeAmongOthersIsOk() throws Exception {
    int port = partner((exchange, status) -> {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"proxy\"");
      exchange.getResponseHeaders().add("WWW-Authenticate", "backbone");
      status.accept(401, "no signed content request");
    });
    Path file = dir.resolve("sync.json");
    Files.writeString(file, PartnerFile.json(cloud.url(), port));

    List<String> run = check(file, PartnerFile.ENV);

    assertEquals("0", run.get(0), run.get(2));
  }

  /** What a stub partner answers: headers set on the exchange, then a status and a text. */
  private interface Answer {
    void answer(HttpExchange exchange, BiConsumer<Integer, String> status) throws IOException;
  }

  private final List<HttpServer> partners = new ArrayList<>();

  /** Starts a stub partner service answering at {@code /transport/pa-pb}; its port. */
  private int partner(Answer answer) throws IOException {
    HttpServer partner = HttpServer.create(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0), 0);
    partner.createContext("/transport/pa-pb", exchange -> {
      try (exchange) {
        answer.answer(exchange, (status, text) -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    });
    partner.start();
    partners.add(partner);
    return partner.getAddress().getPort();
  }

  /**
   * Found by a trial: {@code "projectKey": "ZZ"} gave exit 4 (a site cannot be reached) and
   * blamed both projects: {@code projects ZZ on site cloud (...) and PB on site server (...)
   * cannot be read: Jira refused GET /rest/api/3/project/ZZ (HTTP 404)}.
   */
  @Test
  void aProjectThatIsNotThereIsAProblemOfTheFileAtItsKey() throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "ZZ", ""));

    List<String> run = check(file, Map.of("JIRA_A_EMAIL", "sync-a@example.com", "JIRA_A_TOKEN",
        "cloud-token-4711", "JIRA_B_TOKEN", "server-pat-0815"));

    assertEquals(String.valueOf(ServiceMain.CONFIGURATION), run.get(0), run.get(2));
    assertEquals(List.of(file + ": $.synchronizations[0].sync.connectorA.projectKey: \"ZZ\" is"
        + " not a project of site cloud (" + cloud.url() + ") that sync-a can browse (Jira"
        + " answered HTTP 404)"), run.get(2).lines().toList());
  }

  /**
   * Found by an attacker-style trial: a site whose {@code /myself} answered a login page, or a
   * user without an id, was reported as one that "cannot be reached", sending the operator to
   * look at the network. It is reported as a site that answered with what the sign-in cannot
   * use, what it answered named, the credentials (which a broken answer may echo) blotted out.
   */
  @Test
  void aSiteThatAnswersTheSignInWithWhatCannotBeUsedIsToldSoNotUnreachable() throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "PA", ""));
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "sync-a@example.com", "JIRA_A_TOKEN",
        "cloud-token-4711", "JIRA_B_TOKEN", "server-pat-0815");
    String answered = "site cloud (" + cloud.url() + ") answered, but its answer to the sign-in"
        + " was not usable: ";
    Map<FakeJiraServer.Fault, String> cases = new java.util.LinkedHashMap<>();
    cases.put(FakeJiraServer.Fault.status(200, Map.of("Content-Type", "text/html"),
        "<html>login</html>"), "GET /rest/api/3/myself answered 200 with a body that is not JSON"
        + " (18 bytes, text/html)");
    cases.put(FakeJiraServer.Fault.status(200, Map.of("Content-Type", "application/json"),
        "{\"accountId\": 7}"), "GET /rest/api/3/myself answered without the sync user's id:"
        + " \"accountId\" is a number, not an id (a non-blank string)");
    cases.put(FakeJiraServer.Fault.status(200, Map.of("Content-Type", "application/json"),
        "{\"accountId\": \"Basic c3luYy1hQGV4YW1wbGUuY29tOmNsb3VkLXRva2VuLTQ3MTE=\"}"),
        "GET /rest/api/3/myself answered a sync user whose \"accountId\" is \"***\", not"
        + " an id: it holds the request's credentials");
    cases.put(FakeJiraServer.Fault.status(404, Map.of("Content-Type", "text/html"),
        "<html>nope</html>"), "Jira refused GET /rest/api/3/myself (HTTP 404): not found, or"
        + " the sync user cannot see it");

    for (Map.Entry<FakeJiraServer.Fault, String> c : cases.entrySet()) {
      cloud.enqueue(c.getKey().on("myself"));

      List<String> run = check(file, env);

      assertEquals(String.valueOf(ServiceMain.SITE), run.get(0), run.get(2));
      assertEquals(answered + c.getValue(), run.get(2).strip());
      assertTrue(!run.get(2).contains("cloud-token-4711")
          && !run.get(2).contains("c3luYy1hQGV4YW1wbGUuY29tOmNsb3VkLXRva2VuLTQ3MTE="), run.get(2));
    }
  }
}
