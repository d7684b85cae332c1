package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.backbonesync.spi.tracker.FieldSchema;
import org.junit.jupiter.api.Test;

/**
 * Configurations written by a careless operator or an attacker: each is refused with every
 * problem and its JSON path, and no configuration is built. The builder and the engine's check
 * refuse the same.
 */
class SyncConfigurationJsonHostileInputTest {
  private final SyncConfigurationJson json =
      new SyncConfigurationJson(FieldMappingRegistry.builtIns());

  private static final String SUMMARY =
      "{\"id\": \"m-summary\", \"type\": \"passthrough\", \"direction\": \"BOTH\","
          + " \"fieldA\": \"summary\", \"fieldB\": \"summary\"}";

  private static String connector(String key, String project, String user, String extra) {
    return "{\"key\": \"" + key + "\", \"projectKey\": \"" + project + "\", \"syncUser\": \""
        + user + "\"" + extra + "}";
  }

  /** A configuration of PA and PB with these mappings (JSON objects) and extra root members. */
  private static String config(String connectorA, String connectorB, String extra,
      String... mappings) {
    return "{\"id\": \"pa-pb\",\n \"connectorA\": " + connectorA + ",\n \"connectorB\": "
        + connectorB + ",\n \"fieldMappings\": [\n  " + String.join(",\n  ", mappings) + "]"
        + extra + "}";
  }

  private static String withMappings(String... mappings) {
    return config(connector("PA", "PA", "sync-a", ""), connector("PB", "PB", "sync-b", ""), "",
        mappings);
  }

  /** The problems of a refused text; the refusal is the only outcome, no configuration. */
  private List<String> problems(String text) {
    return assertThrows(ConfigurationException.class, () -> json.read(text)).problems().stream()
        .map(ConfigurationProblem::toString).toList();
  }

  private static String mapping(String id, String type, String direction, String fieldA,
      String fieldB, String settings) {
    return "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"direction\": \"" + direction
        + "\"" + (fieldA == null ? "" : ", \"fieldA\": \"" + fieldA + "\"")
        + (fieldB == null ? "" : ", \"fieldB\": \"" + fieldB + "\"")
        + (settings == null ? "" : ", \"settings\": " + settings) + "}";
  }

  /** The id is in every origin marker, log line and admin answer (helper-92). */
  @Test
  void anIdOrAnIssueTypeALogCouldNotShowOrAStoreKeepIsRefusedAtItsPath() {
    String config = withMappings(SUMMARY);
    assertEquals(List.of("$.id: must be at most 255 characters without control or format"
        + " characters, was \"pa-pb\\nforged\""),
        problems(config.replace("\"pa-pb\"", "\"pa-pb\\nforged\"")));
    assertEquals(List.of("$.id: must be at most 255 characters without control or format"
        + " characters, was \"" + "x".repeat(80) + "...\" (300 characters)"),
        problems(config.replace("\"pa-pb\"", "\"" + "x".repeat(300) + "\"")));
    assertEquals(List.of("$.issueTypes[0].b: must be at most 255 characters without control or"
        + " format characters, was \"Defect\\u0000\""),
        problems(config.replace("\"fieldMappings\"",
            "\"issueTypes\": [{\"a\": \"Bug\", \"b\": \"Defect\\u0000\"}],\n \"fieldMappings\"")));
    // a mapping's name too: it took any length and control characters (helper-129)
    assertEquals(List.of("$.fieldMappings[0].name: must be at most 255 characters without"
        + " control or format characters; was \"Sum\\rmary\""),
        problems(config.replace("{\"id\": \"m-summary\",",
            "{\"id\": \"m-summary\", \"name\": \"Sum\\rmary\",")));
  }

