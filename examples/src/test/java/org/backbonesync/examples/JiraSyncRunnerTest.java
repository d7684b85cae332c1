package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone runner syncs two fake Jira sites, a Cloud one and a Server one. */
class JiraSyncRunnerTest {
  private static final String TOKEN_A = "cloud-token-4711";
  private static final String TOKEN_B = "server-pat-0815";

  @TempDir Path dir;
  private InMemoryIssueTracker pa;
  private InMemoryIssueTracker pb;
  private FakeJiraServer cloud;
  private FakeJiraServer server;
  private final Map<String, String> env = new HashMap<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeEach
  void sites() {
    pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC()).syncUser("sync-a")
        .users("alice").build();
    pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC()).syncUser("sync-b")
        .users("bob").build();
    cloud = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", TOKEN_A).start();
    server = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
        .credential("sync-b", TOKEN_B).start();
    env.put("JIRA_A_EMAIL", "sync-a@example.com");
    env.put("JIRA_A_TOKEN", TOKEN_A);
    env.put("JIRA_B_TOKEN", TOKEN_B);
  }

  @AfterEach
  void stop() {
    cloud.close();
    server.close();
  }

  private Path config(String syncUserB, String extraSiteA) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, """
        {
          "sync": {
            "id": "pa-pb",
            "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
            "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "%s"},
            "fieldMappings": [
              {"id": "summary", "type": "passthrough", "direction": "BOTH",
               "fieldA": "summary", "fieldB": "summary"},
              {"id": "description", "type": "passthrough", "direction": "BOTH",
               "fieldA": "description", "fieldB": "description"},
              {"id": "labels", "type": "passthrough", "direction": "BOTH",
               "fieldA": "labels", "fieldB": "labels"}
            ]
          },
          "sites": {
            "A": {"url": "%s", "auth": "apiToken", "emailEnv": "JIRA_A_EMAIL",
                  "tokenEnv": "JIRA_A_TOKEN", "requestsPerSecond": 0%s},
            "B": {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
                  "tokenEnv": "JIRA_B_TOKEN", "requestsPerSecond": 0}
          },
          "store": {"directory": "data"},
          "pollInterval": "PT5S"
        }
        """.formatted(syncUserB, cloud.url(), extraSiteA, server.url()));
    return file;
  }

  @Test
  void syncsBothWaysAndRemembersItsPairsAcrossRuns() throws Exception {
    Path file = config("sync-b", "");
    String pa1 = pa.as("alice").create("Printer on fire");
    pa.as("alice").edit(pa1, "description", "It smokes.\n\nA lot.");
    pa.as("alice").edit(pa1, "labels", InMemoryIssueTracker.strings("hardware"));

    JiraSyncRunner.Summary first = JiraSyncRunner.run(file, env, true, out);

    assertEquals(1, pb.allIssues().size());
    String pb1 = pb.allIssues().get(0).key();
    assertEquals("Printer on fire", pb.value(pb1, "summary").asText());
    assertEquals("It smokes.\n\nA lot.", pb.value(pb1, "description").asText());
    assertEquals(1, first.created());
    assertEquals(0, first.failed());
    assertTrue(Files.exists(dir.resolve("data").resolve("backbone.mv.db")), "H2 files");

    pb.as("bob").edit(pb1, "summary", "Printer on fire, second floor");
    JiraSyncRunner.Summary second = JiraSyncRunner.run(file, env, true, out);

    assertEquals("Printer on fire, second floor", pa.value(pa1, "summary").asText());
    assertEquals(0, second.created(), "the pair was kept in the H2 files");
    assertEquals(1, pa.allIssues().size());
    assertEquals(1, pb.allIssues().size());
    String log = printed.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("done: polled"), log);
    assertFalse(log.contains(TOKEN_A) || log.contains(TOKEN_B), "no secret printed");
  }

  @Test
  void everyProblemOfTheFileIsNamedWithItsPathAndNoSecretIsShown() throws Exception {
    Path file = config("sync-b", ", \"colour\": \"blue\"");
    env.remove("JIRA_B_TOKEN");

    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> JiraSyncRunner.run(file, env, true, out));

    List<String> problems = e.problems().stream().map(ConfigurationProblem::toString).toList();
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("$.sites.A.colour: unknown key")),
        problems.toString());
    assertTrue(problems.contains("$.sites.B.tokenEnv: environment variable JIRA_B_TOKEN is not"
        + " set"), problems.toString());
    assertFalse(e.getMessage().contains(TOKEN_A));
  }

  @Test
  void theExampleFileIsValidButForTheSecretsItNames() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> JiraSyncRunner.run(Path.of("jira-sync.example.json"), Map.of(), true, out));

    assertEquals(List.of(
        "$.sites.A.emailEnv: environment variable JIRA_A_EMAIL is not set",
        "$.sites.A.tokenEnv: environment variable JIRA_A_TOKEN is not set",
        "$.sites.B.tokenEnv: environment variable JIRA_B_TOKEN is not set"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void aSyncUserThatIsNotWhoTheCredentialsAreIsRefusedBeforeAnythingRuns() throws Exception {
    Path file = config("someone-else", "");
    pa.as("alice").create("Printer on fire");

    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> JiraSyncRunner.run(file, env, true, out));

    assertEquals(List.of("$.sync.connectorB.syncUser: is \"someone-else\" but the credentials"
        + " of JiraSite[" + server.url() + "] sign in as \"sync-b\""),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
    assertEquals(0, pb.allIssues().size());
  }
}
