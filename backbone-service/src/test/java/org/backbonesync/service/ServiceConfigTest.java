package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example file of the module is valid but for the secrets it names. */
class ServiceConfigTest {
  private static final Path EXAMPLE = Path.of("sync.example.json");

  @Test
  void theExampleFileIsValidButForTheSecretsItNames() {
    ServiceFailure f = assertThrows(ServiceFailure.class,
        () -> ServiceConfig.read(EXAMPLE, Map.of()));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(
        EXAMPLE + ": $.sites.support.emailEnv: environment variable JIRA_A_EMAIL is not set",
        EXAMPLE + ": $.sites.support.tokenEnv: environment variable JIRA_A_TOKEN is not set",
        EXAMPLE + ": $.sites.dev.tokenEnv: environment variable JIRA_B_TOKEN is not set",
        EXAMPLE + ": $.server.adminTokenEnv: environment variable BACKBONE_ADMIN_TOKEN is not"
            + " set"), f.lines());
  }

  @Test
  void withTheSecretsSetItIsReadWithItsStoreBesideTheFile() {
    ServiceConfig config = ServiceConfig.read(EXAMPLE, Map.of("JIRA_A_EMAIL", "a@example.com",
        "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef"));

    assertEquals("support-to-dev", config.synchronizations().get(0).configuration().id());
    assertEquals(EXAMPLE.toAbsolutePath().getParent().resolve("backbone-data"),
        config.store().directory());
    assertEquals(8080, config.server().port());
  }
}
