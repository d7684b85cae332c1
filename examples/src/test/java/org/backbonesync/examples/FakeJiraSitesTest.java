package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The fake sites' typed commands, and a configuration naming both sites and no secret. */
class FakeJiraSitesTest {
  @Test
  void typedCommandsCreateAndShowIssues() {
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      assertEquals("created PA-1", sites.command("PA Printer on fire"));
      assertEquals("created PB-1", sites.command("PB Order toner"));
      assertEquals("PA-1: Printer on fire, comments 0", sites.command("show PA-1"));
      assertEquals("no issue PB-9", sites.command("show PB-9"));
      assertTrue(sites.command("what").startsWith("type \"PA <summary>\""));
    }
  }

  @Test
  void theConfigurationNamesTheVariablesNotTheTokens() {
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      String config = sites.configuration(Path.of("data \"x\""), 8080);
      assertTrue(config.contains("\"tokenEnv\": \"JIRA_A_TOKEN\""), config);
      assertTrue(config.contains("\"directory\": \"data \\\"x\\\"\""), config);
      sites.environment().values().stream().filter(v -> v.length() == 32)
          .forEach(token -> assertTrue(!config.contains(token), "a token in the file"));
    }
  }

  @Test
  void theServicePortIsTheSecondArgument() {
    assertEquals(8080, FakeJiraSites.servicePort(new String[] {"sync.fake.json"}));
    assertEquals(8081, FakeJiraSites.servicePort(new String[] {"sync.fake.json", "8081"}));
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      assertTrue(sites.configuration(Path.of("data"), 8081).contains("\"port\": 8081"));
    }
    for (String bad : new String[] {"0", "65536", "80a", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FakeJiraSites.servicePort(new String[] {"sync.fake.json", bad}));
      assertEquals("the service's port (the second argument) must be a number from 1 to 65535,"
          + " was \"" + bad + "\"", e.getMessage());
    }
  }

  /**
   * An operator's trial drives the sites as alice and bob over REST: the printed logins sign in
   * (they were not printed, and the sites knew no secret of theirs), and a create with labels is
   * taken (labels were not on the create screen: a 400).
   */
  @Test
  void aliceAndBobSignInWithThePrintedLoginsAndCreateIssuesWithLabels() throws Exception {
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      HttpClient http = HttpClient.newHttpClient();
      List<String> created = new ArrayList<>();
      for (String person : List.of("alice", "bob")) {
        String login = sites.logins().get(person);
        Matcher curl = Pattern.compile("curl (?:-u (\\S+)|-H '([^']+)') (\\S+)/myself")
            .matcher(login);
        assertTrue(curl.matches(), login);
        String authorization = curl.group(1) != null ? "Basic " + java.util.Base64.getEncoder()
            .encodeToString(curl.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            : curl.group(2).substring("Authorization: ".length());
        String api = curl.group(3);

        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(api + "/myself"))
            .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode(), person + ": " + me.body());
        assertTrue(me.body().contains(person + "@example.com"), me.body());

        String project = person.equals("alice") ? "PA" : "PB";
        HttpResponse<String> create = http.send(HttpRequest.newBuilder(URI.create(api + "/issue"))
            .header("Authorization", authorization).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"fields\": {\"project\": {\"key\": \""
                + project + "\"}, \"issuetype\": {\"name\": \"Task\"}, \"summary\":"
                + " \"Printer on fire\", \"labels\": [\"hardware\"]}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, create.statusCode(), person + ": " + create.body());
        created.add(project + "-1");
      }
      assertEquals("[\"hardware\"]",
          sites.projectA().issue("PA-1").orElseThrow().field("labels").toString());
      assertEquals("bob", sites.projectB().issue("PB-1").orElseThrow().creator());
      assertEquals("[\"hardware\"]",
          sites.projectB().issue("PB-1").orElseThrow().field("labels").toString());
      assertEquals(List.of("PA-1", "PB-1"), created);
    }
  }
}
