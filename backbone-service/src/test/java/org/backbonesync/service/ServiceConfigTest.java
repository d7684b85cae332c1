package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertFalse(config.toString().contains("0123456789abcdef"), "no admin token in " + config);
  }

  /**
   * A token pasted where the variable's name goes is not echoed (found by a trial run), an
   * all-capitals one (an access key id) neither (found by a review).
   */
  @Test
  void aSecretGivenInPlaceOfAVariableNameIsNotShown(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    for (String secret : List.of("ATATT3x-SECRET-TOKEN", "AKIAIOSFODNN7EXAMPLE")) {
      Files.writeString(file, Files.readString(EXAMPLE)
          .replace("\"tokenEnv\": \"JIRA_A_TOKEN\"", "\"tokenEnv\": \"" + secret + "\""));

      ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
          Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_B_TOKEN", "t",
              "BACKBONE_ADMIN_TOKEN", "0123456789abcdef")));

      assertEquals(List.of(file + ": $.sites.support.tokenEnv: the environment variable it names"
          + " (not shown: not like a variable's name, is it a secret pasted in its place?) is"
          + " not set"), f.lines(), secret);
    }
  }

  /**
   * Found by an outside tester: {@code {"sites":{},"synchronizations":[]}} was refused as
   * "missing" at both paths; each says what it is: missing, empty, or of another kind.
   */
  @Test
  void sitesAndSynchronizationsAreToldMissingEmptyOrOfAnotherKind(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("sync.json");
    Map<String, List<String>> refusals = Map.of(
        "{}", List.of(
            file + ": $.sites: missing: an object of sites by name, e.g. {\"a\": {\"url\": ...}}",
            file + ": $.synchronizations: missing: an array of at least one synchronization,"
                + " e.g. [{\"siteA\": ..., \"siteB\": ..., \"sync\": {...}}]"),
        "{\"sites\":{},\"synchronizations\":[]}", List.of(
            file + ": $.sites: is empty: give sites by name, e.g. {\"a\": {\"url\": ...}}",
            file + ": $.synchronizations: is empty: give at least one synchronization, e.g."
                + " [{\"siteA\": ..., \"siteB\": ..., \"sync\": {...}}]"),
        "{\"sites\":[],\"synchronizations\":{\"a\":1}}", List.of(
            file + ": $.sites: must be an object of sites by name, e.g. {\"a\": {\"url\": ...}},"
                + " was []",
            file + ": $.synchronizations: must be an array of at least one synchronization, e.g."
                + " [{\"siteA\": ..., \"siteB\": ..., \"sync\": {...}}], was {\"a\":1}"));
    for (Map.Entry<String, List<String>> given : refusals.entrySet()) {
      Files.writeString(file, given.getKey());

      ServiceFailure f = assertThrows(ServiceFailure.class,
          () -> ServiceConfig.read(file, Map.of()));

      assertEquals(given.getValue(), f.lines(), given.getKey());
    }
  }

  /**
   * A token pasted as a site's {@code auth} is not shown, as a typo of one of the three is
   * (found by a trial run: the refusal printed the token), nor a password of letters only.
   */
  @Test
  void aSecretGivenAsTheAuthIsNotShownButATypoIs(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
    String example = Files.readString(EXAMPLE);
    assertTrue(example.contains("\"auth\": \"apiToken\""), "the example's site a");
    Map<String, String> shown = Map.of(
        "SUPERSECRETauth01", "a text that is not shown (a secret pasted in its place?)",
        "ATATT3xFfGF0abcdefghijklmnop", "a text that is not shown (a secret pasted in its place?)",
        "api token", "\"api token\"",
        "Personal_Access-Tokn", "\"Personal_Access-Tokn\"",
        "pasword", "\"pasword\"",
        "correcthorsebatterystaple",
        "a text that is not shown (a secret pasted in its place?)");
    for (Map.Entry<String, String> e : shown.entrySet()) {
      Files.writeString(file, example.replace("\"auth\": \"apiToken\"",
          "\"auth\": \"" + e.getKey() + "\""));

      ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

      assertEquals(List.of(file + ": $.sites.support.auth: must be apiToken,"
          + " personalAccessToken or password, was " + e.getValue()), f.lines(), e.getKey());
    }
  }

  /**
   * A site whose name is no plain word is shown in brackets, quoted: {@code $.sites.../evil} read
   * as a path of its own (found by a trial run).
   */
  @Test
  void aSiteNamedWithDotsAndSlashesIsQuotedInItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE)
        .replace("\"support\": {", "\"../evil\\n\": {")
        .replace("\"siteA\": \"support\"", "\"siteA\": \"../evil\\n\""));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef")));

    assertTrue(f.lines().contains(file + ": $.sites[\"../evil\\n\"].emailEnv: environment"
        + " variable JIRA_A_EMAIL is not set"), f.lines().toString());
  }

  @Test
  void aStoreUrlIsShownWithoutWhatMayHoldAPassword() {
    assertEquals("database jdbc:postgresql://db.example.com/sync?…", new ServiceConfig.Store(
        null, "jdbc:postgresql://db.example.com/sync?user=sync&password=SECRET", null, null, 4)
        .toString());
    assertEquals("database jdbc:h2:tcp://***@db.example.com/sync?…", new ServiceConfig.Store(
        null, "jdbc:h2:tcp://sync:SECRET@db.example.com/sync;PASSWORD=SECRET", null, null, 4)
        .toString());
    // (a password holding '/' or '@': the reviewer's cases)
    assertEquals("database jdbc:h2:tcp://***@db.example.com/sync", new ServiceConfig.Store(null,
        "jdbc:h2:tcp://sync:SE/CRET@db.example.com/sync", null, null, 4).toString());
    assertEquals("database jdbc:h2:tcp://***@db.example.com/sync", new ServiceConfig.Store(null,
        "jdbc:h2:tcp://sync:SE@CRET@db.example.com/sync", null, null, 4).toString());
  }

  /**
   * A JDBC URL carrying credentials is refused before a driver sees it: pgjdbc and HikariCP quote
   * its user part in their own messages and log lines (found running the service: "The
   * connection attempt failed.: u:SECRET@127.0.0.1").
   */
  @Test
  void aStoreUrlCarryingCredentialsIsRefusedWithoutThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
    for (String url : List.of("jdbc:postgresql://u:SECRET@127.0.0.1:1/x",
        "jdbc:postgresql://127.0.0.1:1/x?user=u&password=SECRET", "SECRET")) {
      Files.writeString(file, Files.readString(EXAMPLE).replace(
          "\"store\": {\"directory\": \"backbone-data\"}",
          "\"store\": {\"jdbcUrl\": \"" + url + "\"}"));

      ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

      assertEquals(1, f.lines().size(), f.lines().toString());
      assertTrue(f.lines().get(0).startsWith(file + ": $.store.jdbcUrl: "), f.lines().get(0));
      assertFalse(f.lines().get(0).contains("SECRET"), f.lines().get(0));
    }
  }

  @Test
  void aStoreUrlThatIsNotJdbcIsRefusedWithoutItsPassword(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE).replace(
        "\"store\": {\"directory\": \"backbone-data\"}",
        "\"store\": {\"jdbcUrl\": \"postgres://sync:SECRET@db.example.com/sync\"}"));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t",
            "BACKBONE_ADMIN_TOKEN", "0123456789abcdef")));

    assertEquals(List.of(file + ": $.store.jdbcUrl: must be a JDBC URL, e.g."
        + " \"jdbc:postgresql://db.example.com/backbone\", was \"postgres://***@db.example.com"
        + "/sync\""), f.lines());
  }

  @Test
  void pacesAreReadAndWrongOnesRefusedWithTheirPaths(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    String example = Files.readString(EXAMPLE);
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
    Files.writeString(file, example.replace("\"requestsPerSecond\": 5},\n    \"dev\"",
        "\"requestsPerSecond\": 5, \"endpointPace\": {\"perSecond\": 2.5, \"burst\": 4},"
            + " \"issueWritePace\": {\"perSecond\": 0, \"burst\": 1}},\n    \"dev\""));

    ServiceConfig config = ServiceConfig.read(file, env);

    ServiceConfig.Site support = config.sites().get("support");
    assertEquals(new ServiceConfig.Pace(2.5, 4), support.endpointPace());
    assertEquals(new ServiceConfig.Pace(0, 1), support.issueWritePace());
    assertEquals(null, config.sites().get("dev").endpointPace(), "the adapter's default");

    Files.writeString(file, example.replace("\"requestsPerSecond\": 5},\n    \"dev\"",
        "\"requestsPerSecond\": 5, \"endpointPace\": {\"perSecond\": -1, \"burst\": 0.5,"
            + " \"rate\": 1}, \"issueWritePace\": 3},\n    \"dev\"")
        .replace("\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5}",
            "\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5,"
            + " \"issueWritePace\": {\"perSecond\": 0.01, \"burst\": 2147483647}}"));
    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));
    assertEquals(List.of(
        file + ": $.sites.support.endpointPace.perSecond: must be 0 (no pace) or a number"
            + " from 0.01 to 10000, was -1",
        file + ": $.sites.support.endpointPace.burst: must be a whole number from 1 to"
            + " 1000000, was 0.5",
        file + ": $.sites.support.endpointPace.rate: unknown key; known: [burst, perSecond]",
        file + ": $.sites.support.issueWritePace: must be an object: {\"perSecond\": ...,"
            + " \"burst\": ...}, was 3",
        file + ": $.sites.dev.issueWritePace.burst: must be a whole number from 1 to 1000000,"
            + " was 2147483647"), f.lines());
  }

  /** Found by running the service: each passed the check, then hung or crashed it. */
  @Test
  void pollIntervalsAndRequestRatesOutOfRangeAreRefusedWithTheirPaths(@TempDir Path dir)
      throws Exception {
    String example = Files.readString(EXAMPLE);
    Path file = dir.resolve("sync.json");
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
    Files.writeString(file, example
        .replace("\"requestsPerSecond\": 5},\n    \"dev\"", "\"requestsPerSecond\": 1e-9,"
            + " \"endpointPace\": {\"perSecond\": 1e30, \"burst\": 1}},\n    \"dev\"")
        .replace("\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5}",
            "\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 1e400}")
        .replace("\"pollInterval\": \"PT30S\"", "\"pollInterval\": \"PT0.0005S\"")
        .replace("\"port\": 8080", "\"port\": 4294967376")); // (2^32 + 80: no port 80)

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

    assertEquals(List.of(
        file + ": $.sites.support.requestsPerSecond: must be 0 (no limit) or a number from 0.01"
            + " to 10000, was 1E-9",
        file + ": $.sites.support.endpointPace.perSecond: must be 0 (no pace) or a number"
            + " from 0.01 to 10000, was 1E+30",
        file + ": $.sites.dev.requestsPerSecond: must be 0 (no limit) or a number from 0.01"
            + " to 10000, was 1E+400",
        file + ": $.server.port: must be a port number from 0 (any free one) to 65535, was"
            + " 4294967376",
        file + ": $.pollInterval: must be an ISO-8601 duration from PT0.01S to PT24H (e.g."
            + " \"PT30S\"), was \"PT0.0005S\""), f.lines());
  }

  /**
   * Found by outside testers: {@code PT0.0101S} was taken (scheduled as 10 ms); both intervals,
   * the root's and a synchronization's, refuse it, naming why, and take whole milliseconds
   * however written, in lower case too ({@code pt30s}, as {@code Duration.parse} reads it).
   */
  @Test
  void aPollIntervalFinerThanAMillisecondIsRefused(@TempDir Path dir)
      throws Exception {
    String example = Files.readString(EXAMPLE);
    Path file = dir.resolve("sync.json");
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
    String perSync = "\"siteB\": \"dev\",\n      \"pollInterval\": \"%s\",";
    Files.writeString(file, example.replace("\"pollInterval\": \"PT30S\"",
        "\"pollInterval\": \"pt30s\"").replace("\"siteB\": \"dev\",",
            String.format(perSync, "PT0.0101S")));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

    assertEquals(List.of(
        file + ": $.synchronizations[0].pollInterval: must be an ISO-8601 duration from PT0.01S"
            + " to PT24H (e.g. \"PT30S\"), was \"PT0.0101S\": finer than a millisecond, which"
            + " the poll is scheduled in"), f.lines(), "pt30s is read as Duration.parse reads it");

    Files.writeString(file, example.replace("\"pollInterval\": \"PT30S\"",
        "\"pollInterval\": \"PT0.0100S\"").replace("\"siteB\": \"dev\",",
            String.format(perSync, "PT1M0.5S")));
    ServiceConfig read = ServiceConfig.read(file, env);
    assertEquals(Duration.ofMillis(60_500), read.synchronizations().get(0).pollInterval());
    Files.writeString(file, example.replace("\"pollInterval\": \"PT30S\"",
        "\"pollInterval\": \"PT0.0100S\""));
    assertEquals(Duration.ofMillis(10),
        ServiceConfig.read(file, env).synchronizations().get(0).pollInterval());
  }

  @Test
  void webhookSettingsAreCheckedWithTheirPaths(@TempDir Path dir) throws Exception {
    String example = Files.readString(EXAMPLE);
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example
        .replace("\"requestsPerSecond\": 5},\n    \"dev\"",
            "\"requestsPerSecond\": 5, \"webhookSecretEnv\": \"HOOK\","
                + " \"webhooksUnsigned\": true},\n    \"dev\"")
        .replace("\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5}",
            "\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5,"
                + " \"webhooksUnsigned\": \"yes\"}")
        .replace("\"server\": {\"port\": 8080, \"bindAddress\": \"127.0.0.1\","
            + " \"adminTokenEnv\": \"BACKBONE_ADMIN_TOKEN\"},\n", ""));
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t");

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

    assertEquals(List.of(
        file + ": $.sites.support.webhookSecretEnv: environment variable HOOK is not set",
        file + ": $.sites.support.webhookSecretEnv: webhooks are taken on the service's port:"
            + " add \"server\": {\"port\": ...}",
        file + ": $.sites.support.webhooksUnsigned: contradicts webhookSecretEnv: signed"
            + " webhooks are checked, so set one of them",
        file + ": $.sites.dev.webhooksUnsigned: must be true or false, was \"yes\""), f.lines());

    Files.writeString(file, Files.readString(file).replace(", \"webhooksUnsigned\": true", "")
        .replace("\"webhooksUnsigned\": \"yes\"", "\"webhooksUnsigned\": true"));
    ServiceFailure noPort = assertThrows(ServiceFailure.class,
        () -> ServiceConfig.read(file, Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN",
            "t", "JIRA_B_TOKEN", "t", "HOOK", "0123456789abcdef")));
    assertEquals(List.of(
        file + ": $.sites.support.webhookSecretEnv: webhooks are taken on the service's port:"
            + " add \"server\": {\"port\": ...}",
        file + ": $.sites.dev.webhooksUnsigned: webhooks are taken on the service's port:"
            + " add \"server\": {\"port\": ...}"), noPort.lines());
  }

  @Test
  void partnerSettingsAreCheckedWithTheirPaths(@TempDir Path dir) throws Exception {
    String example = Files.readString(EXAMPLE);
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example.replace("\"siteB\": \"dev\",",
        "\"siteB\": \"dev\", \"partnerB\": {\"url\": \"http://partner.example.com/t\","
            + " \"keyId\": \"k 1\", \"keyEnv\": \"SHORT\", \"colour\": 1},"
            + " \"partnerA\": {\"url\": \"https://partner.example.com/t\","
            + " \"keyId\": \"k1\", \"keyEnv\": \"KEY\"},"));
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef", "SHORT", "too short",
        "KEY", "k".repeat(32));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

    String at = file + ": $.synchronizations[0]";
    assertEquals(List.of(
        at + ".partnerB: only one side can be a partner service; the other must be a site of"
            + " this service",
        at + ".partnerB: give siteB or partnerB, not both",
        at + ".partnerA: give siteA or partnerA, not both"), f.lines());

    Files.writeString(file, example.replace("\"siteB\": \"dev\",",
        "\"partnerB\": {\"url\": \"http://partner.example.com/t\","
            + " \"keyId\": \"k 1\", \"keyEnv\": \"SHORT\", \"colour\": 1},"));
    ServiceFailure partner = assertThrows(ServiceFailure.class,
        () -> ServiceConfig.read(file, env));
    assertEquals(List.of(
        at + ".partnerB.url: is http: the credentials and everything synced would travel in"
            + " clear text; use https, or set \"allowInsecure\": true here for a network you"
            + " trust",
        at + ".partnerB.keyId: must be 1 to 64 letters, digits, '.', '_' or '-' (the id both"
            + " services give the shared secret), was \"k 1\"",
        at + ".partnerB.keyEnv: the secret in SHORT has fewer than 32 bytes; use e.g. the output"
            + " of openssl rand -hex 32",
        at + ".partnerB.colour: unknown key; known: [allowInsecure, keyEnv, keyId, url]"),
        partner.lines());

    // (h204: a partner was told what a Jira site is, and to give credentials it has none of)
    Files.writeString(file, example.replace("\"siteB\": \"dev\",",
        "\"partnerB\": {\"url\": \"ftp://partner.example.com/t\","
            + " \"keyId\": \"k1\", \"keyEnv\": \"KEY\"},"));
    assertEquals(List.of(at + ".partnerB.url: url must be the https URL of the partner's"
        + " transport, e.g. https://their.example.com/transport/<sync id>, was"
        + " ftp://partner.example.com/t"),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env)).lines());
  }

  @Test
  void namesThatBecomePathsMustReadTheSameInAUrl(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE)
        .replace("\"support\": {", "\"sup port\": {")
        .replace("\"siteA\": \"support\"", "\"siteA\": \"sup port\"")
        .replace("\"requestsPerSecond\": 5},\n    \"dev\"",
            "\"requestsPerSecond\": 5, \"webhooksUnsigned\": true},\n    \"dev\"")
        .replace("\"siteB\": \"dev\",", "\"partnerB\": {\"url\": \"https://x.example.com/t\","
            + " \"keyId\": \"k1\", \"keyEnv\": \"KEY\"},")
        .replace("\"id\": \"support-to-dev\"", "\"id\": \"support to dev\""));
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef", "KEY",
        "k".repeat(32));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env));

    assertEquals(List.of(
        file + ": $.sites[\"sup port\"]: the site's name names the path /webhooks/<name> its"
            + " webhooks are posted to: use letters, digits, '.', '_' and '-' only",
        file + ": $.synchronizations[0].sync.id: \"support to dev\" names the path"
            + " /transport/<id> a partner service posts to: use letters, digits, '.', '_' and"
            + " '-' only"), f.lines());
  }

  private static final String ADMIN = "0123456789abcdef";

  /**
   * Found by a trial: {@code JIRA_B_TOKEN=$'<token>\r\n'} (what an env file written on Windows
   * gives) reached the Authorization header, and the HTTP client's refusal printed the token.
   * The spaces and line breaks around a secret are dropped; the admin token likewise, which with
   * its line break could never be sent.
   */
  @Test
  void theLineBreaksAroundASecretAreDropped() {
    ServiceConfig config = ServiceConfig.read(EXAMPLE, Map.of("JIRA_A_EMAIL",
        "a@example.com\n", "JIRA_A_TOKEN", "t\r\n", "JIRA_B_TOKEN", " t \r\n",
        "BACKBONE_ADMIN_TOKEN", ADMIN + "\r\n"));

    assertEquals(ADMIN, config.server().adminToken());
  }

  @Test
  void aControlCharacterInsideASecretIsRefusedWithItsPathAndWithoutTheValue() {
    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(EXAMPLE,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "f37d\r\nSECRET",
            "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", ADMIN + "\u0000SECRET")));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(
        EXAMPLE + ": $.sites.support.tokenEnv: environment variable JIRA_A_TOKEN has a control"
            + " character inside its value (U+000D, not shown); only the spaces and line breaks"
            + " around a value are dropped",
        EXAMPLE + ": $.server.adminTokenEnv: environment variable BACKBONE_ADMIN_TOKEN has a"
            + " control character inside its value (U+0000, not shown); only the spaces and"
            + " line breaks around a value are dropped"), f.lines());
  }

  /** The adapter refuses a basic user with a colon: a problem of the file, at the site. */
  @Test
  void credentialsTheAdapterRefusesAreAProblemAtTheSitesPath() {
    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(EXAMPLE,
        Map.of("JIRA_A_EMAIL", "a@example.com:SECRET", "JIRA_A_TOKEN", "t",
            "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", ADMIN)));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(EXAMPLE + ": $.sites.support: email has a colon, where basic"
        + " authentication ends the user name (not shown: it may hold a password); give the"
        + " password apart"), f.lines());
  }

  /** Found by a trial: {@code "tokenEnv": 5} was reported as "missing". */
  @Test
  void aVariableNameOfTheWrongTypeIsSaidToBeOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE)
        .replace("\"tokenEnv\": \"JIRA_A_TOKEN\"", "\"tokenEnv\": 5"));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_B_TOKEN", "t",
            "BACKBONE_ADMIN_TOKEN", ADMIN)));

    assertEquals(List.of(file + ": $.sites.support.tokenEnv: must be the name of an environment"
        + " variable (a string), was a number"), f.lines());
  }

  /** Found by a trial: {@code "user": 5} passed {@code --check} and became "". */
  @Test
  void aStoreUserOfTheWrongTypeIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE).replace(
        "\"store\": {\"directory\": \"backbone-data\"}",
        "\"store\": {\"jdbcUrl\": \"jdbc:h2:mem:x\", \"user\": 5}"));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t",
            "BACKBONE_ADMIN_TOKEN", ADMIN)));

    assertEquals(List.of(file + ": $.store.user: must be the database user's name (a string),"
        + " was 5"), f.lines());
  }

  private static final Map<String, String> ENV = Map.of("JIRA_A_EMAIL", "a@example.com",
      "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");
  private static final String STORE = "\"store\": {\"directory\": \"backbone-data\"}";

  /** The lines refusing the example file with {@code text} put in place of {@code was}. */
  private static List<String> refusedWith(Path file, String was, String text)
      throws Exception {
    Files.writeString(file, Files.readString(EXAMPLE).replace(was, text));
    return assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV)).lines();
  }

  /** A URL that cannot be read was quoted whole, password and all (helper-91). */
  @Test
  void aUrlThatCannotBeReadIsRefusedWithoutItsText(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    String example = Files.readString(EXAMPLE);
    String url = example.substring(example.indexOf("\"url\": \"") + 8);
    url = url.substring(0, url.indexOf('"'));
    Files.writeString(file, example.replace("\"" + url + "\"",
        "\"http://alice:s3cretPW@127.0.0.1:1/a b\""));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV));

    assertTrue(f.lines().stream().anyMatch(line -> line.endsWith(
        ".url: not a URL: Illegal character in path at index 35")), f.lines().toString());
    assertFalse(f.lines().toString().contains("s3cretPW"), f.lines().toString());
  }

  /**
   * A FIFO blocked the read for good (a signal could not end it), /dev/zero was read until the
   * heap ran out, and bytes that are not UTF-8 were told without a place (helper-91).
   */
  @Test
  void onlyARegularFileOfUtf8TextOfAtMostTenMegabytesIsRead(@TempDir Path dir)
      throws Exception {
    Path fifo = dir.resolve("fifo.json");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    assertEquals(List.of(fifo + ": not a regular file"),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(fifo, ENV)).lines());
    assertEquals(List.of(dir + ": not a regular file"),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(dir, ENV)).lines());

    Path huge = dir.resolve("huge.json");
    Files.write(huge, new byte[ServiceConfig.MAX_FILE_BYTES + 1]);
    assertEquals(List.of(huge + ": larger than 10485760 bytes; a configuration is far smaller"),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(huge, ENV)).lines());

    Path latin1 = dir.resolve("latin1.json");
    Files.write(latin1, new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xE9, '"', '}'});
    assertEquals(List.of(latin1 + ": not UTF-8 text (at byte 7)"),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(latin1, ENV)).lines());
  }

  /** An empty JQL was read as none: every issue of the project synced. */
  @Test
  void anEmptyJqlIsRefusedAtItsPath(@TempDir Path dir) throws Exception {
    List<String> lines = refusedWith(dir.resolve("sync.json"), "\"jql\": \"labels = escalated\"",
        "\"jql\": \"\"");

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith(": $.synchronizations[0].sync.connectorA.jql: must not be"
        + " blank, was \"\"; leave it out (or null) to sync every issue of the project"),
        lines.get(0));
  }

  /** Nesting past the parser's limit was told with no line and column. */
  @Test
  void aFileNestedTooDeepIsRefusedWithItsLineAndColumn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, "{\"sites\":\n  " + "[".repeat(5000) + "]".repeat(5000) + "}");

    assertEquals(List.of(file + ": not valid JSON at line 2, column 203: Document nesting depth"
        + " (201) exceeds the maximum allowed (200) at $.sites" + "[0]".repeat(64) + "[0..."),
        assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV)).lines());
  }

  /**
   * Found by a sweep: a number longer than the parser takes was refused with its line and column
   * only, naming neither the setting nor the number; both are named now, the number cut after 40
   * characters, as the messages' and envelopes' refusals name them.
   */
  @Test
  void anOverlongNumberIsRefusedNamingTheSettingAndTheNumber(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("sync.json");
    String example = Files.readString(EXAMPLE);
    Files.writeString(file, example.replace("\"port\": 8080", "\"port\": -" + "9".repeat(101)));

    assertEquals(List.of(file + ": not valid JSON at line 32, column 124: Number value length"
        + " (101) exceeds the maximum allowed (100) at $.server.port, was -" + "9".repeat(39)
        + "..."), assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV)).lines());
  }

  /** A NUL in the store's directory was an exit 1 with a stack trace (helper-91). */
  @Test
  void aStoreDirectoryThatIsNoPathIsRefusedAtItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");

    List<String> lines = refusedWith(file, STORE, "\"store\": {\"directory\": \"a\\u0000b\"}");

    assertEquals(List.of(file + ": $.store.directory: not a path here: Nul character not"
        + " allowed, was \"a\\u0000b\""), lines);
  }

  /** A webhook secret of 3 characters was taken (helper-128); the admin token needs 16. */
  @Test
  void aShortWebhookSecretIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE).replace("\"tokenEnv\": \"JIRA_A_TOKEN\"",
        "\"tokenEnv\": \"JIRA_A_TOKEN\", \"webhookSecretEnv\": \"HOOK\""));
    Map<String, String> env = Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
        "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef", "HOOK", "abc");

    List<String> lines = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, env))
        .lines();

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith(".webhookSecretEnv: the secret in HOOK is shorter than 16"
        + " characters"), lines.get(0));
    ServiceConfig.read(file, new java.util.HashMap<>(Map.of("JIRA_A_EMAIL", "a@example.com",
        "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef",
        "HOOK", "0123456789abcdef")));
  }

  /**
   * A store directory with a ";" passed --check (which opens no store) and the service then
   * exited 5 when the store refused it (helper-128): refused with the configuration now.
   */
  @Test
  void aStoreDirectoryWithASemicolonIsRefusedAtItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");

    List<String> lines = refusedWith(file, STORE, "\"store\": {\"directory\": \"data;INIT=x\"}");

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith(file + ": $.store.directory: must not hold a \";\" (H2"
        + " would read what follows as its settings), was \"data;INIT=x\""), lines.get(0));
  }

  /** An unknown key with a line break, an escape or 5,000 characters was shown raw (helper-91). */
  @Test
  void anUnknownKeyIsShownQuotedEscapedAndCut(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");

    List<String> lines = refusedWith(file, STORE, "\"store\": {\"directory\": \"backbone-data\","
        + " \"a\\nb\\u001b[2J\": 1, \"" + "k".repeat(5000) + "\": 2}");

    assertEquals(List.of(file + ": $.store[\"a\\nb\\u001B[2J\"]: unknown key; known: [directory,"
        + " jdbcUrl, maximumPoolSize, passwordEnv, user]", file + ": $.store[\"" + "k".repeat(100)
        + "…\"]: unknown key; known: [directory, jdbcUrl, maximumPoolSize, passwordEnv, user]"),
        lines);
  }

  /**
   * A custom mapping type the service does not find says how to give the service its jar: with
   * {@code java -jar} (the README's command) nothing else is on the classpath (a cold trial).
   */
  @Test
  void anUnknownMappingTypeSaysHowTheServiceFindsACustomOne(@TempDir Path dir) throws Exception {
    List<String> lines = refusedWith(dir.resolve("sync.json"),
        "{\"id\": \"priority\", \"type\": \"passthrough\"",
        "{\"id\": \"priority\", \"type\": \"acme.magic\"");

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains(".sync.fieldMappings[2].type: unknown mapping type"
        + " \"acme.magic\""), lines.get(0));
    assertTrue(lines.get(0).endsWith("; for the service, put its jar on the classpath beside the"
        + " service's: java -cp backbone-service.jar:your-mappings.jar"
        + " org.backbonesync.service.ServiceMain --config ... (java -jar takes no other"
        + " classpath)"), lines.get(0));
  }

  /** A synchronization id with a line break printed two lines in --check (helper-91). */
  @Test
  void aSynchronizationIdALogCouldNotShowIsRefusedAtItsPath(@TempDir Path dir)
      throws Exception {
    List<String> lines = refusedWith(dir.resolve("sync.json"), "\"id\": \"support-to-dev\"",
        "\"id\": \"support\\nto-dev\"");

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith(": $.synchronizations[0].sync.id: must be at most 255"
        + " characters without control or format characters, was \"support\\nto-dev\""),
        lines.get(0));
  }

  /**
   * A place a sync configuration's problem names besides its own is the file's path too, not the
   * {@code sync} object's: "also at $.fieldMappings[0]" sent a new user to the file's root.
   */
  @Test
  void thePlacesAProblemNamesAreTheFilesPaths(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, Files.readString(EXAMPLE)
        .replace("\"id\": \"description\"", "\"id\": \"summary\"")
        .replace("\"fieldB\": \"priority\"", "\"fieldB\": \"summary\""));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t",
            "BACKBONE_ADMIN_TOKEN", ADMIN)));

    String at = file + ": $.synchronizations[0].sync.fieldMappings";
    assertEquals(List.of(
        at + "[1].id: duplicate field mapping id \"summary\" (also at"
            + " $.synchronizations[0].sync.fieldMappings[0])",
        at + "[2].fieldB: field \"summary\" on B's side is also written by"
            + " $.synchronizations[0].sync.fieldMappings[0] (\"summary\"); two mappings writing"
            + " one field would overwrite each other"), f.lines());
  }

  /**
   * Every problem of a file in one run, in the file's order (a new user's walk: a partner URL
   * with credentials hid the sync id that cannot name the partner's path until it was fixed;
   * a synchronization with a problem of its own hid the ids and keys it shares with another).
   */
  @Test
  void everyProblemOfTheFileIsReportedInOneRunInFileOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, """
        {
          "sites": {"cloud": {"url": "https://cloud.example.com", "auth": "apiToken",
                              "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN"}},
          "synchronizations": [{
            "siteA": "cloud",
            "partnerB": {"url": "https://u:SECRET@partner.example.com/transport/pa-pb",
                         "keyId": "k1", "keyEnv": "PARTNER_KEY"},
            "sync": {
              "id": "pa pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [{"id": "summary", "type": "passthrough", "direction": "BOTH",
                                 "fieldA": "summary", "fieldB": "summary"},
                                {"id": "c", "type": "constant", "direction": "BOTH",
                                 "fieldB": "labels", "settings": {"value": "x"}}]
            }
          }, {
            "siteA": "cloud",
            "siteB": "nowhere",
            "sync": {
              "id": "pa pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [{"id": "summary", "type": "passthrough", "direction": "BOTH",
                                 "fieldA": "summary", "fieldB": "summary"}]
            }
          }],
          "store": {"directory": "data", "user": "u"},
          "server": {"port": 0}
        }
        """);

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file,
        Map.of("JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t",
            "PARTNER_KEY", "k".repeat(40))));

    String at = file + ": $.synchronizations";
    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(
        at + "[0].partnerB.url: url must not carry a user name or password (the envelopes are"
            + " signed with the partner's key; nothing else is sent), was"
            + " https://***@partner.example.com/transport/pa-pb",
        at + "[0].sync.id: \"pa pb\" names the path /transport/<id> a partner service posts to:"
            + " use letters, digits, '.', '_' and '-' only",
        at + "[0].sync.fieldMappings[1].direction: mapping type constant syncs one way only; use"
            + " A_TO_B or B_TO_A, not BOTH",
        at + "[1].siteB: no site \"nowhere\" under $.sites; there are [cloud]",
        at + "[1].sync.id: \"pa pb\" is also the id at $.synchronizations[0]",
        at + "[1].sync.connectorA.key: \"PA\" is also the connector key at"
            + " $.synchronizations[0].sync.connectorA.key; each connector of the file needs its"
            + " own key (it names its stored state)",
        at + "[1].sync.connectorB.key: \"PB\" is also the connector key at"
            + " $.synchronizations[0].sync.connectorB.key; each connector of the file needs its"
            + " own key (it names its stored state)",
        file + ": $.store.user: only with jdbcUrl"), f.lines());
  }
}
