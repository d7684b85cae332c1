package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** Every built-in field kind syncs, both ways, in one update per message. */
class BuiltInFieldsTest {
  private static FieldMapping same(String id, String field) {
    return FieldMapping.passthrough(id, field, Direction.BOTH);
  }

  @Test
  void systemAndCustomFieldsOfEveryKindSyncBothWays() throws Exception {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectA(p -> p.numberField("customfield_1").dateField("customfield_2")
            .selectField("customfield_3", "Red", "Green").customField("customfield_4")
            .multiSelectField("customfield_5", "iOS", "Android")
            .components("Backend", "Frontend").versions("1.0", "2.0"))
        .projectB(p -> p.numberField("customfield_1").dateField("customfield_2")
            .selectField("customfield_3", "Red", "Green").customField("customfield_4")
            .multiSelectField("customfield_5", "iOS", "Android")
            .components("Backend", "Frontend").versions("1.0", "2.0"))
        .fieldMapping(same("m-summary", "summary"))
        .fieldMapping(same("m-description", "description"))
        .fieldMapping(same("m-reporter", "reporter"))
        .fieldMapping(same("m-assignee", "assignee"))
        .fieldMapping(same("m-due", "duedate"))
        .fieldMapping(same("m-components", "components"))
        .fieldMapping(same("m-fix", "fixVersions"))
        .fieldMapping(same("m-affects", "versions"))
        .fieldMapping(same("m-number", "customfield_1"))
        .fieldMapping(same("m-date", "customfield_2"))
        .fieldMapping(same("m-select", "customfield_3"))
        .fieldMapping(same("m-text", "customfield_4"))
        .fieldMapping(same("m-multi", "customfield_5"))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    Map<String, com.fasterxml.jackson.databind.JsonNode> values = Map.of(
        "reporter", text("bob"),
        "duedate", text("2026-02-01"),
        "components", strings("Backend"),
        "fixVersions", strings("2.0"),
        "versions", strings("1.0", "2.0"),
        "customfield_1", JsonNodeFactory.instance.numberNode(42.5),
        "customfield_2", text("2026-03-01"),
        "customfield_3", text("Green"),
        "customfield_4", text("free text"),
        "customfield_5", strings("iOS", "Android"));
    sync.a("alice").updateIssue(pa1, values);
    sync.b().clearCalls();

    sync.runUntilQuiet();

    values.forEach((field, value) -> assertEquals(value, sync.b().value("PB-1", field), field));
    assertEquals(1, sync.b().calls("updateIssue").size(), "one update for all plain fields");

    sync.b("bob").updateIssue("PB-1", Map.of("customfield_1",
        JsonNodeFactory.instance.numberNode(7), "components", strings("Frontend", "Backend")));
    sync.runUntilQuiet();
    assertEquals(JsonNodeFactory.instance.numberNode(7), sync.a().value(pa1, "customfield_1"));
    assertEquals(strings("Frontend", "Backend"), sync.a().value(pa1, "components"));
  }
}
