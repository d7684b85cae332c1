package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's jar, started as an operator starts it, syncs two fake Jira sites (a Cloud one
 * and a Server one in this JVM): in continuous mode both ways, stopped by SIGTERM and started
 * again; and it refuses each kind of configuration mistake with one line and its exit code.
 */
class SyncServiceIT {
  private static final String TOKEN_A = "cloud-token-4711";
  private static final String TOKEN_B = "server-pat-0815";
  private static final String ADMIN_TOKEN = "admin-token-0123456789";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Pattern PORT = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;
  private InMemoryIssueTracker pa;
  private InMemoryIssueTracker pb;
  private FakeJiraServer cloud;
  private FakeJiraServer server;
  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void sites() {
    pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC()).syncUser("sync-a")
        .users("alice").customField("customfield_10100").build();
    pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC()).syncUser("sync-b")
        .users("bob").build();
    cloud = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", TOKEN_A).start();
    server = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
        .credential("sync-b", TOKEN_B).start();
    env.put("JIRA_A_EMAIL", "sync-a@example.com");
    env.put("JIRA_A_TOKEN", TOKEN_A);
    env.put("JIRA_B_TOKEN", TOKEN_B);
    env.put("BACKBONE_ADMIN_TOKEN", ADMIN_TOKEN);
  }

  @AfterEach
  void stop() {
    cloud.close();
    server.close();
  }

  /** The file of the tests; {@code siteA}, {@code mappings} and {@code rest} vary it. */
  private Path config(String siteA, String extraMappings, String rest) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, """
        {
          "sites": {
            "cloud": %s,
            "server": {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
                       "tokenEnv": "JIRA_B_TOKEN", "requestsPerSecond": 0, "allowInsecure": true}
          },
          "synchronizations": [{
            "siteA": "cloud", "siteB": "server",
            "sync": {
              "id": "pa-pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [
                {"id": "summary", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "summary", "fieldB": "summary"},
                {"id": "description", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "description", "fieldB": "description"},
                {"id": "labels", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "labels", "fieldB": "labels"}%s
              ]
            }
          }],
          "pollInterval": "PT0.2S"%s
        }
        """.formatted(siteA, server.url(), extraMappings, rest));
    return file;
  }

  private String cloudSite(String extra) {
    return cloudSite(0, extra);
  }

  /** The cloud site, its requests paced at {@code perSecond} (0: not paced). */
  private String cloudSite(double perSecond, String extra) {
    return """
        {"url": "%s", "flavour": "cloud", "auth": "apiToken", "emailEnv": "JIRA_A_EMAIL",
         "tokenEnv": "JIRA_A_TOKEN", "requestsPerSecond": %s%s}""".formatted(cloud.url(),
        perSecond, extra);
  }

  private Path goodConfig() throws Exception {
    return config(cloudSite(", \"allowInsecure\": true"), "",
        ",\n  \"store\": {\"directory\": \"data\"},"
            + "\n  \"server\": {\"port\": 0, \"adminTokenEnv\": \"BACKBONE_ADMIN_TOKEN\"}");
  }

  private ServiceProcess service(String name, String... args) throws Exception {
    return ServiceProcess.start(dir, name, env, args);
  }

  private HttpResponse<String> put(int port, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The value of a sample of synchronization pa-pb in Prometheus text, or -1 when there is none;
   * {@code outcome} null for a meter without that tag.
   */
  private static double sample(String metrics, String name, String connector, String outcome) {
    String labels = "{connector=\"" + connector + "\","
        + (outcome == null ? "" : "outcome=\"" + outcome + "\",") + "synchronization=\"pa-pb\"} ";
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + labels)) {
        return Double.parseDouble(line.substring(name.length() + labels.length()).trim());
      }
    }
    return -1;
  }

  private double sample(int port, String name, String connector, String outcome) {
    try {
      return sample(get(port, "/metrics", null).body(), name, connector, outcome);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void syncsBothWaysUntilSigtermAndARestartContinuesWithNothingDuplicated() throws Exception {
    Path file = goodConfig();
    String pa1 = pa.as("alice").create("Printer on fire");
    pa.as("alice").edit(pa1, "labels", InMemoryIssueTracker.strings("hardware"));

    String pb1;
    try (ServiceProcess first = service("first", "--config", file.toString())) {
      first.await("PA-1 created on PB", WITHIN, () -> pb.allIssues().size() == 1);
      pb1 = pb.allIssues().get(0).key();
      first.await("the labels on PB", WITHIN,
          () -> pb.value(pb1, "labels").toString().contains("hardware"));

      pb.as("bob").edit(pb1, "summary", "Printer on fire, second floor");
      first.await("the edit on PB back on PA", WITHIN,
          () -> pa.value(pa1, "summary").asText().equals("Printer on fire, second floor"));

      int port = Integer.parseInt(first.awaitOutput(PORT, WITHIN));
      HttpResponse<String> health = get(port, "/health", null);
      assertEquals(200, health.statusCode(), health.body());
      HttpResponse<String> lowerCase = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + port + "/admin/synchronizations")).header("Authorization",
          "bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, lowerCase.statusCode(), "the scheme's case does not matter");
      assertEquals(404, get(port, "/adminx", ADMIN_TOKEN).statusCode());
      assertTrue(health.body().contains("\"ready\":true"), health.body());
      assertTrue(health.body().contains("\"PA\":{\"healthy\":true"), health.body());
      // the apply is counted after its transaction commits: a moment after the issue shows it
      first.await("the edit on PA counted", WITHIN,
          () -> sample(port, "backbone_messages_processed_total", "PA", "applied") >= 2);
      HttpResponse<String> scraped = get(port, "/metrics", null);
      String metrics = scraped.body();
      assertEquals(200, scraped.statusCode(), metrics);
      assertEquals("text/plain; version=0.0.4; charset=utf-8",
          scraped.headers().firstValue("Content-Type").orElse(null));
      assertEquals(1, sample(metrics, "backbone_messages_processed_total", "PB", "created"),
          metrics);
      assertEquals(0, sample(metrics, "backbone_messages_processed_total", "PA", "created"),
          metrics);
      assertEquals(2, sample(metrics, "backbone_messages_processed_total", "PA", "applied"),
          "PB's pairing answer and bob's edit; " + metrics);
      assertEquals(2, sample(metrics, "backbone_messages_received_total", "PA", null), metrics);
      assertEquals(0, sample(metrics, "backbone_messages_processed_total", "PB",
          "failed_permanent"), metrics);
      assertTrue(sample(metrics, "backbone_messages_queued_total", "PA", null) >= 1, metrics);
      assertTrue(Pattern.compile("backbone_jira_requests_total\\{endpoint=\"/rest/api/3/search/"
          + "jql\",method=\"GET\",site=\"cloud\",status=\"200\"\\} [1-9]")
          .matcher(metrics).find(), "the cloud site's searches, by endpoint; " + metrics);
      assertFalse(Pattern.compile("backbone_jira_[a-z_]+\\{[^}]*P[AB]-[0-9]").matcher(metrics)
          .find(), "no issue key in a Jira meter");
      assertTrue(sample(metrics, "backbone_messages_sent_total", "PA", null) >= 1, metrics);
      assertEquals(1, sample(metrics, "backbone_connector_healthy", "PB", null), metrics);
      assertTrue(metrics.contains("# TYPE backbone_messages_apply_latency_seconds"), metrics);
      for (String key : List.of(pa1, pb1)) {
        assertFalse(metrics.contains(key), key + " in /metrics: " + metrics);
      }
      HttpResponse<String> anonymous = get(port, "/admin/synchronizations", null);
      assertEquals(401, anonymous.statusCode());
      assertEquals("{\"status\":401,\"error\":\"a valid bearer token is required\","
          + "\"problems\":[],\"problemCount\":0}", anonymous.body());
      assertEquals(401, get(port, "/admin/synchronizations", ADMIN_TOKEN + "x").statusCode());
      HttpResponse<String> syncs = get(port, "/admin/synchronizations", ADMIN_TOKEN);
      assertEquals(200, syncs.statusCode(), syncs.body());
      assertTrue(syncs.body().contains("pa-pb"), syncs.body());
      HttpResponse<String> info = get(port, "/admin/connectors/PB/syncInformation", ADMIN_TOKEN);
      assertTrue(info.body().contains(pb1), info.body());
      // an operator sets the pair to ignore PA's changes and takes them again, over the process's
      // port; a wrong body is refused naming the field, and changes nothing
      long row = -1;
      for (JsonNode r : new ObjectMapper().readTree(info.body()).findParents("localIssueKey")) {
        row = r.get("localIssueKey").asText().equals(pb1) ? r.get("id").asLong() : row;
      }
      String ignore = "/admin/connectors/PB/syncInformation/" + row + "/incomingChangesIgnored";
      HttpResponse<String> refused = put(port, ignore, "{\"incomingChangesIgnored\": \"yes\"}");
      assertEquals(400, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("$.incomingChangesIgnored"), refused.body());
      HttpResponse<String> set = put(port, ignore, "{\"incomingChangesIgnored\": true}");
      assertEquals(200, set.statusCode(), set.body());
      assertTrue(set.body().contains("\"incomingChangesIgnored\":true"), set.body());
      HttpResponse<String> cleared = put(port, ignore, "{\"incomingChangesIgnored\": false}");
      assertEquals(200, cleared.statusCode(), cleared.body());
      assertTrue(cleared.body().contains("\"incomingChangesIgnored\":false"), cleared.body());

      assertEquals(0, first.terminate(WITHIN), first.out() + first.err());
      String log = first.out();
      assertTrue(log.contains("stopped: engines and stores closed"), log);
      assertTrue(Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.* INFO .*"
          + "PB: applied PA-1 #\\d+ by creating PB-1").matcher(log).find(), log);
      assertTrue(log.contains("PA: queued PA-1"), log);
      assertTrue(log.contains("PA: sent PA-1"), log);
      assertFalse(log.contains(TOKEN_A) || log.contains(TOKEN_B) || log.contains(ADMIN_TOKEN));
    }

    // while it was stopped, people went on working on both sites
    pa.as("alice").edit(pa1, "description", "It smokes.");
    String pa2 = pa.as("alice").create("Scanner jammed");
    try (ServiceProcess second = service("second", "--config", file.toString())) {
      second.await("PA-2 created on PB", WITHIN, () -> pb.allIssues().size() == 2);
      second.await("the description of PA-1 on PB", WITHIN,
          () -> pb.value(pb1, "description").asText().equals("It smokes."));
      assertEquals(0, second.terminate(WITHIN), second.out() + second.err());
      assertFalse(second.out().contains("created PB-3"), second.out());
    }
    assertEquals(2, pa.allIssues().size(), "nothing created twice on PA");
    assertEquals(2, pb.allIssues().size(), "nothing created twice on PB");
    assertEquals(List.of("Printer on fire, second floor", "Scanner jammed"),
        pb.allIssues().stream().map(i -> i.field("summary").asText()).sorted().toList());
    assertTrue(pa2.startsWith("PA-"));
  }

  /**
   * SIGTERM while a backlog is applied to a paced site (about a minute of work) stops the service
   * at once, well within a container's 30 s grace period: the apply ends after the pair it is
   * at, the rest stays queued, and the next run applies it with nothing created twice.
   */
  @Test
  void sigtermWithABacklogStopsAfterThePairInProgress() throws Exception {
    int backlog = 60;
    for (int i = 1; i <= backlog; i++) {
      pb.as("bob").create("Printer " + i + " on fire");
    }
    String store = ",\n  \"store\": {\"directory\": \"data\"}";
    Path paced = config(cloudSite(2, ", \"allowInsecure\": true"), "", store);
    try (ServiceProcess first = service("paced", "--config", paced.toString())) {
      first.await("the first of PB's issues created on PA", WITHIN,
          () -> !pa.allIssues().isEmpty());

      assertEquals(0, first.terminate(Duration.ofSeconds(15)), first.out() + first.err());
      assertTrue(first.out().contains("stopped: engines and stores closed"), first.out());
      assertTrue(first.out().matches("(?s).*; left queued for the next start: [1-9][0-9]*\\).*"),
          "says what it left: " + first.out());
      assertFalse(first.out().contains("closing anyway"), first.out());
      assertFalse(first.out().contains("the periodic run tries again"), "a quiet stop: "
          + first.out());
    }
    int created = pa.allIssues().size();
    assertTrue(created < backlog / 2, "the backlog was not worked through: " + created);

    Path unpaced = config(cloudSite(", \"allowInsecure\": true"), "", store);
    try (ServiceProcess second = service("unpaced", "--config", unpaced.toString(), "--once")) {
      assertEquals(0, second.exitCode(WITHIN), second.out() + second.err());
    }
    assertEquals(backlog, pa.allIssues().size(), "each of PB's issues once on PA");
    assertEquals(backlog, pa.allIssues().stream().map(i -> i.field("summary").asText())
        .distinct().count());
  }

  /**
   * The store on PostgreSQL through HikariCP, as the file names it: edits sync, and a second run
   * (another process) continues with nothing created twice. Where {@code BACKBONE_PG_URL} names a
   * database (CI starts one), in a fresh schema of it.
   */
  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgresqlARestartContinuesWithNothingDuplicated() throws Exception {
    String url = System.getenv("BACKBONE_PG_URL");
    String schema = "service_" + ProcessHandle.current().pid();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    env.put("PG_PASSWORD", "unused-with-trust");
    Path file = config(cloudSite(", \"allowInsecure\": true"), "",
        ",\n  \"store\": {\"jdbcUrl\": \"" + url + "&currentSchema=" + schema
            + "\", \"passwordEnv\": \"PG_PASSWORD\", \"maximumPoolSize\": 3}");
    String pa1 = pa.as("alice").create("Printer on fire");
    try (ServiceProcess first = service("pg-first", "--config", file.toString(), "--once")) {
      assertEquals(0, first.exitCode(WITHIN), first.out() + first.err());
      assertTrue(first.out().contains("database jdbc:postgresql:"), first.out());
    }
    assertEquals(1, pb.allIssues().size());
    String pb1 = pb.allIssues().get(0).key();
    pb.as("bob").edit(pb1, "summary", "Printer on fire, second floor");
    pa.as("alice").create("Scanner jammed");
    try (ServiceProcess second = service("pg-second", "--config", file.toString(), "--once")) {
      assertEquals(0, second.exitCode(WITHIN), second.out() + second.err());
    }
    assertEquals("Printer on fire, second floor", pa.value(pa1, "summary").asText());
    assertEquals(2, pa.allIssues().size(), "nothing created twice on PA");
    assertEquals(2, pb.allIssues().size(), "nothing created twice on PB");
    try (Connection c = DriverManager.getConnection(url + "&currentSchema=" + schema);
        Statement s = c.createStatement();
        java.sql.ResultSet rows = s.executeQuery("SELECT count(*) FROM bb_sync_info")) {
      rows.next();
      assertEquals(4, rows.getInt(1), "two pairs, a row on each connector");
    }
  }

  /**
   * With webhooks, an edit reaches the other site at once though the poll runs once an hour:
   * site A signs its webhooks to /webhooks/cloud; forged and unknown-site posts change nothing.
   */
  @Test
  void aSignedWebhookBringsAnEditOverWithoutWaitingForThePoll() throws Exception {
    int port = freePort();
    String secret = "registered-with-the-webhook-0123";
    env.put("JIRA_A_WEBHOOK_SECRET", secret);
    try (FakeJiraServer hooked = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", TOKEN_A)
        .webhook(URI.create("http://127.0.0.1:" + port + "/webhooks/cloud"), secret).start()) {
      Path file = config(cloudSite(", \"allowInsecure\": true, \"webhookSecretEnv\":"
              + " \"JIRA_A_WEBHOOK_SECRET\"").replace(cloud.url().toString(),
              hooked.url().toString()), "",
          ",\n  \"store\": {\"directory\": \"data\"},"
              + "\n  \"server\": {\"port\": " + port + "}")
          .toAbsolutePath();
      Files.writeString(file, Files.readString(file)
          .replace("\"pollInterval\": \"PT0.2S\"", "\"pollInterval\": \"PT1H\""));
      String pa1 = pa.as("alice").create("Printer on fire");
      try (ServiceProcess running = service("webhooks", "--config", file.toString())) {
        running.await("PA-1 created on PB by the first poll", WITHIN,
            () -> pb.allIssues().size() == 1);
        String pb1 = pb.allIssues().get(0).key();

        pa.as("alice").edit(pa1, "summary", "Printer on fire, second floor");
        running.await("the edit on PB, by the webhook", WITHIN,
            () -> pb.value(pb1, "summary").asText().equals("Printer on fire, second floor"));

        String body = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\""
            + pa1 + "\"}}";
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + port + "/webhooks/cloud")).header("X-Hub-Signature",
            "sha256=" + "00".repeat(32)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(401, forged.statusCode(), forged.body());
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + port + "/webhooks/server")).POST(
            HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, elsewhere.statusCode(), "site server takes no webhooks");

        // slow senders (a body that never comes) do not take the port: more of them than the
        // old four threads, and /health still answers; paths are matched whole
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
          for (int i = 0; i < 8; i++) {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
            socket.getOutputStream().write(("POST /webhooks/cloud HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 100\r\n\r\nabc").getBytes(StandardCharsets.US_ASCII));
            slow.add(socket);
          }
          HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, health.statusCode(), health.body());
        } finally {
          for (java.net.Socket socket : slow) {
            socket.close();
          }
        }
        assertEquals(404, get(port, "/healthz", null).statusCode());
        assertEquals(404, get(port, "/metricsfoo", null).statusCode());
        assertTrue(hooked.webhooks().answers().contains(202), hooked.webhooks().answers()
            .toString());
        assertEquals(0, running.terminate(WITHIN), running.out() + running.err());
        assertFalse(running.out().contains(secret), "the secret is not logged");
      }
    }
  }

  /**
   * Two services, each with one of the sites, each running one side of the synchronization and
   * sending its messages to the other's /transport/pa-pb in signed envelopes.
   */
  @Test
  void twoServicesWithASiteEachSyncThroughTheHttpTransport() throws Exception {
    int portA = freePort();
    int portB = freePort();
    env.put("PARTNER_KEY", "a-secret-both-services-share-0123456789");
    Path fileA = halfConfig("a.json", "cloud", cloudSite(", \"allowInsecure\": true"), "A", portB,
        portA);
    Path fileB = halfConfig("b.json", "server", """
        {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
         "tokenEnv": "JIRA_B_TOKEN", "requestsPerSecond": 0, "allowInsecure": true}"""
        .formatted(server.url()), "B", portA, portB);
    String pa1 = pa.as("alice").create("Printer on fire");
    try (ServiceProcess a = service("half-a", "--config", fileA.toString());
        ServiceProcess b = service("half-b", "--config", fileB.toString())) {
      a.await("PA-1 created on PB by the other service", WITHIN,
          () -> pb.allIssues().size() == 1);
      String pb1 = pb.allIssues().get(0).key();
      pb.as("bob").edit(pb1, "summary", "Printer on fire, second floor");
      b.await("bob's edit back on PA", WITHIN,
          () -> pa.value(pa1, "summary").asText().equals("Printer on fire, second floor"));

      byte[] smoke = new byte[300_000];
      new java.util.Random(1).nextBytes(smoke);
      pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
          new java.io.ByteArrayInputStream(smoke));
      b.await("smoke.bin fetched by service B from service A", WITHIN,
          () -> pb.attachments(pb1).size() == 1);
      try (java.io.InputStream in = pb.download(pb.attachments(pb1).get(0).id())) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(smoke, in.readAllBytes());
      }
      HttpResponse<String> unsignedGet = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + portA + "/transport/pa-pb")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, unsignedGet.statusCode(), unsignedGet.body());

      HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + portA + "/transport/pa-pb")).POST(
          HttpRequest.BodyPublishers.ofString("{\"envelopeId\":\"x\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(forged.statusCode() == 400 || forged.statusCode() == 401, forged.body());
      HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + portA + "/transport/other")).POST(
          HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, elsewhere.statusCode());
      assertEquals(0, a.terminate(WITHIN), a.out() + a.err());
      assertEquals(0, b.terminate(WITHIN), b.out() + b.err());
      assertTrue(a.out().contains("/transport/pa-pb"), a.out());
      assertFalse(a.out().contains("a-secret-both-services-share"), "the key is not logged");
    }
    assertEquals(1, pa.allIssues().size(), "nothing created twice on PA");
    assertEquals(1, pb.allIssues().size(), "nothing created twice on PB");
  }

  /** A port nothing listens on (it was free a moment ago). */
  private static int freePort() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** A service file with one site, running one side of pa-pb, the other side a partner. */
  private Path halfConfig(String name, String siteName, String site, String side,
      int partnerPort, int port) throws Exception {
    String other = side.equals("A") ? "B" : "A";
    Path file = dir.resolve(name);
    Files.writeString(file, """
        {
          "sites": {"%s": %s},
          "synchronizations": [{
            "site%s": "%s",
            "partner%s": {"url": "http://127.0.0.1:%d/transport/pa-pb", "keyId": "k1",
                          "keyEnv": "PARTNER_KEY", "allowInsecure": true},
            "sync": {
              "id": "pa-pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [
                {"id": "summary", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "summary", "fieldB": "summary"},
                {"id": "files", "type": "attachments", "direction": "BOTH",
                 "fieldA": "attachment", "fieldB": "attachment"}
              ]
            }
          }],
          "store": {"directory": "data-%s"},
          "server": {"port": %d},
          "pollInterval": "PT0.2S"
        }
        """.formatted(siteName, site, side, siteName, other, partnerPort, side, port));
    return file;
  }

  /**
   * Found by a trial: SIGTERM 0.3 to 1.5 s after the start exited 143 with no log line, as the
   * signals were handled only once the service had signed in and opened its store. Here the
   * sign-in is held by the site: the signal ends the startup without waiting for the sign-in's
   * timeouts and retries (two minutes against a site that never answered: helper-91).
   */
  @Test
  void sigtermDuringTheStartupStopsItWithExitZeroAndALine() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.stall().on("myself"));
    try (ServiceProcess p = service("starting", "--config", goodConfig().toString())) {
      p.await("the sign-in to the cloud site", WITHIN, () -> cloud.count("GET", "myself") > 0);

      p.sigterm();

      assertEquals(0, p.exitCode(Duration.ofSeconds(10)), p.out() + p.err());
      cloud.releaseStalled();
      assertTrue(p.out().contains("stopped during the startup, before the store was opened"),
          p.out());
    }
    assertFalse(Files.exists(dir.resolve("data")), "the store was opened");
  }

  /**
   * Found by an outside tester: with a site that takes connections and never answers, the port
   * was bound but nothing answered ({@code curl -m 4} of {@code /health/live}, {@code /health},
   * {@code /metrics}, {@code /admin} timed out) and nothing was logged for the two minutes of
   * the sign-in's attempts. Now the port answers from the start: live, not ready, state {@code
   * STARTING} and what it waits for; the work routes 503; and the sign-in is logged as it begins.
   */
  @Test
  void whileASiteHoldsTheSignInThePortAnswersStartingAndTheLogSaysWhy() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.stall().on("myself"));
    try (ServiceProcess p = service("starting-port", "--config", goodConfig().toString())) {
      int port = Integer.parseInt(p.awaitOutput(Pattern.compile(
          "answering /health and /metrics on http://127\\.0\\.0\\.1:(\\d+) while the service"
              + " starts"), WITHIN));
      p.await("the sign-in to the cloud site", WITHIN, () -> cloud.count("GET", "myself") > 0);

      HttpResponse<String> live = get(port, "/health/live", null);
      assertEquals(200, live.statusCode(), live.body());
      HttpResponse<String> health = get(port, "/health", null);
      assertEquals(503, health.statusCode(), health.body());
      assertEquals("{\"live\":true,\"ready\":false,\"state\":\"STARTING\",\"waitingFor\":"
          + "\"signing in to site cloud\",\"synchronizations\":[]}", health.body());
      assertEquals(200, get(port, "/metrics", null).statusCode());
      HttpResponse<String> admin = get(port, "/admin/synchronizations", ADMIN_TOKEN);
      assertEquals(503, admin.statusCode(), admin.body());
      assertTrue(admin.body().contains("the service is starting"), admin.body());
      assertTrue(p.out().contains("signing in to site cloud (" + cloud.url()
          + "): at most 4 attempts of 30 s each"), p.out());

      cloud.releaseStalled(); // the sign-in goes on: the service runs
      p.awaitOutput(PORT, WITHIN);
      assertEquals(200, get(port, "/admin/synchronizations", ADMIN_TOKEN).statusCode());
      assertEquals(0, p.terminate(WITHIN), p.out() + p.err());
    }
  }

  /**
   * Found by an outside tester: {@code --once} stopped by SIGTERM 0.8 to 3.2 s after its start
   * exited 143 with no log line at all (its signals were the JVM's). Now it logs the line the
   * long-running service logs, and exits as the JVM would for the signal.
   */
  @Test
  void onceStoppedDuringTheStartupSaysSoAndExits143() throws Exception {
    cloud.enqueue(FakeJiraServer.Fault.stall().on("myself"));
    try (ServiceProcess p = service("once-starting", "--config", goodConfig().toString(),
        "--once")) {
      p.await("the sign-in to the cloud site", WITHIN, () -> cloud.count("GET", "myself") > 0);

      p.sigterm();

      assertEquals(143, p.exitCode(Duration.ofSeconds(10)), p.out() + p.err());
      cloud.releaseStalled();
      assertTrue(p.out().contains("stopped during the startup, before the store was opened"),
          p.out());
    }
    assertFalse(Files.exists(dir.resolve("data")), "the store was opened");
  }

  @Test
  void onceRunsUntilQuietAndExitsZero() throws Exception {
    Path file = goodConfig();
    pa.as("alice").create("Printer on fire");
    try (ServiceProcess once = service("once", "--config", file.toString(), "--once")) {
      assertEquals(0, once.exitCode(WITHIN), once.out() + once.err());
      assertTrue(once.out().contains("(1 created), failed 0"),
          once.out());
    }
    assertEquals(1, pb.allIssues().size());
    assertTrue(Files.exists(dir.resolve("data").resolve("backbone.mv.db")), "H2 files");
  }

  @Test
  void checkNamesAFieldMissingOnOneSiteAndWritesNothing() throws Exception {
    Path file = config(cloudSite(", \"allowInsecure\": true"), """
        ,
                {"id": "team", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "customfield_10100", "fieldB": "customfield_10100"}""",
        ",\n  \"store\": {\"directory\": \"data\"}");
    pa.as("alice").create("Printer on fire");
    try (ServiceProcess check = service("check", "--config", file.toString(), "--check")) {
      assertEquals(3, check.exitCode(WITHIN), check.out() + check.err());
      List<String> lines = check.err().lines().toList();
      assertEquals(1, lines.size(), check.err());
      assertTrue(lines.get(0).startsWith(file + ": $.synchronizations[0].sync.fieldMappings[3]"),
          lines.get(0));
      assertTrue(lines.get(0).contains("customfield_10100"), lines.get(0));
      assertTrue(check.out().contains("signed in as sync-a"), check.out());
    }
    assertEquals(0, pb.allIssues().size());
    assertFalse(Files.exists(dir.resolve("data")), "--check opened the store");

    Path good = goodConfig();
    try (ServiceProcess check = service("check-ok", "--config", good.toString(), "--check")) {
      assertEquals(0, check.exitCode(WITHIN), check.out() + check.err());
      assertTrue(check.out().contains("synchronization pa-pb: OK"), check.out());
    }
  }

  /** A mistake of the file or the environment, its one line and its exit code. */
  private void refused(String name, Path file, int exitCode, String line, String... args)
      throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = file.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    try (ServiceProcess p = service(name, all)) {
      assertEquals(exitCode, p.exitCode(WITHIN), name + ": " + p.out() + p.err());
      List<String> lines = p.err().lines().toList();
      assertEquals(1, lines.size(), name + ": " + p.err());
      assertTrue(lines.get(0).contains(line), name + ": " + lines.get(0));
      assertFalse(p.err().contains("\tat "), name + ": a stack trace");
    }
  }

  @Test
  void eachMistakeOfTheFileIsOneLineWithItsPathAndExitCode() throws Exception {
    String insecure = ", \"allowInsecure\": true";
    String store = ",\n  \"store\": {\"directory\": \"data\"}";
    refused("missing", dir.resolve("nowhere.json"), 3, dir.resolve("nowhere.json")
        + ": no such file");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"sites\": {\n");
    refused("invalid", broken, 3, broken + ": not valid JSON at line 2");
    refused("store typo", config(cloudSite(insecure), "", ",\n  \"store\": {\"dir\": \"x\"}"),
        3, "$.store.dir: unknown key");
    refused("sync typo", config(cloudSite(insecure + ", \"colour\": 1"), "", store), 3,
        "$.sites.cloud.colour: unknown key");
    refused("http", config(cloudSite(""), "", store), 3, "$.sites.cloud.url: is http");
    refused("ftp", config(cloudSite(insecure).replace("http://", "ftp://"), "", store), 3,
        "$.sites.cloud.url: ");
    refused("unknown field", config(cloudSite(insecure), """
        ,
                {"id": "x", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "nosuchfield", "fieldB": "summary"}""", store), 3,
        ": $.synchronizations[0].sync.fieldMappings[3]");
    refused("usage", goodConfig(), 2, "unknown argument --onse", "--onse");
    assertFalse(Files.exists(dir.resolve("backbone-data")), "a fresh store was made");
    assertFalse(Files.exists(dir.resolve("data")), "the store was opened");

    env.put("JIRA_A_TOKEN", "wrong");
    refused("credentials", goodConfig(), 4, "site cloud (" + cloud.url()
        + ") refuses the credentials");
    env.put("JIRA_A_TOKEN", TOKEN_A);
    String gone = "http://127.0.0.1:" + freePort();
    refused("unreachable", config(cloudSite(insecure).replace(cloud.url().toString(), gone), "",
        store), 4, "site cloud (" + gone + ") cannot be reached");
  }
}
