package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An outside tester (helper-177's brief) found the tester passing set-ups an engine refuses: BOTH
 * on a one-way type, a target field the project lacks, a target of a schema the type cannot
 * write, all with {@code problems()} empty; and the mapping's own exceptions coming out of
 * {@code importValue} and {@code export} raw, where the engine names the mapping and the value.
 * Each case here is set up once for the tester and once for an engine, and both must say the
 * same.
 */
class FieldMappingTesterAsEngineTest {

  /** The README's example type, one way, from labels into a text field; its calls may throw. */
  private static final class LabelsAsText implements FieldMappingProvider {
    private final RuntimeException onExport;
    private final RuntimeException onImport;
    private final RuntimeException onIncoming;

    LabelsAsText(RuntimeException onExport, RuntimeException onImport,
        RuntimeException onIncoming) {
      this.onExport = onExport;
      this.onImport = onImport;
      this.onIncoming = onIncoming;
    }

    @Override
    public String type() {
      return "demo.labels-as-text";
    }

    @Override
    public String displayName() {
      return "Labels as text";
    }

    @Override
    public boolean twoWay() {
      return false;
    }

    @Override
    public boolean supportsSource(FieldSchema field) {
      return "array".equals(field.type()) && "string".equals(field.items());
    }

    @Override
    public boolean supportsTarget(FieldSchema field) {
      return "string".equals(field.type());
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      String labels = definition.localField();
      return new OutgoingFieldMapping() {
        @Override
        public Set<String> sourceFields() {
          return Set.of(labels);
        }

        @Override
        public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
          if (onExport != null) {
            throw onExport;
          }
          return issue.field(labels);
        }
      };
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      if (onIncoming != null) {
        throw onIncoming;
      }
      String text = definition.localField();
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(text);
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          if (onImport != null) {
            throw onImport;
          }
          StringBuilder joined = new StringBuilder();
          value.forEach(l -> joined.append(joined.length() == 0 ? "" : ", ").append(l.asText()));
          updates.set(text, JsonNodeFactory.instance.textNode(joined.toString()));
        }
      };
    }
  }

  private static LabelsAsText fine() {
    return new LabelsAsText(null, null, null);
  }

  private static FieldMappingTester tester(FieldMappingProvider provider, String fieldA,
      String fieldB, Direction direction, Consumer<InMemoryIssueTracker.Builder> projectB) {
    InMemoryIssueTracker.Builder b = InMemoryIssueTracker.builder("PB");
    projectB.accept(b);
    return FieldMappingTester.of(provider).fields(fieldA, fieldB).direction(direction)
        .trackers(InMemoryIssueTracker.builder("PA").build(), b.build());
  }

  private static SyncTestDriver.Builder engine(FieldMappingProvider provider,
      FieldMappingTester tester, Consumer<InMemoryIssueTracker.Builder> projectB) {
    return SyncTestDriver.builder().provider(provider)
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(tester.fieldMapping())
        .projectB(projectB);
  }

  /** What an engine's build refuses, each path relative to the mapping under test. */
  private static List<String> engineRefuses(FieldMappingProvider provider,
      FieldMappingTester tester, Consumer<InMemoryIssueTracker.Builder> projectB) {
    var e = assertThrows(ConfigurationException.class,
        () -> engine(provider, tester, projectB).build());
    return e.problems().stream()
        .map(p -> p.path().replace("$.fieldMappings[1].", "") + ": " + p.message()).toList();
  }

  private static List<String> bothSay(String fieldA, String fieldB, Direction direction,
      Consumer<InMemoryIssueTracker.Builder> projectB) {
    LabelsAsText provider = fine();
    FieldMappingTester tester = tester(provider, fieldA, fieldB, direction, projectB);
    List<String> found = tester.problems();
    assertEquals(engineRefuses(provider, tester, projectB), found);
    return found;
  }

  private static final Consumer<InMemoryIssueTracker.Builder> TEXT_FIELD =
      p -> p.customField("customfield_10100");

  @Test
  void bothOnAOneWayTypeIsAProblemAsTheEngineRefusesIt() {
    assertEquals(List.of("direction: mapping type demo.labels-as-text syncs one way only; use"
        + " A_TO_B or B_TO_A, not BOTH"),
        bothSay("labels", "customfield_10100", Direction.BOTH, TEXT_FIELD));
  }

  @Test
  void aTargetFieldTheProjectLacksIsAProblemNamingTheNearest() {
    List<String> found = bothSay("labels", "customfield_1010", Direction.A_TO_B, TEXT_FIELD);

    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("fieldB: project PB has no field \"customfield_1010\""
        + " (nearest: customfield_10100, "), found.get(0));
  }

  @Test
  void aTargetOfASchemaTheTypeCannotWriteIsAProblem() {
    assertEquals(List.of("fieldB: mapping type demo.labels-as-text cannot write number field"
        + " customfield_10100"), bothSay("labels", "customfield_10100", Direction.A_TO_B,
            p -> p.numberField("customfield_10100")));
  }

  /** The tester said "type: ... made an outgoing mapping that reads"; an engine says fieldA. */
  @Test
  void aSourceFieldTyposPathIsTheFieldAsTheEngineTellsIt() {
    List<String> found = bothSay("labls", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);

    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("fieldA: project PA has no field \"labls\" (nearest:"
        + " labels, "), found.get(0));
  }

  @Test
  void aSetUpTheEngineTakesHasNoProblems() {
    LabelsAsText provider = fine();
    FieldMappingTester tester =
        tester(provider, "labels", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);

    assertEquals(List.of(), tester.problems());
    engine(provider, tester, TEXT_FIELD).build();
  }

  @Test
  void anImportThatThrowsIsTheEnginesFailureNamingTheMappingAndTheValue() {
    LabelsAsText provider = new LabelsAsText(null, new NullPointerException("boom in import"),
        null);
    FieldMappingTester tester =
        tester(provider, "labels", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);
    SyncTestDriver sync = engine(provider, tester, TEXT_FIELD).build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "labels", strings("hardware"));
    sync.runUntilQuietExpectingFailures();

    var e = assertThrows(SyncException.class, () -> tester.importValue(strings("hardware")));

    assertEquals("incoming field mapping map-under-test failed on value [\"hardware\"]:"
        + " java.lang.NullPointerException: boom in import", e.getMessage());
    assertEquals(List.of(e.getMessage()),
        sync.engine().failedMessages("PB").stream().map(f -> f.error()).toList());
    assertEquals(FieldMappingTester.MAPPING_ID, e.fieldMappingId());
  }

  @Test
  void aRefusalOfTheMappingIsToldWithTheValueAsTheEngineTellsIt() {
    LabelsAsText provider = new LabelsAsText(null,
        new SyncException("label \"hardware\" has no row"), null);
    FieldMappingTester tester =
        tester(provider, "labels", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);

    var e = assertThrows(SyncException.class, () -> tester.importValue(strings("hardware")));

    assertEquals("incoming field mapping map-under-test refused value [\"hardware\"]: label"
        + " \"hardware\" has no row", e.getMessage());
  }

  @Test
  void anExportThatThrowsIsTheEnginesFailureNamingTheMappingAndTheIssue() {
    LabelsAsText provider = new LabelsAsText(new NullPointerException("boom in export"), null,
        null);
    FieldMappingTester tester =
        tester(provider, "labels", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);
    SyncTestDriver sync = engine(provider, tester, TEXT_FIELD).build();
    sync.a("alice").create("Printer on fire");
    assertThrows(IllegalStateException.class, sync::runUntilQuiet);

    var e = assertThrows(SyncException.class,
        () -> tester.export(tester.issue(Map.of("labels", strings("hardware")))));

    assertEquals("outgoing field mapping map-under-test failed on PA-1:"
        + " java.lang.NullPointerException: boom in export", e.getMessage());
    assertEquals("PA-1: " + e.getMessage(),
        sync.events().events(Type.EXPORT_FAILED).get(0).detail());
  }

  @Test
  void anIncomingThatThrowsIsRefusedAsTheEnginesBuildRefusesIt() {
    LabelsAsText provider = new LabelsAsText(null, null,
        new IllegalStateException("no table"));
    FieldMappingTester tester =
        tester(provider, "labels", "customfield_10100", Direction.A_TO_B, TEXT_FIELD);
    List<String> engine = engineRefuses(provider, tester, TEXT_FIELD);

    var e = assertThrows(ConfigurationException.class,
        () -> tester.importValue(strings("hardware")));

    assertEquals(List.of("type: mapping type \"demo.labels-as-text\" ("
        + LabelsAsText.class.getName() + ") made no incoming mapping for map-under-test: its"
        + " incoming(MappingDefinition) threw java.lang.IllegalStateException: no table"),
        engine);
    assertEquals(engine, tester.problems());
    assertEquals(List.of("$.fieldMappings[1]." + engine.get(0)),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  /** Writes a text's length as its target's schema takes it: a number, or else text. */
  private static final class LengthBySchema implements FieldMappingProvider {
    @Override
    public String type() {
      return "demo.length";
    }

    @Override
    public String displayName() {
      return "Length";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return fine().outgoing(definition);
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      FieldSchema schema = definition.localSchema();
      boolean number = schema != null && "number".equals(schema.type());
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(definition.localField());
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          int length = value.asText().length();
          updates.set(definition.localField(), number ? JsonNodeFactory.instance.numberNode(length)
              : JsonNodeFactory.instance.textNode(String.valueOf(length)));
        }
      };
    }
  }

  /**
   * The engine makes the halves with the local field's schema; the tester made them without, so
   * a mapping that writes by the schema wrote text into a number field, and the tester refused
   * what an engine writes.
   */
  @Test
  void theHalvesAreMadeWithTheFieldsSchemaAsAnEngineMakesThem() {
    FieldMappingTester tester = tester(new LengthBySchema(), "summary", "customfield_10100",
        Direction.A_TO_B, p -> p.numberField("customfield_10100"));

    assertEquals(Map.of("customfield_10100", JsonNodeFactory.instance.numberNode(4)),
        tester.importValue(JsonNodeFactory.instance.textNode("Jams")));
  }
}
