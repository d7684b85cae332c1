package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's port as an unauthenticated stranger and a careless operator try it, in this JVM
 * (two fake Jira sites, the service built as {@code ServiceMain} builds it, steps run by the
 * test): {@code /health} tells no issue's text and the truth about the service, the read-only
 * routes refuse other methods, a query that is not UTF-8 is a 400, and a body over the limit is
 * answered 413 where the client can read it.
 */
class HttpFrontTest {
  private static final String TOKEN = "admin-token-0123456789";
  /** The secret the cloud site's webhook is registered with. */
  private static final String HOOK_SECRET = "webhook-secret-0123456789";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  /** How long a probe may take: an orchestrator's timeout is a second or a few. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @TempDir Path dir;
  private InMemoryIssueTracker pa;
  private InMemoryIssueTracker pb;
  private FakeJiraServer cloud;
  private FakeJiraServer server;
  private FakeSitePair fakeSites;
  private SyncService service;
  private HttpFront front;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    fakeSites = new FakeSitePair();
    pa = fakeSites.pa;
    pb = fakeSites.pb;
    cloud = fakeSites.cloud;
    server = fakeSites.server;
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "PA", """
        "pollInterval": "PT24H",
        "store": {"directory": "data"},
        "server": {"port": 0, "adminTokenEnv": "BACKBONE_ADMIN_TOKEN"},""").replaceFirst(
            "\"allowInsecure\": true}", "\"allowInsecure\": true, \"webhookSecretEnv\": \"HOOK\"}"));
    ServiceConfig config = ServiceConfig.read(file, Map.of("JIRA_A_EMAIL", "sync-a@example.com",
        "JIRA_A_TOKEN", "cloud-token-4711", "JIRA_B_TOKEN", "server-pat-0815\r\n", // (Windows)
        "BACKBONE_ADMIN_TOKEN", TOKEN, "HOOK", HOOK_SECRET));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Sites sites = Sites.connect(config, registry);
    service = SyncService.open(config, sites, registry);
    front = HttpFront.start(config.server(), service, sites);
  }

  @AfterEach
  void stop() {
    front.stop();
    service.stop(Duration.ofSeconds(5));
    fakeSites.close();
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port()
        + path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Found by trying the service from outside: with two {@code Authorization} headers the first
   * counted, so the valid token then a wrong one was let in, the other order not.
   */
  @Test
  void twoAuthorizationHeadersAreRefusedInEitherOrder() throws Exception {
    for (List<String> given : List.of(List.of(TOKEN, "wrong"), List.of("wrong", TOKEN),
        List.of(TOKEN, TOKEN))) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + front.port() + "/admin/synchronizations"));
      given.forEach(token -> b.header("Authorization", "Bearer " + token));

      HttpResponse<String> answer = http.send(b.build(), HttpResponse.BodyHandlers.ofString());

      assertEquals(401, answer.statusCode(), given + ": " + answer.body());
      assertEquals("{\"status\":401,\"error\":\"the Authorization header was given 2 times;"
          + " send one bearer token\",\"problems\":[],\"problemCount\":0}", answer.body());
    }
    assertEquals(200, send("GET", "/admin/synchronizations", TOKEN).statusCode());
  }

  /**
   * Found by an attacker-style trial: a webhook with two {@code X-Hub-Signature} headers had
   * only the first checked. Through the service's port, either order is refused, saying so.
   */
  @Test
  void aWebhookWithTwoSignatureHeadersIsRefusedInEitherOrder() throws Exception {
    pa.as("alice").create("Printer on fire");
    String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"webhookEvent\":"
        + "\"jira:issue_updated\",\"user\":{\"accountId\":\"alice\"},\"issue\":{\"id\":"
        + "\"10001\",\"key\":\"PA-1\"}}";
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"));
    String good = "sha256=" + java.util.HexFormat.of().formatHex(
        mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    String forged = "sha256=" + "0".repeat(64);

    for (List<String> given : List.of(List.of(good, forged), List.of(forged, good))) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + front.port() + "/webhooks/cloud")).POST(HttpRequest.BodyPublishers.ofString(body));
      given.forEach(signature -> b.header("X-Hub-Signature", signature));

      HttpResponse<String> answer = http.send(b.build(), HttpResponse.BodyHandlers.ofString());

      assertEquals(401, answer.statusCode(), given + ": " + answer.body());
      assertEquals("X-Hub-Signature was given 2 times; a delivery carries one signature\n",
          answer.body());
    }
    HttpResponse<String> once = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + front.port() + "/webhooks/cloud")).header("X-Hub-Signature", good)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, once.statusCode(), once.body());
  }

  /** Found by running the service: a Jira 400 quoting an issue showed in /health, to anyone. */
  @Test
  void healthTellsTheKindOfAFailureButNoIssueText() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.status(400, Map.of(), "{\"errorMessages\": [\"The"
        + " summary 'Salaries 2025 of the board' is refused\"], \"errors\": {\"customfield_1\":"
        + " \"secret value\"}}").on("search"));

    service.runUntilQuiet();
    HttpResponse<String> health = send("GET", "/health", null);

    assertEquals(200, health.statusCode(), "a later step succeeded: " + health.body());
    assertFalse(health.body().contains("Salaries") || health.body().contains("secret value"),
        health.body());
    assertTrue(health.body().contains("\"lastError\":\"JiraException (HTTP 400); see the service"
        + " log\""), health.body());
    assertTrue(health.body().contains("\"lastFailure\":\"20"), health.body());
  }

  /**
   * A site answering 503 (without a {@code Retry-After}, so the adapter backs off and gives up
   * after its attempts) showed as {@code RetriableException}: an operator could not tell a site
   * that is down from a timeout. The status is named now, and still nothing of the answer's
   * body or the request's query (the JQL) reaches anyone who asks.
   */
  @Test
  void healthNamesTheStatusOfASiteThatIsDownButNotItsAnswer() throws Exception {
    for (int attempt = 0; attempt < 4; attempt++) {
      cloud.enqueue(FakeJiraServer.Fault.status(503, Map.of(), "{\"errorMessages\": [\"The"
          + " summary 'Salaries 2025 of the board' is held\"]}").on("search"));
    }

    service.round();
    HttpResponse<String> health = send("GET", "/health", null);

    assertEquals(503, health.statusCode(), health.body());
    assertTrue(health.body().contains("\"lastError\":\"JiraTransientException (HTTP 503); see"
        + " the service log\""), health.body());
    assertFalse(health.body().contains("Salaries") || health.body().contains("project")
        || health.body().contains("search"), health.body());
  }

  /**
   * Found by a trial: with both sites down, {@code /health} said healthy 7 times in 12, as an
   * apply with nothing to apply, reaching no site, counted as a success after the failed poll.
   */
  @Test
  void aConnectorWhoseSiteFailsStaysUnhealthyThroughAnApplyWithNothingToDo() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.status(400, Map.of(), "{\"errorMessages\": [\"down\"]}")
        .on("search"));

    service.round(); // PA's poll fails, then its apply finds nothing to apply
    HttpResponse<String> failing = send("GET", "/health", null);
    String metrics = send("GET", "/metrics", null).body();
    service.round();
    HttpResponse<String> recovered = send("GET", "/health", null);

    assertEquals(503, failing.statusCode(), failing.body());
    assertTrue(failing.body().contains("\"PA\":{\"healthy\":false"), failing.body());
    assertTrue(failing.body().contains("\"PB\":{\"healthy\":true"), failing.body());
    assertTrue(metrics.contains("backbone_connector_healthy{connector=\"PA\","
        + "synchronization=\"pa-pb\"} 0.0"), metrics);
    assertEquals(200, recovered.statusCode(), "its next poll succeeded: " + recovered.body());
  }

  /** Found by running the service: "state":"NEW" while it ran its synchronizations. */
  @Test
  void healthSaysWhatTheServiceIsDoing() throws Exception {
    assertTrue(send("GET", "/health", null).body().contains("\"state\":\"STARTING\""));

    service.start();
    HttpResponse<String> running = send("GET", "/health", null);
    service.stop(Duration.ofSeconds(5));
    HttpResponse<String> stopped = send("GET", "/health", null);

    assertEquals(200, running.statusCode(), running.body());
    assertTrue(running.body().contains("{\"id\":\"pa-pb\",\"state\":\"RUNNING\""),
        running.body());
    assertEquals(503, stopped.statusCode(), stopped.body());
    assertTrue(stopped.body().contains("\"ready\":false"), stopped.body());
    assertTrue(stopped.body().contains("\"state\":\"STOPPED\""), stopped.body());
  }

  /**
   * Found by a trial: during SIGTERM {@code /health} never answered 503 STOPPING, as the port
   * closed before the engines stopped. Here a step is held by a stalled search while the service
   * stops as {@code ServiceMain} stops it.
   */
  @Test
  void healthAnswers503StoppingWhileTheEnginesStopThenThePortCloses() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.stall().on("search"));
    service.start();
    awaitHealth("the step holding the stalled search", () -> cloud.count("GET", "search") > 0);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(
        () -> ServiceMain.stop(service, front, null, WITHIN));
    String[] seen = new String[1];
    awaitHealth("/health saying STOPPING", () -> {
      HttpResponse<String> health = quietly("/health");
      seen[0] = health.statusCode() + " " + health.body();
      return health.body().contains("\"state\":\"STOPPING\"");
    });
    cloud.releaseStalled();
    stopping.get(WITHIN.toSeconds(), TimeUnit.SECONDS);

    assertTrue(seen[0].startsWith("503 ") && seen[0].contains("\"ready\":false"), seen[0]);
    assertThrowsIo(() -> send("GET", "/health", null));
  }

  /**
   * Found by a review: a stop closed the engines and stores under the requests at work, then
   * interrupted them ({@code shutdownNow}), so an import in progress got no answer. Here an
   * import waits on a stalled search of its keys while the service stops as {@code ServiceMain}
   * stops it: the port refuses new work, {@code /health} says STOPPING, and once the search is
   * let go the import is written whole and its client reads the answer.
   */
  @Test
  void aStopLetsAnImportInProgressFinishAndItsClientReadsTheWholeAnswer() throws Exception {
    String local = pa.as("alice").create("Made by hand in PA");
    String remote = pb.as("bob").create("Made by hand in PB");
    CompletableFuture<HttpResponse<String>> imported = importStalledOnItsSearch(local, remote);

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(
        () -> ServiceMain.stop(service, front, null, WITHIN));
    HttpResponse<String>[] refused = refusedOnceStopping();
    HttpResponse<String> health = send("GET", "/health", null);
    cloud.releaseStalled();
    stopping.get(WITHIN.toSeconds(), TimeUnit.SECONDS);

    HttpResponse<String> answer = imported.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("{\"imported\":1}", answer.body());
    assertEquals("{\"status\":503,\"error\":\"the service is stopping; send the request again"
        + " once it runs\",\"problems\":[],\"problemCount\":0}", refused[0].body());
    assertEquals("close", refused[0].headers().firstValue("Connection").orElse(""));
    assertEquals(503, health.statusCode(), health.body());
    assertTrue(health.body().contains("\"state\":\"STOPPING\""), health.body());
    assertEquals(Optional.of(remote), storedPartnerOf(local));
    assertThrowsIo(() -> send("GET", "/health", null));
  }

  /**
   * A request still at work when the grace period is over is ended: its client is not left
   * waiting on a site that does not answer, and nothing of the import is written.
   */
  @Test
  void aRequestStillAtWorkAfterTheGracePeriodIsEnded() throws Exception {
    String local = pa.as("alice").create("Made by hand in PA");
    String remote = pb.as("bob").create("Made by hand in PB");
    CompletableFuture<HttpResponse<String>> imported = importStalledOnItsSearch(local, remote);

    int ended = front.finishRequests(Duration.ofMillis(200)); // the search stays stalled

    assertEquals(1, ended);
    ExecutionException cut = assertThrows(ExecutionException.class,
        () -> imported.get(WITHIN.toSeconds(), TimeUnit.SECONDS));
    assertTrue(cut.getCause() instanceof IOException, cut.toString());
    front.stop();
    service.stop(WITHIN);
    assertEquals(Optional.empty(), storedPartnerOf(local));
  }

  /** An import of one pair sent now, whose search of its keys on site A stalls until released. */
  private CompletableFuture<HttpResponse<String>> importStalledOnItsSearch(String local,
      String remote) {
    long searches = cloud.count("GET", "search");
    cloud.enqueue(FakeJiraServer.Fault.stall().on("search"));
    CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + front.port() + "/admin/connectors/PA/syncInformation"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"localIssueKey\": \"" + local
            + "\", \"remoteIssueKey\": \"" + remote + "\"}]")).build(),
        HttpResponse.BodyHandlers.ofString());
    awaitHealth("the import at its stalled search", () -> cloud.count("GET", "search") > searches);
    return answer;
  }

  /** The answer to an admin request once the port refuses new work (asked until it does). */
  @SuppressWarnings("unchecked")
  private HttpResponse<String>[] refusedOnceStopping() {
    HttpResponse<String>[] seen = new HttpResponse[1];
    awaitHealth("an admin request refused with 503", () -> {
      try {
        seen[0] = send("GET", "/admin/synchronizations", TOKEN);
      } catch (Exception e) {
        throw new AssertionError("the port closed while a request was at work: " + e, e);
      }
      return seen[0].statusCode() == 503;
    });
    return seen;
  }

  /** The partner the store keeps for a PA issue, read once the service has closed it. */
  private Optional<String> storedPartnerOf(String local) {
    try (org.backbonesync.jdbc.JdbcStores stores =
        org.backbonesync.jdbc.JdbcStores.inDirectory(dir.resolve("data"))) {
      return stores.syncInfo().findByLocalKey("PA", local).map(r -> r.remoteIssueKey());
    }
  }

  private HttpResponse<String> quietly(String path) {
    try {
      return send("GET", path, null);
    } catch (Exception e) {
      throw new AssertionError("the port closed while the engines stopped: " + e, e);
    }
  }

  /** Looks again (no waiting between looks: each is a request or a read) until the deadline. */
  private static void awaitHealth(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WITHIN + ": " + what);
      }
      Thread.onSpinWait();
    }
  }

  private static void assertThrowsIo(org.junit.jupiter.api.function.Executable request) {
    org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, request,
        "the port is closed once the engines stopped");
  }

  /**
   * A review found that 64 slow connections (a byte now and then: "slowloris") held every
   * request thread until the 20 s limit cut them, so {@code /health/live} went unanswered and an
   * orchestrator would have restarted a healthy service. Here half send their headers slowly
   * and half a body to the admin API; each probe takes the slot of the connection that has
   * waited longest on its client, and is answered at once, as often as the slots are held again.
   */
  @Test
  void healthLiveAnswersWhileSlowClientsHoldEverySlot() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      while (slow.size() < 64) {
        slow.add(holdSlot(slow.size()));
      }

      for (int i = 0; i < 3; i++) {
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + front.port() + "/health/live")).timeout(PROMPTLY).build(),
            HttpResponse.BodyHandlers.ofString());

        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().startsWith("{\"live\":true"), live.body());
        int cut = oneClosed(slow);
        if (i == 0) {
          assertEquals(0, cut, "the first, idle on its headers since it came, was cut first");
        }
        awaitHealth("the probe's slot given back", () -> front.requestsInSlots() == 63);
        slow.set(cut, holdSlot(cut));
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /**
   * A connection that holds a slot, sending its headers slowly (even {@code i}) or its body to
   * the admin API (odd), once it holds it.
   */
  private Socket holdSlot(int i) throws Exception {
    int held = front.requestsInSlots() + 1;
    Socket socket = new Socket("127.0.0.1", front.port());
    socket.getOutputStream().write((i % 2 == 0 ? "GET /health/live HTTP/1.1\r\nHost: x"
        : "POST /admin/connectors/PA/syncInformation HTTP/1.1\r\nHost: x\r\nAuthorization:"
            + " Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length:"
            + " 100000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
    awaitHealth("slow connection " + held + " holding its slot",
        () -> front.requestsInSlots() == held);
    return socket;
  }

  /**
   * The index of the one connection the server closed (its end of the stream, or a reset),
   * looked for within a bound: the one idle longest on its client, which of the slow ones that
   * is depends on when each began its read.
   */
  private static int oneClosed(List<Socket> sockets) throws Exception {
    long until = System.nanoTime() + PROMPTLY.toNanos();
    while (System.nanoTime() < until) {
      for (int i = 0; i < sockets.size(); i++) {
        if (closed(sockets.get(i))) {
          return i;
        }
      }
    }
    throw new AssertionError("no slow connection was closed within " + PROMPTLY);
  }

  private static boolean closed(Socket socket) throws Exception {
    socket.setSoTimeout(1);
    try {
      return socket.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException open) {
      return false;
    } catch (java.net.SocketException reset) {
      return true; // closed with bytes it had not read: a reset, as good
    }
  }

  /**
   * Found by running the service: POST /health and DELETE /metrics answered as GET. Then by an
   * outside tester: the 405 was text while the admin API's refusals are JSON; now it is in the
   * admin API's error shape.
   */
  @Test
  void theReadOnlyRoutesRefuseOtherMethods() throws Exception {
    for (String path : List.of("/health", "/health/live", "/health/ready", "/metrics")) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
        HttpResponse<String> refused = send(method, path, null);

        assertEquals(405, refused.statusCode(), method + " " + path + ": " + refused.body());
        assertEquals("GET, HEAD", refused.headers().firstValue("Allow").orElse(null));
        assertEquals("application/json; charset=utf-8",
            refused.headers().firstValue("Content-Type").orElse(null));
        assertEquals("{\"status\":405,\"error\":\"method \\\"" + method + "\\\" is not allowed"
            + " on " + path + "; allowed: GET, HEAD\",\"problems\":[],\"problemCount\":0}",
            refused.body());
      }
      assertEquals(200, send("GET", path, null).statusCode(), path);
      assertEquals(200, send("HEAD", path, null).statusCode(), path);
    }
  }

  /**
   * Found by an outside tester: HEAD /health answered without a Content-Length, so a client
   * could not learn the size of what a GET would bring. A HEAD announces the GET's length.
   */
  @Test
  void aHeadAnnouncesTheLengthOfWhatAGetBrings() throws Exception {
    for (String path : List.of("/health", "/health/live", "/health/ready")) {
      HttpResponse<String> get = send("GET", path, null);
      HttpResponse<String> head = send("HEAD", path, null);

      assertEquals(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length),
          head.headers().firstValue("Content-Length").orElse(null), path);
      assertEquals("", head.body(), path);
    }
    HttpResponse<String> admin = send("HEAD", "/admin/synchronizations", TOKEN);
    assertEquals(String.valueOf(send("GET", "/admin/synchronizations", TOKEN).body()
            .getBytes(StandardCharsets.UTF_8).length),
        admin.headers().firstValue("Content-Length").orElse(null));
  }

  /**
   * Found by an outside tester: an unknown path ({@code /healthz}, a path beside the admin API's)
   * answered 404 as text {@code not found} while the admin API's refusals are JSON; now the
   * admin API's error shape, naming the path.
   */
  @Test
  void anUnknownPathIsA404InTheAdminApisErrorShape() throws Exception {
    for (String path : List.of("/healthz", "/health/", "/metricsx", "/", "/nowhere",
        "/administrator")) {
      HttpResponse<String> refused = send("GET", path, null);

      assertEquals(404, refused.statusCode(), path + ": " + refused.body());
      assertEquals("application/json; charset=utf-8",
          refused.headers().firstValue("Content-Type").orElse(null), path);
      assertEquals("{\"status\":404,\"error\":\"no resource at \\\"" + path + "\\\"\","
          + "\"problems\":[],\"problemCount\":0}", refused.body());
    }
  }

  /**
   * Found by an attacker-style trial: {@code /health?x=1} and {@code /metrics?x=1} answered as
   * if no query had been sent, while the admin API refuses a parameter its route does not take.
   * They refuse it the same way: 400 in the admin API's error shape, naming the parameter.
   */
  @Test
  void theReadOnlyRoutesRefuseAQueryAsTheAdminApiDoes() throws Exception {
    for (String path : List.of("/health", "/health/live", "/health/ready", "/metrics")) {
      HttpResponse<String> refused = send("GET", path + "?verbose=1&x=2", null);

      assertEquals(400, refused.statusCode(), path + ": " + refused.body());
      assertEquals("application/json; charset=utf-8",
          refused.headers().firstValue("Content-Type").orElse(null));
      assertEquals("{\"status\":400,\"error\":\"GET " + path + " takes no query parameters;"
          + " refused: verbose, x\",\"problems\":[{\"path\":\"?verbose\",\"message\":\"unknown"
          + " query parameter\"},{\"path\":\"?x\",\"message\":\"unknown query parameter\"}],"
          + "\"problemCount\":2}", refused.body());
      assertEquals(400, send("HEAD", path + "?x", null).statusCode(), path);
      assertTrue(send("GET", path + "?&", null).body().contains("refused: a parameter without a"
          + " name\",\"problems\":[{\"path\":\"?\\\"\\\"\",\"message\":\"a query parameter without a"
          + " name"), path);
      assertTrue(send("GET", path + "?a%0Ab%E2%80%AE=1", null).body().contains(
          "refused: \\\"a\\\\nb\\\\u202e\\\"\""), path);
      assertTrue(send("GET", path + "?x=%FF", null).body().contains("\"error\":\"query parameter"
          + " ?x: its value \\\"%FF\\\" is not UTF-8 once its escapes are decoded\""), path);
      assertEquals(200, send("GET", path, null).statusCode(), path);
    }
    HttpResponse<String> admin = send("GET", "/admin/synchronizations?x=2", TOKEN);
    assertEquals(400, admin.statusCode(), admin.body());
    assertTrue(admin.body().startsWith("{\"status\":400,\"error\":\"GET /synchronizations takes"
        + " no query parameters; refused: x\",\"problems\":[{\"path\":\"?x\",\"message\":"
        + "\"unknown query parameter\"}]"), "the same shape: " + admin.body());
    String odd = send("GET", "/admin/synchronizations?a%0Ab%E2%80%AE=1", TOKEN).body();
    assertTrue(odd.contains("refused: \\\"a\\\\nb\\\\u202e\\\"\""), "named alike: " + odd);
  }

  /**
   * A review found the admin API took JSON under any Content-Type, as a page on another site
   * posts it (text, a form: no CORS preflight). The bearer token is no cookie a browser adds on
   * its own, but a body goes in only as JSON all the same, and a refusal imports nothing.
   */
  @Test
  void anAdminBodyIsTakenOnlyAsJsonAndARefusalImportsNothing() throws Exception {
    pa.as("alice").create("Made by hand in PA");
    pb.as("bob").create("Made by hand in PB");
    String rows = "[{\"localIssueKey\": \"PA-1\", \"remoteIssueKey\": \"PB-1\"}]";
    String path = "/admin/connectors/PA/syncInformation";

    for (List<String> types : List.<List<String>>of(List.of("text/plain"),
        List.of("text/plain; charset=utf-8"),
        List.of("application/x-www-form-urlencoded"), List.of("multipart/form-data; boundary=x"),
        List.of(), List.of("application/json; charset=iso-8859-1"),
        List.of("application/json", "text/plain"))) {
      HttpResponse<String> refused = post(path, types, rows);

      String was = types.isEmpty() ? "none" : "\\\"" + String.join(", ", types) + "\\\"";
      assertEquals(415, refused.statusCode(), types + ": " + refused.body());
      assertTrue(refused.body().startsWith("{\"status\":415,\"error\":\"POST /connectors/"
          + "{connectorKey}/syncInformation takes a JSON body: Content-Type must be"
          + " application/json, was " + was), refused.body());
      assertEquals("[]", send("GET", path, TOKEN).body(), "nothing imported as " + types);
    }
    HttpResponse<String> imported = post(path, List.of("APPLICATION/JSON; Charset=UTF-8"), rows);

    assertEquals("{\"imported\":1}", imported.body());
  }

  private HttpResponse<String> post(String path, List<String> contentTypes, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port()
        + path)).header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    contentTypes.forEach(type -> b.header("Content-Type", type));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Found by running the service: ?localIssueKey=%FF was read as U+FFFD and answered 200. */
  @Test
  void aQueryValueThatIsNotUtf8IsA400NamingIt() throws Exception {
    HttpResponse<String> refused = send("GET",
        "/admin/connectors/PA/syncInformation?localIssueKey=%E2%82", TOKEN);

    assertEquals(400, refused.statusCode(), refused.body());
    assertEquals("application/json; charset=utf-8",
        refused.headers().firstValue("Content-Type").orElse(null));
    assertEquals("{\"status\":400,\"error\":\"query parameter ?localIssueKey: its value"
        + " \\\"%E2%82\\\" is not UTF-8 once its escapes are decoded\",\"problems\":[{\"path\":"
        + "\"?localIssueKey\",\"message\":\"its value \\\"%E2%82\\\" is not UTF-8 once its"
        + " escapes are decoded\"}],\"problemCount\":1}", refused.body());
  }

  /**
   * Found by running the service: a body far over the limit mostly reached the client as a
   * reset connection, the 413 lost. A client that sends it all before reading (up to four times
   * the limit) and one that reads while it sends (as curl does, with a larger body) both read
   * the 413.
   */
  @Test
  void aBodyOverTheLimitIsAnswered413WhereTheClientCanReadIt() throws Exception {
    int limit = SyncAdminHandler.DEFAULT_MAX_BODY_BYTES;

    assertEquals("HTTP/1.1 413 Request Entity Too Large", post(3 * limit, false, TOKEN));
    assertEquals("HTTP/1.1 413 Request Entity Too Large", post(50_000_000, true, TOKEN));
  }

  /**
   * Found by running the service (helper-91): a 401 left the body unread without ending the
   * connection, and a client that sent 5 MB before reading saw a reset, not the 401.
   */
  @Test
  void aBodyWithAWrongTokenIsAnswered401WhereTheClientCanReadIt() throws Exception {
    assertEquals("HTTP/1.1 401 Unauthorized", post(5_000_000, false, "wrong"));
  }

  /** The status line of a POST of {@code length} bytes, read after or while sending it. */
  private String post(int length, boolean readWhileSending, String token) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", front.port())) {
      socket.setSoTimeout((int) WITHIN.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("POST /admin/connectors/PA/syncInformation HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII));
      CompletableFuture<String> status = readWhileSending
          ? CompletableFuture.supplyAsync(() -> {
            try {
              return in.readLine();
            } catch (Exception e) {
              return e.toString();
            }
          }) : null;
      byte[] chunk = new byte[64 * 1024];
      try {
        for (int sent = 0; sent < length && (status == null || !status.isDone());
            sent += chunk.length) {
          out.write(chunk, 0, Math.min(chunk.length, length - sent));
        }
      } catch (java.io.IOException closed) {
        if (status == null) {
          return "sending failed: " + closed;
        }
      }
      return status == null ? in.readLine() : status.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
