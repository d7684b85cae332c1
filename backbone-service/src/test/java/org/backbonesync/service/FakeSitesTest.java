package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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

  /**
   * A port in use or an address not of this machine stops the service at once, naming the
   * setting, before it signs in or makes its store (a trial run found exit 1 with the JDK's
   * BindException and its stack, after a new H2 store was made).
   */
  @Test
  void aPortInUseOrAForeignAddressStopsTheServiceBeforeItsStoreNamingTheSetting()
      throws Exception {
    try (FakeJiraSites sites = FakeJiraSites.start();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path file = dir.resolve("sync.fake.json");
      Path data = dir.resolve("data");
      Files.writeString(file, sites.configuration(data, taken.getLocalPort()));
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      assertEquals(ServiceMain.CONFIGURATION, ServiceMain.run(
          new String[] {"--config", file.toString()}, sites.environment(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)), "the service, not --once");
      assertEquals(file + ": $.server.port: cannot listen on 127.0.0.1 port "
          + taken.getLocalPort() + ": Address already in use (another process has it?)",
          err.toString(StandardCharsets.UTF_8).strip());
      assertFalse(Files.exists(data), "no store made");

      Files.writeString(file, sites.configuration(data, 0)
          .replace("\"bindAddress\": \"127.0.0.1\"", "\"bindAddress\": \"999.1.1.1\""));
      err.reset();
      assertEquals(ServiceMain.CONFIGURATION, service(sites, file, "--check", err));
      assertEquals(file + ": $.server.bindAddress: cannot be resolved, was \"999.1.1.1\"",
          err.toString(StandardCharsets.UTF_8).strip());
    }
  }
}