  @Test
  void aKeyGivenTwiceIsRefusedWhereverItIs() {
    assertEquals(List.of("$.id: appears twice in one object (line 1, column 21); each key may"
        + " appear once"), problems(withMappings(SUMMARY).replace("{\"id\": \"pa-pb\",",
            "{\"id\": \"pa-pb\", \"id\": \"x\",")));
    assertEquals(List.of("$.connectorA.syncUser: appears twice in one object (line 2, column"
        + " 82); each key may appear once"), problems(config(
            connector("PA", "PA", "sync-a", ", \"syncUser\": \"admin\""),
            connector("PB", "PB", "sync-b", ""), "", SUMMARY)));
    assertEquals(List.of("$.fieldMappings[1].fieldB: appears twice in one object (line 6,"
        + " column 121); each key may appear once"), problems(withMappings(SUMMARY,
            mapping("m-2", "passthrough", "A_TO_B", "description", "description", null)
                .replace("}", ", \"fieldB\": \"summary\"}"))));
    assertEquals(List.of("$.fieldMappings[1].settings.rows[1].a: appears twice in one object"
        + " (line 6, column 172); each key may appear once"), problems(withMappings(SUMMARY,
            mapping("m-prio", "correlation", "BOTH", "priority", "priority",
                "{\"rows\": [{\"a\": \"High\", \"b\": \"P1\"}, {\"a\": \"Low\", \"a\": \"High\","
                    + " \"b\": \"P3\"}]}"))));
    assertEquals(List.of("$[\"odd\\nname\"]: appears twice in one object (line 6, column 29);"
        + " each key may appear once"), problems(config(connector("PA", "PA", "sync-a", ""),
            connector("PB", "PB", "sync-b", ""), ",\n \"odd\\nname\": 1, \"odd\\nname\": 2",
            SUMMARY)));
  }

  /**
   * Found checking the README's "every problem ... with its JSON path": a type of B named again
   * after a repeated type of A was reported at the row before its own ({@code [1].b}, whose b
   * is "Task"), and only once the file's other problems were fixed.
   */
  @Test
  void anIssueTypeNamedTwiceIsRefusedAtItsOwnRowWithTheOtherProblems() {
    String types = "\"issueTypes\": [{\"a\": \"Bug\", \"b\": \"Defect\"},"
        + " {\"a\": \"Bug\", \"b\": \"Task\"}, {\"a\": \"Story\", \"b\": \"Defect\"}],\n";

    assertEquals(List.of(
        "$.issueTypes[1].a: issue type \"Bug\" of A already corresponds to \"Defect\"",
        "$.issueTypes[2].b: issue type \"Defect\" of B already corresponds to \"Bug\"",
        "$.fieldMappings[0].colour: unknown property; known: [conflict, direction, fieldA,"
            + " fieldB, id, name, settings, type]"),
        problems(withMappings(SUMMARY.replace("}", ", \"colour\": 1}"))
            .replace("\"fieldMappings\"", types + " \"fieldMappings\"")));
  }

  /** Found by a new user's trial: null was Jackson's {@code argument "content" is null}. */
  @Test
  void noTextIsRefusedNamingIt() {
    assertEquals("json must not be null",
        assertThrows(IllegalArgumentException.class, () -> json.read(null)).getMessage());
    assertEquals("config must not be null",
        assertThrows(IllegalArgumentException.class, () -> json.write(null)).getMessage());
  }

  /**
   * Found by a new user's trial: nesting past the parser's limit was refused "at line ?, column
   * ?", where the README promises both.
   */
  @Test
  void nestingTooDeepIsRefusedWithItsLineAndColumn() {
    List<String> deep = problems(withMappings(mapping("m-summary", "passthrough", "BOTH",
        "summary", "summary", "[".repeat(5000) + "]".repeat(5000))));

    assertEquals(List.of("$.fieldMappings[0].settings" + "[0]".repeat(9) + "... (201 levels):"
        + " not valid JSON at line 5, column 319: Document nesting depth (201) exceeds the"
        + " maximum allowed (200)"), deep);
  }

  @Test
  void textAfterTheConfigurationAndOddNamesAreRefused() {
    List<String> trailing = problems(withMappings(SUMMARY) + " {\"id\": \"other\"}");
    assertEquals(1, trailing.size());
    assertEquals("$: not valid JSON at line 5, column 111: content after the value",
        trailing.get(0));
    assertEquals(List.of("$[\"connector\\nA\"]: unknown property; known: [connectorA, connectorB,"
        + " fieldMappings, id, issueTypes, responsibility]"), problems(config(
            connector("PA", "PA", "sync-a", ""), connector("PB", "PB", "sync-b", ""),
            ", \"connector\\nA\": {}", SUMMARY)));
  }

