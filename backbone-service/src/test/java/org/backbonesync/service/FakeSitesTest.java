package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.backbonesync.examples.FakeJiraSites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's way to try the service without Jira: the configuration the examples' fake sites
 * write passes the service's check, and one run until quiet syncs an issue across.
 */
class FakeSitesTest {
  @TempDir
  Path dir;

  private int service(FakeJiraSites sites, Path file, String mode, ByteArrayOutputStream err) {
    return ServiceMain.run(new String[] {"--config", file.toString(), mode},
        sites.environment(), new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void theFakeSitesConfigurationChecksAndOneRunSyncsAnIssueAcross() throws Exception {
    try (FakeJiraSites sites = FakeJiraSites.start()) {
      Path file = dir.resolve("sync.fake.json");
      Files.writeString(file, sites.configuration(dir.resolve("data"), 0));
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      assertEquals(0, service(sites, file, "--check", err), err.toString(StandardCharsets.UTF_8));
      String key = sites.projectA().create("Printer on fire");
      sites.projectA().addComment(key, "It smokes.");
      assertEquals(0, service(sites, file, "--once", err), err.toString(StandardCharsets.UTF_8));

      assertEquals("Printer on fire", sites.projectB().issue("PB-1").orElseThrow()
          .field("summary").asText());
      assertTrue(sites.projectB().comments("PB-1").get(0).body().endsWith("It smokes."),
          sites.projectB().comments("PB-1").toString());
    }
  }
}
