package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncConfigurationJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * helper-141: 4740c220 says settings built in Java equal "what reading JSON gives", and 55031be
 * that "a mapping sees the same node types either way". The service reads its file with
 * USE_BIG_DECIMAL_FOR_FLOATS (Jackson then strips trailing zeros) and hands the sync object on
 * as text: 1024.0 arrives as the text "1024", an IntNode, where SyncConfigurationJson.read of the
 * same sync object gives a DoubleNode (and 10240.0 arrives as "1.024E+4", a DoubleNode).
 */
class ServiceConfigNumbersTest {
  private static final Map<String, String> ENV = Map.of("JIRA_A_EMAIL", "a@example.com",
      "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef");

  @ParameterizedTest
  @ValueSource(strings = {"1024.0", "1.5e1", "-0.0", "1E+2", "0.10", "1e-5"})
  void aSettingReadsAsTheLibraryReadsIt(String number, @TempDir Path dir) throws Exception {
    String example = Files.readString(Path.of("sync.example.json"));
    String files = "{\"id\": \"team\", \"type\": \"constant\", \"direction\": \"A_TO_B\","
        + " \"fieldB\": \"customfield_10200\", \"settings\": {\"value\": [" + number + "]}},"
        + "\n          {\"id\": \"comments\"";
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example.replace("{\"id\": \"comments\"", files));
    ServiceConfig config = ServiceConfig.read(file, Map.of("JIRA_A_EMAIL", "a@example.com",
        "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t", "BACKBONE_ADMIN_TOKEN", "0123456789abcdef"));
    JsonNode sync = new ObjectMapper().readTree(Files.readString(file))
        .get("synchronizations").get(0).get("sync");
    SyncConfiguration byLibrary =
        new SyncConfigurationJson(FieldMappingRegistry.builtIns()).read(sync.toString());

    SyncConfiguration byService = config.synchronizations().get(0).configuration();

    assertEquals(byLibrary.fieldMappings().get(3).settings(),
        byService.fieldMappings().get(3).settings(), "the service read " + byService
        .fieldMappings().get(3).settings() + ", the library " + byLibrary.fieldMappings().get(3)
        .settings());
    assertEquals(byLibrary, byService);
  }

  /**
   * A setting beyond a double's range reached the mappings as Infinity (1E+400 as text, read by
   * the library as a double): the file is refused, naming the setting and the value as written.
   */
  @Test
  void aSettingBeyondADoublesRangeIsRefusedNamingItAsWritten(@TempDir Path dir)
      throws Exception {
    String example = Files.readString(Path.of("sync.example.json"));
    String constant = "{\"id\": \"team\", \"type\": \"constant\", \"direction\": \"A_TO_B\","
        + " \"fieldB\": \"customfield_10200\", \"settings\": {\"value\": [1.5, {\"n\": -1e999},"
        + " 1E+400]}},\n          {\"id\": \"comments\"";
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example.replace("{\"id\": \"comments\"", constant));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, Map.of(
        "JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t",
        "BACKBONE_ADMIN_TOKEN", "0123456789abcdef")));

    String range = ": must be a number within a double's range (JSON has no NaN or Infinity), was ";
    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(
        file + ": $.synchronizations[0].sync.fieldMappings[3].settings.value[1].n" + range
            + "-1E+999",
        file + ": $.synchronizations[0].sync.fieldMappings[3].settings.value[2]" + range
            + "1E+400"), f.lines());
  }

  /**
   * Found from outside (helper-148): a number no BigDecimal holds (an exponent past an int's
   * range) ended the service with exit 1 and a stack trace, not exit 3 naming where it is.
   */
  @ParameterizedTest
  @ValueSource(strings = {"1e99999999999", "-1E-99999999999"})
  void aNumberNoDecimalHoldsIsInvalidJsonWithItsPlace(String number, @TempDir Path dir)
      throws Exception {
    String example = Files.readString(Path.of("sync.example.json"));
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example.replace("\"port\": 8080", "\"port\": " + number));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, Map.of(
        "JIRA_A_EMAIL", "a@example.com", "JIRA_A_TOKEN", "t", "JIRA_B_TOKEN", "t",
        "BACKBONE_ADMIN_TOKEN", "0123456789abcdef")));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(file + ": not valid JSON at line 32, column " + (22 + number.length())
        + ": Number value " + number + " is beyond what a decimal holds (an exponent from"
        + " -2147483647 to 2147483647) at $.server.port"), f.lines());
  }

  /**
   * Found in a review: a rate so small that a double holds no such number ({@code 1e-400}) was
   * read as 0, which the service takes for "no limit" (or "no pace"): the file is refused, naming
   * the setting and the value as written. A zero written as one ({@code 0e-400}, {@code -0.0}) is
   * still 0.
   */
  @Test
  void aRateBelowADoublesRangeIsRefusedNotReadAsNoLimit(@TempDir Path dir) throws Exception {
    String example = Files.readString(Path.of("sync.example.json"));
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example
        .replace("\"requestsPerSecond\": 5},\n    \"dev\"", "\"requestsPerSecond\": 1e-400,"
            + " \"endpointPace\": {\"perSecond\": -2.5E-999, \"burst\": 1},"
            + " \"issueWritePace\": {\"perSecond\": 0.1e-323, \"burst\": 1}},\n    \"dev\"")
        .replace("\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 5}",
            "\"tokenEnv\": \"JIRA_B_TOKEN\", \"requestsPerSecond\": 0e-400}"));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(
        file + ": $.sites.support.requestsPerSecond: must be 0 (no limit) or a number from 0.01"
            + " to 10000, was 1E-400",
        file + ": $.sites.support.endpointPace.perSecond: must be 0 (no pace) or a number from"
            + " 0.01 to 10000, was -2.5E-999",
        file + ": $.sites.support.issueWritePace.perSecond: must be 0 (no pace) or a number"
            + " from 0.01 to 10000, was 1E-324"), f.lines());

    Files.writeString(file, example.replace("\"requestsPerSecond\": 5},\n    \"dev\"",
        "\"requestsPerSecond\": -0.0, \"endpointPace\": {\"perSecond\": 0e-400, \"burst\": 1}},"
            + "\n    \"dev\""));
    ServiceConfig.Site support = ServiceConfig.read(file, ENV).sites().get("support");
    assertEquals(0, support.requestsPerSecond());
    assertEquals(new ServiceConfig.Pace(0, 1), support.endpointPace());
  }

  /**
   * A setting too small for a double reached the mappings as 0 (1e-400 read so, and handed on
   * as the text 0.0): the file is refused, naming the setting in it and the value as written.
   */
  @Test
  void aSettingBelowADoublesRangeIsRefusedNamingItAsWritten(@TempDir Path dir) throws Exception {
    String example = Files.readString(Path.of("sync.example.json"));
    String constant = "{\"id\": \"team\", \"type\": \"constant\", \"direction\": \"A_TO_B\","
        + " \"fieldB\": \"customfield_10200\", \"settings\": {\"value\": [4.9e-324, 0e-400,"
        + " {\"n\": -1e-400}]}},\n          {\"id\": \"comments\"";
    Path file = dir.resolve("sync.json");
    Files.writeString(file, example.replace("{\"id\": \"comments\"", constant));

    ServiceFailure f = assertThrows(ServiceFailure.class, () -> ServiceConfig.read(file, ENV));

    assertEquals(ServiceMain.CONFIGURATION, f.exitCode());
    assertEquals(List.of(file + ": $.synchronizations[0].sync.fieldMappings[3].settings.value[2].n:"
        + " must be a number within a double's range (one this small reads as 0), was -1E-400"),
        f.lines());
  }
}