  /** Found by a new user's trial: the README says passthrough takes none; they were ignored. */
  @Test
  void aSettingOfPassthroughIsRefusedAtItsPathAsOtherTypesRefuseUnknownOnes() {
    assertEquals(List.of("$.fieldMappings[0].settings.x: unknown setting of passthrough, which"
        + " takes none"), problems(withMappings(mapping("m-summary", "passthrough", "BOTH",
            "summary", "summary", "{\"x\": 1}"))));
    assertEquals(List.of("$.fieldMappings[0].settings.rows: unknown setting of passthrough,"
        + " which takes none"), problems(withMappings(mapping("m-summary", "passthrough",
            "BOTH", "summary", "summary", "{\"rows\": []}"))));

    json.read(withMappings(mapping("m-summary", "passthrough", "BOTH", "summary", "summary",
        "{}")));
  }

  /**
   * A number beyond a double's range in a setting was read as Infinity, so the mapping set that,
   * and writing the configuration gave text no reader takes back: refused at its path, as written.
   */
  @Test
  void aSettingBeyondADoublesRangeIsRefusedAtItsPathAsWritten() {
    String range = ": must be a number within a double's range (JSON has no NaN or Infinity), was ";
    assertEquals(List.of("$.fieldMappings[1].settings.value.low" + range + "-1E+999",
        "$.fieldMappings[1].settings.value.high[1]" + range + "1E+400"),
        problems(withMappings(SUMMARY, mapping("m-c", "constant", "A_TO_B", null, "labels",
            "{\"value\": {\"low\": -1e999, \"high\": [1.5, 1E+400]}}"))));

    SyncConfiguration largest = json.read(withMappings(SUMMARY, mapping("m-c", "constant",
        "A_TO_B", null, "labels", "{\"value\": [1.7976931348623157e308, 4.9e-324, 0e-400]}")));
    assertEquals(largest, json.read(json.write(largest)));
  }

  /**
   * Found in a review: a number too small for a double ({@code 1e-400}) was read as 0, so the
   * mapping set 0 where the file says something else: refused at its path, as written; the
   * smallest double and a zero written with an exponent are read.
   */
  @Test
  void aSettingBelowADoublesRangeIsRefusedAtItsPathAsWritten() {
    String range = ": must be a number within a double's range (one this small reads as 0), was ";
    assertEquals(List.of("$.fieldMappings[1].settings.value.low" + range + "-1E-400",
        "$.fieldMappings[1].settings.value.high[1]" + range + "2.5E-999"),
        problems(withMappings(SUMMARY, mapping("m-c", "constant", "A_TO_B", null, "labels",
            "{\"value\": {\"low\": -1e-400, \"high\": [4.9e-324, 0.25e-998]}}"))));
  }

