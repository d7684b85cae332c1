package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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

  /**
   * Found by a trial: {@code "projectKey": "ZZ"} gave exit 4 (a site cannot be reached) and
   * blamed both projects: {@code projects ZZ on site cloud (...) and PB on site server (...)
   * cannot be read: Jira refused GET /rest/api/3/project/ZZ (HTTP 404)}.
   */
  @Test
  void aProjectThatIsNotThereIsAProblemOfTheFileAtItsKey() throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "ZZ", ""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exit = ServiceMain.run(new String[] {"--config", file.toString(), "--check"},
        Map.of("JIRA_A_EMAIL", "sync-a@example.com", "JIRA_A_TOKEN", "cloud-token-4711",
            "JIRA_B_TOKEN", "server-pat-0815"),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(ServiceMain.CONFIGURATION, exit, err.toString(StandardCharsets.UTF_8));
    assertEquals(List.of(file + ": $.synchronizations[0].sync.connectorA.projectKey: \"ZZ\" is"
        + " not a project of site cloud (" + cloud.url() + ") that sync-a can browse (Jira"
        + " answered HTTP 404)"), err.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
