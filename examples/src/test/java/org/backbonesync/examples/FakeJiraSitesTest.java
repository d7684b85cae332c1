package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
}