  /**
   * Found from outside (helper-148): a number no BigDecimal holds (an exponent past an int's
   * range) escaped the reader as Jackson's NumberFormatException, no ConfigurationException.
   */
  @Test
  void aSettingNoDecimalHoldsIsRefusedAsInvalidJsonAtItsPath() {
    List<String> problems = problems(withMappings(SUMMARY, mapping("m-c", "constant", "A_TO_B",
        null, "labels", "{\"value\": [1e99999999999]}")));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).matches("\\$\\.fieldMappings\\[1\\]\\.settings\\.value\\[0\\]: not"
        + " valid JSON at line \\d+, column \\d+: Number value 1e99999999999 is beyond what a"
        + " decimal holds \\(an exponent from -2147483647 to 2147483647\\)"), problems.get(0));
  }

  /**
   * Found by a sweep: a number longer than the parser takes was refused at its path, but not
   * named; it is shown as written, cut after 40 characters, as the service and the messages show
   * it.
   */
  @Test
  void anOverlongNumberInASettingIsNamedAsWritten() {
    List<String> problems = problems(withMappings(SUMMARY, mapping("m-c", "constant", "A_TO_B",
        null, "labels", "{\"value\": [-" + "1".repeat(150) + "]}")));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).matches("\\$\\.fieldMappings\\[1\\]\\.settings\\.value\\[0\\]: not"
        + " valid JSON at line \\d+, column \\d+: Number value length \\(150\\) exceeds the maximum"
        + " allowed \\(100\\), was -" + "1".repeat(39) + "\\.\\.\\."), problems.get(0));
  }

  /** Found by a new user's trial: an empty JQL was read as none (every issue). */
  @Test
  void anEmptyOrBlankJqlIsRefusedAtItsPath() {
    assertEquals(List.of("$.connectorA.jql: must not be blank, was \"\"; leave it out (or null)"
        + " to sync every issue of the project", "$.connectorB.incomingJql: must not be blank,"
        + " was \" \\t\"; leave it out (or null) to apply incoming changes to every issue"),
        problems(config(connector("PA", "PA", "sync-a", ", \"jql\": \"\""),
            connector("PB", "PB", "sync-b", ", \"incomingJql\": \" \\t\""), "", SUMMARY)));

    SyncConfiguration none = json.read(config(connector("PA", "PA", "sync-a", ", \"jql\": null"),
        connector("PB", "PB", "sync-b", ""), "", SUMMARY));
    assertEquals(null, none.connectorA().jql(), "null is none, as before");
  }

  @Test
  void twoMappingsWritingOneFieldOnOneSideAreRefused() {
    assertEquals(List.of("$.fieldMappings[1].fieldB: field \"summary\" on B's side is also"
        + " written by $.fieldMappings[0] (\"m-summary\"); two mappings writing one field would"
        + " overwrite each other"), problems(withMappings(SUMMARY,
            mapping("m-const", "constant", "A_TO_B", null, "summary", "{\"value\": \"x\"}"))));
    assertEquals(List.of("$.fieldMappings[1].fieldA: field \"summary\" on A's side is also"
        + " written by $.fieldMappings[0] (\"m-summary\"); two mappings writing one field would"
        + " overwrite each other", "$.fieldMappings[2].fieldA: field \"summary\" on A's side is"
        + " also written by $.fieldMappings[0] (\"m-summary\"); two mappings writing one field"
        + " would overwrite each other"), problems(withMappings(SUMMARY,
            mapping("m-back", "passthrough", "B_TO_A", "summary", "summary", null),
            mapping("m-desc", "to-text", "B_TO_A", "summary", "description", null))));

    // One field each way is two writers of two fields, not of one.
    json.read(withMappings(mapping("m-out", "passthrough", "A_TO_B", "summary", "summary", null),
        mapping("m-in", "passthrough", "B_TO_A", "summary", "summary", null)));
  }

  @Test
  void fieldsWithTheirOwnWayOfChangingAreNotWrittenByOtherTypes() {
    assertEquals(List.of("$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"status\" on A's side: a status changes by transitions; use the mapping type"
        + " \"status\"", "$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"status\" on B's side: a status changes by transitions; use the mapping type"
        + " \"status\""), problems(withMappings(SUMMARY,
            mapping("m-status", "passthrough", "BOTH", "status", "status", null))));
    assertEquals(List.of("$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"issuetype\" on B's side: the issue type is chosen when the issue is created, from"
        + " \"issueTypes\"; no field mapping writes it"), problems(withMappings(SUMMARY,
            mapping("m-type", "passthrough", "A_TO_B", "issuetype", "issuetype", null))));
    assertEquals(List.of("$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"comment\" on A's side: comments are synced one by one; use the mapping type"
        + " \"comments\""), problems(withMappings(SUMMARY,
            mapping("m-comment", "passthrough", "B_TO_A", "comment", "comment", null))));
    assertEquals(List.of("$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"attachment\" on B's side: attachments are synced one by one; use the mapping type"
        + " \"attachments\""), problems(withMappings(SUMMARY,
            mapping("m-files", "passthrough", "A_TO_B", "attachment", "attachment", null))));
    assertEquals(List.of("$.fieldMappings[1].type: mapping type passthrough cannot write"
        + " \"issuelinks\" on B's side: issue links are synced one by one; use the mapping type"
        + " \"links\""), problems(withMappings(SUMMARY,
            mapping("m-links", "passthrough", "A_TO_B", "issuelinks", "issuelinks", null))));
    assertEquals(List.of("$.fieldMappings[1].type: mapping type correlation cannot write"
        + " \"status\" on B's side: a status changes by transitions; use the mapping type"
        + " \"status\""), problems(withMappings(SUMMARY, mapping("m-status", "correlation",
            "A_TO_B", "status", "status", "{\"rows\": [{\"a\": \"Open\", \"b\": \"New\"}]}"))));

    // Reading them is fine; so is the type made for them.
    json.read(withMappings(SUMMARY, mapping("m-status-text", "to-text", "A_TO_B", "status",
            "customfield_10100", null),
        mapping("m-status", "status", "BOTH", "status", "status",
            "{\"rows\": [{\"a\": \"Open\", \"b\": \"New\"}]}"),
        mapping("m-comments", "comments", "BOTH", "comment", "comment", null)));
  }

  @Test
  void responsibilityOnAFieldThatCannotBeASingleSelectIsRefused() {
    assertEquals(List.of("$.responsibility.fieldMapping: field mapping \"m-summary\" syncs"
        + " \"summary\" on A's side, which is not a single select; responsibility reads a"
        + " single-select field", "$.responsibility.fieldMapping: field mapping \"m-summary\""
        + " syncs \"summary\" on B's side, which is not a single select; responsibility reads a"
        + " single-select field"), problems(config(connector("PA", "PA", "sync-a", ""),
            connector("PB", "PB", "sync-b", ""), ",\n \"responsibility\": {\"fieldMapping\":"
                + " \"m-summary\", \"a\": \"A\", \"b\": \"B\"}", SUMMARY)));
    assertEquals(List.of("$.responsibility.fieldMapping: field mapping \"m-team\" has no field"
        + " on A's side; responsibility reads a single-select field on both sides"),
        problems(config(connector("PA", "PA", "sync-a", ""), connector("PB", "PB", "sync-b",
            ""), ",\n \"responsibility\": {\"fieldMapping\": \"m-team\", \"a\": \"A\", \"b\":"
            + " \"B\"}", SUMMARY, mapping("m-team", "constant", "A_TO_B", null,
                "customfield_10300", "{\"value\": \"A\"}"))));
  }

  @Test
  void responsibilityIsCheckedAgainstTheProjectsWhenAnEngineIsBuilt() {
    SyncConfiguration config = SyncConfiguration.builder("pa-pb")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("m-team", "customfield_9", Direction.BOTH))
        .responsibility(new Responsibility("m-team", "Support", "Development"))
        .build();
    var text = new ConfigurationChecker.Project(List.of("Task"), Map.of("customfield_9",
        new FieldSchema("customfield_9", "Team", "string", null, "textfield", null)), null);
    var select = new ConfigurationChecker.Project(List.of("Task"), Map.of("customfield_9",
        new FieldSchema("customfield_9", "Team", "option", null, "select", List.of("Dev",
            "Ops"))), null);

    assertEquals(List.of("$.responsibility.fieldMapping: field mapping \"m-team\" syncs"
        + " customfield_9 on A's side, which is string in project PA; responsibility reads a"
        + " single select (option)", "$.responsibility.fieldMapping: field mapping \"m-team\""
        + " syncs customfield_9 on B's side, which is string in project PB; responsibility reads"
        + " a single select (option)"),
        ConfigurationChecker.check(config, FieldMappingRegistry.builtIns(), text, text)
            .stream().map(ConfigurationProblem::toString).toList());
    assertEquals(List.of("$.responsibility.a: \"Support\" is not an option of customfield_9 in"
        + " project PA; it has [Dev, Ops]", "$.responsibility.b: \"Development\" is not an"
        + " option of customfield_9 in project PB; it has [Dev, Ops]"),
        ConfigurationChecker.check(config, FieldMappingRegistry.builtIns(), select, select)
            .stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void bothConnectorsOnOneProjectAsOneUserAreRefused() {
    String problem = "$.connectorB.syncUser: connector PB acts on project PA as %s, as connector"
        + " PA does: each would take the other's changes for its own and never send them; give"
        + " each connector its own sync user";
    assertEquals(List.of(problem.formatted("\"sync\"")), problems(config(
        connector("PA", "PA", "sync", ""), connector("PB", "PA", "sync", ""), "", SUMMARY)));
    assertEquals(List.of(problem.formatted("\"SYNC \"")), problems(config(
        connector("PA", "PA", "sync", ""), connector("PB", "PA", "SYNC ", ""), "", SUMMARY)));

    // One project with two sync users is two different actors.
    json.read(config(connector("PA", "PA", "sync-1", ""), connector("PB", "PA", "sync-2",
        ", \"jql\": \"labels = mirror\""), "", SUMMARY));
  }

  @Test
  void connectorJqlThatIsNotOneConditionIsRefused() {
    assertEquals(List.of("$.connectorA.jql: refused: a \")\" that closes no \"(\" at position 5;"
        + " it must be one condition, which the engine puts in parentheses after the"
        + " project's"), problems(config(connector("PA", "PA", "sync-a",
            ", \"jql\": \"x = 1) OR (y = 2\""), connector("PB", "PB", "sync-b", ""), "",
            SUMMARY)));
    assertEquals(List.of("$.connectorB.jql: refused: the keyword ORDER (a condition cannot"
        + " sort: the engine does; to match the word, put it in quotes) at position 11; it must"
        + " be one condition, which the engine puts in parentheses after the project's",
        "$.connectorB.incomingJql: refused: an escaped quote outside quotes (Jira reads it as"
        + " part of a word, other readers as the start of a string; put the value in quotes) at"
        + " position 10; it must be one condition, which the engine puts in parentheses after"
        + " the project's"), problems(config(connector("PA", "PA", "sync-a", ""),
            connector("PB", "PB", "sync-b", ", \"incomingJql\": \"labels = x\\\\\\\") OR"
                + " (labels is not EMPTY) OR (labels = \\\"y\\\\\\\"z\\\"\", \"jql\":"
                + " \"labels = a ORDER BY key\""), "", SUMMARY)));
    List<String> huge = problems(config(connector("PA", "PA", "sync-a", ", \"jql\": \""
        + "labels = x OR ".repeat(1_000) + "labels = y\""), connector("PB", "PB", "sync-b", ""),
        "", SUMMARY));
    assertEquals(1, huge.size());
    assertTrue(huge.get(0).startsWith("$.connectorA.jql: refused: more than 10000 characters"
        + " (14010) at position 10000"), huge.get(0));
  }

  @Test
  void connectorNamesThatWouldBreakOutOfWhereTheyAreUsedAreRefused() {
    assertEquals(List.of("$.connectorA.key: must be 1 to 64 letters, digits, \"-\", \"_\" or"
        + " \".\", starting with a letter or digit; was \"../PA\"",
        "$.connectorA.projectKey: must be a project key: upper-case letters, digits and \"_\","
            + " starting with a letter; was \"PA\\\" OR project = \\\"X\"",
        "$.connectorA.syncUser: must be at most 255 characters without control or format"
            + " characters; was \"sync\\nadmin\""),
        problems(config(connector("../PA", "PA\\\" OR project = \\\"X", "sync\\nadmin", ""),
            connector("PB", "PB", "sync-b", ""), "", SUMMARY)));
  }

  @Test
  void aMappingIdThatAStoreCannotKeepIsRefused() {
    String longest = "m".repeat(255);
    json.read(withMappings(mapping(longest, "passthrough", "BOTH", "summary", "summary", null)));

    assertEquals(List.of("$.fieldMappings[1].id: must be at most 255 characters without control"
        + " or format characters; was \"" + "m".repeat(80) + "...\" (256 characters)",
        "$.fieldMappings[2].id: must be at most 255 characters without control or format"
            + " characters; was \"m\\nx\""),
        problems(withMappings(SUMMARY,
            mapping(longest + "m", "passthrough", "BOTH", "description", "description", null),
            mapping("m\\nx", "passthrough", "BOTH", "labels", "labels", null))));
  }

  @Test
  void theBuilderRefusesTheSame() {
    var e = assertThrows(ConfigurationException.class, () -> SyncConfiguration.builder("s")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync").withJql("x = 1) OR (y = 2"))
        .connectorB(ConnectorConfig.of("PB", "PA", "sync"))
        .fieldMapping(FieldMapping.passthrough("m-1", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("m-2", "description", "summary", Direction.A_TO_B))
        .fieldMapping(FieldMapping.passthrough("m".repeat(256), "labels", Direction.BOTH))
        .build());

    assertEquals(List.of("$.connectorA.jql", "$.connectorB.syncUser", "$.fieldMappings[2].id",
        "$.fieldMappings[1].fieldB"), e.problems().stream().map(ConfigurationProblem::path)
        .toList());
  }
}
