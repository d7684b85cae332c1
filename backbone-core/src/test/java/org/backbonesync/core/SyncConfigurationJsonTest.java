package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A configuration read from JSON is checked as a whole and written back unchanged. */
class SyncConfigurationJsonTest {
  private final SyncConfigurationJson json = new SyncConfigurationJson(FieldMappingRegistry.builtIns());

  private static final String VALID = """
      {
        "id" : "pa-pb",
        "connectorA" : {
          "key" : "PA-2",
          "projectKey" : "PA",
          "syncUser" : "sync-a",
          "jql" : "component = A"
        },
        "connectorB" : {
          "key" : "PB-3",
          "projectKey" : "PB",
          "syncUser" : "sync-b",
          "incomingJql" : "labels = synced"
        },
        "issueTypes" : [ {
          "a" : "Bug",
          "b" : "Defect"
        } ],
        "fieldMappings" : [ {
          "id" : "5f513c5e-49ca-4d26-856f-8fce2d7597e8",
          "type" : "passthrough",
          "direction" : "BOTH",
          "fieldA" : "summary",
          "fieldB" : "summary"
        }, {
          "id" : "468e9b09-e09d-4d90-ad6a-aa18dc336b4d",
          "name" : "Priority",
          "type" : "correlation",
          "direction" : "BOTH",
          "fieldA" : "priority",
          "fieldB" : "priority",
          "settings" : {
            "rows" : [ {
              "a" : "High",
              "b" : "P1"
            } ],
            "default" : {
              "a" : "Medium",
              "b" : "P2"
            }
          }
        }, {
          "id" : "0b1a3a6e-8f7e-4a4c-9d0e-3c1f2a7b9e11",
          "type" : "constant",
          "direction" : "A_TO_B",
          "fieldB" : "customfield_10200",
          "settings" : {
            "value" : "From PA"
          }
        } ]
      }""";

  private List<String> problems(String text) {
    return assertThrows(ConfigurationException.class, () -> json.read(text)).problems().stream()
        .map(ConfigurationProblem::toString).toList();
  }

  @Test
  void aConfigurationRoundTripsThroughJson() {
    SyncConfiguration config = json.read(VALID);

    assertEquals(VALID, json.write(config));
    assertEquals(config, json.read(json.write(config)));
    assertEquals("component = A", config.connectorA().jql());
    assertEquals("labels = synced", config.connectorB().incomingJql());
    assertEquals("Defect", config.targetIssueType("PB-3", "Bug"));
    assertEquals("Priority", config.fieldMappings().get(1).displayName());
  }

