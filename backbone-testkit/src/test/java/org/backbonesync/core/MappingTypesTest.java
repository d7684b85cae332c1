package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Each built-in mapping type, through a whole sync between two in-memory projects. */
class MappingTypesTest {
  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final FieldMapping SUMMARY =
      FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH);

  private static final String PRIORITY_TABLE = """
      {"rows": [{"a": "High", "b": "P1"}, {"a": "Medium", "b": "P2"}, {"a": "Low", "b": "P3"}]}""";

  private static SyncTestDriver.Builder prioritiesP1toP3() {
    return SyncTestDriver.builder()
        .projectB(p -> p.priorities("P1", "P2", "P3", "P4"))
        .fieldMapping(SUMMARY);
  }

  @Test
  void aCorrelationTranslatesValuesBothWays() {
    SyncTestDriver sync = prioritiesP1toP3()
        .fieldMapping(FieldMapping.of("map-priority", "correlation", Direction.BOTH,
            "priority", "priority", json(PRIORITY_TABLE)))
        .build();
    String pa1 = sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("High")), null));

    sync.runUntilQuiet();
    assertEquals("P1", sync.b().value("PB-1", "priority").asText());

    sync.b("bob").edit("PB-1", "priority", "P3");
    sync.runUntilQuiet();
    assertEquals("Low", sync.a().value(pa1, "priority").asText());
  }

  @Test
  void aValueWithoutARowTakesTheDefaultOrFailsNamingTheValue() {
    SyncTestDriver withDefault = prioritiesP1toP3()
        .fieldMapping(FieldMapping.of("map-priority", "correlation", Direction.BOTH,
            "priority", "priority", json("""
                {"rows": [{"a": "High", "b": "P1"}], "default": {"a": "Medium", "b": "P4"}}""")))
        .build();
    withDefault.a("alice").create("Printer on fire"); // priority Medium: no row
    withDefault.runUntilQuiet();
    assertEquals("P4", withDefault.b().value("PB-1", "priority").asText());

    SyncTestDriver without = prioritiesP1toP3()
        .fieldMapping(FieldMapping.of("map-priority", "correlation", Direction.BOTH,
            "priority", "priority", json("""
                {"rows": [{"a": "High", "b": "P1"}]}""")))
        .build();
    without.a("alice").create("Printer on fire");
    without.runUntilQuiet();
    assertEquals(List.of("no correlation row for \"Medium\" in field mapping map-priority"
            + " (priority on side B) and no default for side B"),
        without.engine().failedMessages("PB").stream().map(e -> e.error()).toList());
  }

  @Test
  void aCorrelationMapsEachItemOfAMultiSelect() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectA(p -> p.multiSelectField("customfield_1", "Web", "Mobile", "Backend"))
        .projectB(p -> p.multiSelectField("customfield_2", "Frontend", "Server"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-area", "correlation", Direction.A_TO_B,
            "customfield_1", "customfield_2", json("""
                {"rows": [{"a": "Web", "b": "Frontend"}, {"a": "Mobile", "b": "Frontend"},
                          {"a": "Backend", "b": "Server"}]}""")))
        .build();
    String pa1 = sync.a("alice").create("Login broken");
    sync.a("alice").edit(pa1, "customfield_1", strings("Web", "Mobile", "Backend"));

    sync.runUntilQuiet();

    assertEquals(strings("Frontend", "Server"), sync.b().value("PB-1", "customfield_2"));
  }

  @Test
  void aCorrelationNamingAValueTheProjectLacksIsRefusedWhenTheEngineIsBuilt() {
    var e = assertThrows(ConfigurationException.class, () -> prioritiesP1toP3()
        .fieldMapping(FieldMapping.of("map-priority", "correlation", Direction.BOTH,
            "priority", "priority", json("""
                {"rows": [{"a": "High", "b": "P9"}, {"a": "Urgent", "b": "P1"}]}""")))
        .build());

    assertEquals(List.of(
        "$.fieldMappings[1].settings.rows[0].b: \"P9\" is not a value of priority; it has"
            + " [P1, P2, P3, P4]",
        "$.fieldMappings[1].settings.rows[1].a: \"Urgent\" is not a value of priority; it has"
            + " [High, Medium, Low]"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void anAttachmentMaxSizeBeyondALongIsRefusedNotWrapped() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", json("{\"maxSize\": 18446744073709551621}"))) // 2^64 + 5
        .build());

    assertEquals(List.of("$.fieldMappings[1].settings.maxSize: must be a positive number of"
        + " bytes, was 18446744073709551621"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void toTextRendersAValueIntoATextField() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectB(p -> p.customField("customfield_10100"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-prio-text", "to-text", Direction.A_TO_B,
            "priority", "customfield_10100", json("{\"template\": \"Priority in PA: {value}\"}")))
        .fieldMapping(FieldMapping.of("map-labels-text", "to-text", Direction.A_TO_B,
            "labels", "description", null))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware", "urgent"));

    sync.runUntilQuiet();

    assertEquals("Priority in PA: Medium", sync.b().value("PB-1", "customfield_10100").asText());
    assertEquals("hardware, urgent", sync.b().value("PB-1", "description").asText());
  }

  @Test
  void aConstantIsSetOnCreateAndLeftAloneAfterwards() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectB(p -> p.selectField("customfield_10200", "From PA", "Internal")
            .requiredOnCreate("customfield_10200"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-origin", "constant", Direction.A_TO_B,
            null, "customfield_10200", json("{\"value\": \"From PA\"}")))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    assertEquals("From PA", sync.b().value("PB-1", "customfield_10200").asText());

    sync.b("bob").edit("PB-1", "customfield_10200", "Internal");
    sync.a("alice").edit(pa1, "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals("Internal", sync.b().value("PB-1", "customfield_10200").asText());
    assertEquals("Printer fixed", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aRequiredCreateFieldWithoutAMappingIsRefusedWhenTheEngineIsBuilt() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .projectB(p -> p.selectField("customfield_10200", "From PA").requiredOnCreate(
            "customfield_10200"))
        .fieldMapping(SUMMARY)
        .build());

    assertEquals(List.of("$.fieldMappings: project PB requires field \"customfield_10200\" to"
            + " create a Task, but no built-in field mapping towards PB writes it",
        "$.fieldMappings: project PB requires field \"customfield_10200\" to create a Bug, but no"
            + " built-in field mapping towards PB writes it"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  /** A custom type's provider that makes no outgoing half: refused when built, not at a poll. */
  private static final class NoOutgoing implements FieldMappingProvider {
    @Override
    public String type() {
      return "acme.no-outgoing";
    }

    @Override
    public String displayName() {
      return "No outgoing half";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return null;
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      return HookedMapping.beforeExport("unused", issue -> { }).incoming(definition);
    }
  }

  @Test
  void aProviderThatMakesNoHalfIsRefusedWhenTheEngineIsBuiltNamingItsClass() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .provider(new NoOutgoing())
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-desc", "acme.no-outgoing", Direction.A_TO_B,
            "description", "description", null))
        .build());

    assertEquals(List.of("$.fieldMappings[1].type: mapping type \"acme.no-outgoing\""
            + " (org.backbonesync.core.MappingTypesTest$NoOutgoing) made no outgoing mapping for"
            + " map-desc: its outgoing(MappingDefinition) returned null"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  /**
   * A custom type's provider whose incoming half reads a setting the configuration lacks
   * (helper-99): it threw a bare NullPointerException out of the engine's build.
   */
  private static final class ThrowsMaking implements FieldMappingProvider {
    @Override
    public String type() {
      return "acme.throws-making";
    }

    @Override
    public String displayName() {
      return "Throws when made";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return HookedMapping.beforeExport("unused", issue -> { }).outgoing(definition);
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      definition.settings().get("table").size();
      return null;
    }
  }

  @Test
  void aProviderThatThrowsMakingAHalfIsRefusedAtTheMappingNamingItsClass() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .provider(new ThrowsMaking())
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-desc", "acme.throws-making", Direction.A_TO_B,
            "description", "description", null))
        .build());

    assertEquals(1, e.problems().size(), e.problems().toString());
    String problem = e.problems().get(0).toString();
    assertTrue(problem.startsWith("$.fieldMappings[1].type: mapping type \"acme.throws-making\""
        + " (org.backbonesync.core.MappingTypesTest$ThrowsMaking) made no incoming mapping for"
        + " map-desc: its incoming(MappingDefinition) threw java.lang.NullPointerException"),
        problem);
  }

  /**
   * A custom type's provider with two bugs a mapping author made (helper-81): its check throws,
   * and its incoming half names no target fields.
   */
  private static final class Buggy implements FieldMappingProvider {
    private final boolean checkThrows;

    Buggy(boolean checkThrows) {
      this.checkThrows = checkThrows;
    }

    @Override
    public String type() {
      return "acme.buggy";
    }

    @Override
    public String displayName() {
      return "Buggy";
    }

    @Override
    public void validate(org.backbonesync.spi.mapping.MappingCheck check,
        org.backbonesync.spi.mapping.ProblemReporter problems) {
      if (checkThrows) {
        throw new NullPointerException("settings is null");
      }
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return HookedMapping.beforeExport("unused", issue -> { }).outgoing(definition);
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return null;
        }

        @Override
        public void importValue(com.fasterxml.jackson.databind.JsonNode value,
            org.backbonesync.spi.mapping.FieldUpdates updates,
            org.backbonesync.spi.mapping.MappingContext context) {}
      };
    }
  }

  @Test
  void aProviderWhoseCheckThrowsOrWhoseIncomingHalfNamesNoTargetsIsRefusedNamingIt() {
    for (boolean checkThrows : new boolean[] {true, false}) {
      var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
          .provider(new Buggy(checkThrows))
          .fieldMapping(SUMMARY)
          .fieldMapping(FieldMapping.of("map-desc", "acme.buggy", Direction.A_TO_B,
              "description", "description", null))
          .build());

      assertEquals(List.of("$.fieldMappings[1].type: mapping type \"acme.buggy\""
              + " (org.backbonesync.core.MappingTypesTest$Buggy) " + (checkThrows
              ? "failed checking map-desc: java.lang.NullPointerException: settings is null"
              : "made an incoming mapping for map-desc whose targetFields() returned null; it"
                  + " must return the fields the mapping writes")),
          e.problems().stream().map(ConfigurationProblem::toString).toList());
    }
  }

  @Test
  void aMistypedFieldIsRefusedNamingTheNearestFieldsTheProjectHas() {
    // helper-129: only an outgoing half's sourceFields() got the nearest fields, not the
    // configured fieldA/fieldB, where a typo is made
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("m-1", "passthrough", Direction.BOTH, "descriptoin",
            "description", null))
        .build());

    assertEquals(List.of("$.fieldMappings[1].fieldA: project PA has no field \"descriptoin\""
        + " (nearest: description, resolution, priority)"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void mappingsOnUnsuitableOrMissingFieldsAndUnmatchedIssueTypesAreRefused() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .projectB(p -> p.issueTypes("Task", "Defect"))
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.passthrough("m-1", "description", "labels", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("m-2", "customfield_404", Direction.BOTH))
        .fieldMapping(FieldMapping.of("m-3", "to-text", Direction.A_TO_B, "priority",
            "components", null))
        .build());

    assertEquals(List.of(
        "$.fieldMappings[1].fieldB: passthrough needs fields of the same type, but description is"
            + " string and labels is array<string>; use a correlation or to-text mapping",
        "$.fieldMappings[2].fieldA: project PA has no field \"customfield_404\" (nearest:"
            + " comment, components, duedate (Due date))",
        "$.fieldMappings[2].fieldB: project PB has no field \"customfield_404\" (nearest:"
            + " comment, components, duedate (Due date))",
        "$.fieldMappings[3].fieldB: mapping type to-text cannot write array<component> field"
            + " components"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());

    var types = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .projectB(p -> p.issueTypes("Task", "Defect"))
        .fieldMapping(SUMMARY)
        .build());
    assertEquals(List.of(
        "$.issueTypes: issue type \"Defect\" of the partner has no counterpart in project PA"
            + " (it has [Task, Bug]); add a row to issueTypes",
        "$.issueTypes: issue type \"Bug\" of the partner has no counterpart in project PB"
            + " (it has [Task, Defect]); add a row to issueTypes"),
        types.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  /** A custom type writing the description, which is on the create screen. */
  public static final class ShoutingDescription implements FieldMappingProvider {
    @Override
    public String type() {
      return "test.shout";
    }

    @Override
    public String displayName() {
      return "Shout";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition d) {
      return new OutgoingFieldMapping() {
        @Override
        public Set<String> sourceFields() {
          return Set.of(d.localField());
        }

        @Override
        public JsonNode exportValue(
            org.backbonesync.spi.tracker.TrackedIssue issue, MappingContext context) {
          return issue.field(d.localField());
        }
      };
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition d) {
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(d.localField());
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          updates.set(d.localField(), text(value.asText().toUpperCase() + "!"));
        }
      };
    }
  }

  @Test
  void aCustomMappingIsAppliedInTheUpdateAfterTheCreateEvenWhenItsFieldIsOnTheCreateScreen() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .provider(new ShoutingDescription())
        .fieldMapping(SUMMARY)
        .fieldMapping(FieldMapping.of("map-shout", "test.shout", Direction.A_TO_B,
            "description", "description", null))
        .build();
    StringBuilder descriptionAfterCreate = new StringBuilder();
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("createIssue")) {
          descriptionAfterCreate.append(sync.b().allIssues().get(0).field("description"));
        }
      }
    });
    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "description", text("it smokes")), null));

    sync.runUntilQuiet();

    assertEquals("null", descriptionAfterCreate.toString());
    assertEquals("IT SMOKES!", sync.b().value("PB-1", "description").asText());
    assertTrue(sync.b().calls("updateIssue").size() >= 1);
  }
}
