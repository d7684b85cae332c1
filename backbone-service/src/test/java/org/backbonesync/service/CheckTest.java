package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
        + " http://127.0.0.1:" + gone + "/transport/pa-pb cannot be reached (ConnectException)"),
        run.get(2).lines().toList());
  }

  @Test
  void aPartnerServiceThatAnswersIsOk() throws Exception {
    HttpServer partner = HttpServer.create(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0), 0);
    partner.createContext("/transport/pa-pb", exchange -> {
      exchange.sendResponseHeaders(405, -1); // (a transport takes POSTs only)
      exchange.close();
    });
    partner.start();
    try {
      Path file = dir.resolve("sync.json");
      Files.writeString(file, PartnerFile.json(cloud.url(), partner.getAddress().getPort()));

      List<String> run = check(file, PartnerFile.ENV);

      assertEquals("0", run.get(0), run.get(2));
      assertTrue(run.get(1).contains("partner http://127.0.0.1:" + partner.getAddress().getPort()
          + "/transport/pa-pb: answered HTTP 405\n" + file + ": OK"), run.get(1));
    } finally {
      partner.stop(0);
    }
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
}