  @Test
  void theJavaBuilderAndTheJsonDescribeTheSameConfiguration() {
    SyncConfiguration built = SyncConfiguration.builder("pa-pb")
        .connectorA(ConnectorConfig.of("PA-2", "PA", "sync-a").withJql("component = A"))
        .connectorB(ConnectorConfig.of("PB-3", "PB", "sync-b").withIncomingJql("labels = synced"))
        .issueType("Bug", "Defect")
        .fieldMapping(FieldMapping.passthrough(
            "5f513c5e-49ca-4d26-856f-8fce2d7597e8", "summary", Direction.BOTH))
        .fieldMapping(json.read(VALID).fieldMappings().get(1))
        .fieldMapping(json.read(VALID).fieldMappings().get(2))
        .build();

    assertEquals(json.read(VALID), built);
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsJsonPath() {
    String broken = """
        {"id": "s", "color": "blue",
         "connectorA": {"key": "PA", "projectKey": "PA", "syncuser": "a"},
         "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "b"},
         "fieldMappings": [
           {"id": "m1", "type": "passthrough", "direction": "BOTH", "fieldA": "summary",
            "fieldB": "summary"},
           {"id": "m1", "type": "passthrough", "direction": "BOTH", "fieldA": "x", "fieldB": "x"},
           {"id": "m2", "type": "magic", "direction": "BOTH", "fieldA": "x", "fieldB": "x"},
           {"id": "m3", "type": "to-text", "direction": "BOTH", "fieldA": "priority",
            "fieldB": "description"},
           {"id": "m4", "type": "correlation", "direction": "SIDEWAYS", "fieldA": "priority"},
           {"id": "m5", "type": "correlation", "direction": "A_TO_B", "fieldA": "priority",
            "fieldB": "priority", "settings": {"rows": [{"a": "High", "b": "P1"},
            {"a": "High", "c": "P2"}]}}
         ]}""";

    assertEquals(List.of(
        "$.color: unknown property; known: [connectorA, connectorB, fieldMappings, id, issueTypes,"
            + " responsibility]",
        "$.connectorA.syncuser: unknown property; known: [incomingJql, jql, key, onPartnerGone, projectKey, syncUser]",
        "$.connectorA.syncUser: missing",
        "$.fieldMappings[1].id: duplicate field mapping id \"m1\" (also at $.fieldMappings[0])",
        "$.fieldMappings[2].type: unknown mapping type \"magic\"; known: [passthrough, correlation, to-text, constant, user, status,"
            + " comments, links, attachments, worklogs] (a custom type is found through a file"
            + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider on the"
            + " classpath that names its provider class)",
        "$.fieldMappings[3].direction: mapping type to-text syncs one way only; use A_TO_B or B_TO_A, not BOTH",
        "$.fieldMappings[4].direction: unknown direction \"SIDEWAYS\"; use A_TO_B, B_TO_A or BOTH",
        "$.fieldMappings[5].settings.rows[1].c: unknown column; a row has \"a\" and \"b\"",
        "$.fieldMappings[5].settings.rows[1].a: \"High\" appears in two rows; each value may appear once",
        "$.fieldMappings[5].settings.rows[1].b: must be a non-blank string, was null"),
        problems(broken));
  }

  @Test
  void semanticProblemsAreReportedTogether() {
    String broken = """
        {"id": "s",
         "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "a"},
         "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "b"},
         "fieldMappings": [
           {"id": "m1", "type": "passthrough", "direction": "BOTH", "fieldA": "summary",
            "fieldB": "summary"},
           {"id": "m1", "type": "passthrough", "direction": "BOTH", "fieldA": "x", "fieldB": "x"},
           {"id": "m2", "type": "magic", "direction": "BOTH", "fieldA": "x", "fieldB": "x"},
           {"id": "m3", "type": "to-text", "direction": "BOTH", "fieldA": "priority",
            "fieldB": "description"},
           {"id": "m4", "type": "passthrough", "direction": "A_TO_B", "fieldA": "labels"},
           {"id": "m5", "type": "constant", "direction": "A_TO_B", "fieldB": "x"}
         ]}""";

    assertEquals(List.of(
        "$.fieldMappings[1].id: duplicate field mapping id \"m1\" (also at $.fieldMappings[0])",
        "$.fieldMappings[2].type: unknown mapping type \"magic\"; known: [passthrough, correlation, to-text, constant, user, status,"
            + " comments, links, attachments, worklogs] (a custom type is found through a file"
            + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider on the"
            + " classpath that names its provider class)",
        "$.fieldMappings[3].direction: mapping type to-text syncs one way only; use A_TO_B or B_TO_A, not BOTH",
        "$.fieldMappings[4].fieldB: missing; mapping type passthrough writes a field on B's side (direction A_TO_B)",
        "$.fieldMappings[5].settings.value: missing; the value to set",
        "$.fieldMappings[5].fieldB: field \"x\" on B's side is also written by"
            + " $.fieldMappings[2] (\"m2\"); two mappings writing one field would overwrite each"
            + " other"),
        problems(broken));
  }

  /**
   * A one-way type given BOTH is one problem: its field on the side BOTH alone would write is not
   * "missing" too (found by a new user's walk of the service: constant, BOTH, fieldB only); a
   * field that type needs whichever way it syncs still is.
   */
  @Test
  void aOneWayTypeGivenBothIsOneProblemWithoutItsFollowOns() {
    String broken = """
        {"id": "s",
         "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "a"},
         "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "b"},
         "fieldMappings": [
           {"id": "c", "type": "constant", "direction": "BOTH", "fieldB": "labels",
            "settings": {"value": "x"}},
           {"id": "t", "type": "to-text", "direction": "BOTH", "fieldB": "description"}
         ]}""";

    assertEquals(List.of(
        "$.fieldMappings[0].direction: mapping type constant syncs one way only; use A_TO_B or"
            + " B_TO_A, not BOTH",
        "$.fieldMappings[1].direction: mapping type to-text syncs one way only; use A_TO_B or"
            + " B_TO_A, not BOTH",
        "$.fieldMappings[1].fieldA: missing; mapping type to-text reads a field on one side and"
            + " writes one on the other, whichever way it syncs"),
        problems(broken));
  }

  /**
   * A problem of one part hides none of another's (a new user's walk of the service): a refused
   * onPartnerGone hid the connector's other problems and that both keys were one; a duplicate
   * mapping id hid the mapping's unknown type.
   */
  @Test
  void aProblemOfOnePartHidesNoneOfAnothers() {
    String broken = """
        {"id": "s",
         "connectorA": {"key": "PA", "projectKey": "pa", "syncUser": "a",
                        "onPartnerGone": "explode"},
         "connectorB": {"key": "PA", "projectKey": "PB"},
         "fieldMappings": [
           {"id": "m1", "type": "passthrough", "direction": "BOTH", "fieldA": "summary",
            "fieldB": "summary"},
           {"id": "m1", "type": "magic", "direction": "BOTH", "fieldA": "x", "fieldB": "x"}
         ]}""";

    assertEquals(List.of(
        "$.connectorA.onPartnerGone: must be an object, was \"\\\"explode\\\"\"",
        "$.connectorB.syncUser: missing",
        "$.fieldMappings[1].id: duplicate field mapping id \"m1\" (also at $.fieldMappings[0])",
        "$.fieldMappings[1].type: unknown mapping type \"magic\"; known: [passthrough,"
            + " correlation, to-text, constant, user, status, comments, links, attachments,"
            + " worklogs] (a custom type is found through a file"
            + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider on the"
            + " classpath that names its provider class)",
        "$.connectorB.key: connector keys must differ, both are \"PA\"",
        "$.connectorA.projectKey: must be a project key: upper-case letters, digits and \"_\","
            + " starting with a letter; was \"pa\""),
        problems(broken));
  }

  @Test
  void brokenJsonIsRefusedWithItsPosition() {
    List<String> found = problems("{\"id\": }");

    assertEquals(1, found.size());
    assertTrue(found.get(0).startsWith("$.id: not valid JSON at line 1, column 8: Unexpected"
        + " character ('}'"), found.get(0));
  }
}
