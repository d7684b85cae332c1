package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A connector's {@code onPartnerGone}: read, checked with each problem's path, written back. */
class PartnerGoneJsonTest {
  private final SyncConfigurationJson json =
      new SyncConfigurationJson(FieldMappingRegistry.builtIns());

  private static String config(String onPartnerGone) {
    return """
        {"id": "s",
         "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "a",
           "onPartnerGone": %s},
         "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "b"},
         "fieldMappings": [{"id": "m1", "type": "passthrough", "direction": "BOTH",
           "fieldA": "summary", "fieldB": "summary"}]}""".formatted(onPartnerGone);
  }

  private List<String> problems(String onPartnerGone) {
    return assertThrows(ConfigurationException.class, () -> json.read(config(onPartnerGone)))
        .problems().stream().map(ConfigurationProblem::toString).toList();
  }

  @Test
  void eachActionIsReadAndWrittenBack() {
    SyncConfiguration marked = json.read(config("{\"action\": \"mark\"}"));
    assertEquals(PartnerGone.mark(), marked.connectorA().onPartnerGone());
    assertEquals(PartnerGone.leave(), marked.connectorB().onPartnerGone(), "the default");
    assertEquals(marked, json.read(json.write(marked)));

    SyncConfiguration custom = json.read(config(
        "{\"action\": \"MARK\", \"label\": \"gone\", \"comment\": \"{partner} was {reason}\"}"));
    assertEquals(new PartnerGone(PartnerGone.Action.MARK, "gone", "{partner} was {reason}"),
        custom.connectorA().onPartnerGone());
    assertEquals(custom, json.read(json.write(custom)));

    SyncConfiguration deleting = json.read(config("{\"action\": \"delete\"}"));
    assertEquals(PartnerGone.delete(), deleting.connectorA().onPartnerGone());
    assertEquals(deleting, json.read(json.write(deleting)));
    assertEquals(PartnerGone.leave(),
        json.read(config("{\"action\": \"leave\"}")).connectorA().onPartnerGone());
  }

  @Test
  void badSettingsAreRefusedNamingThePathAndTheValue() {
    assertEquals(List.of("$.connectorA.onPartnerGone.action: must be \"leave\", \"mark\" or"
        + " \"delete\", was \"explode\""), problems("{\"action\": \"explode\"}"));
    assertEquals(List.of("$.connectorA.onPartnerGone.action: missing"), problems("{}"));
    assertEquals(List.of("$.connectorA.onPartnerGone.action: must be \"leave\", \"mark\" or"
        + " \"delete\", was \"1\""), problems("{\"action\": 1}"));
    assertEquals(List.of("$.connectorA.onPartnerGone: must be an object, was \"\\\"mark\\\"\""),
        problems("\"mark\""));
    assertEquals(List.of("$.connectorA.onPartnerGone.label: label must have no spaces (a Jira"
        + " label has none), was \"partner gone\""),
        problems("{\"action\": \"mark\", \"label\": \"partner gone\"}"));
    assertEquals(List.of("$.connectorA.onPartnerGone.comment: must be a non-blank string, was"
        + " \"\\\"  \\\"\""), problems("{\"action\": \"mark\", \"comment\": \"  \"}"));
    assertEquals(List.of("$.connectorA.onPartnerGone.label: only for \"action\": \"mark\""),
        problems("{\"action\": \"delete\", \"label\": \"x\"}"));
    assertEquals(List.of("$.connectorA.onPartnerGone.when: unknown property; known: [action,"
        + " comment, label]"), problems("{\"action\": \"delete\", \"when\": \"now\"}"));
  }

  @Test
  void theJavaFormChecksTheSame() {
    IllegalArgumentException spaced = assertThrows(IllegalArgumentException.class,
        () -> new PartnerGone(PartnerGone.Action.MARK, "a b", "c"));
    assertEquals("label must have no spaces (a Jira label has none), was \"a b\"",
        spaced.getMessage());
    assertEquals("label must be at most 255 characters without control or format characters,"
        + " was \"gone\\u0000\"", assertThrows(IllegalArgumentException.class,
            () -> new PartnerGone(PartnerGone.Action.MARK, "gone\u0000", "c")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new PartnerGone(PartnerGone.Action.MARK, "x".repeat(1000), "c")).getMessage()
        .startsWith("label must be at most 255 characters"), "Jira's labels are at most 255");
    assertEquals("action must not be null", assertThrows(IllegalArgumentException.class,
        () -> new PartnerGone(null, null, null)).getMessage());
    assertEquals(PartnerGone.leave(),
        ConnectorConfig.of("PA", "PA", "a").onPartnerGone(), "the default");
  }
}
