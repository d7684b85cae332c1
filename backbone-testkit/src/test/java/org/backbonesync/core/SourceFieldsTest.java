package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An outgoing mapping that reads a field its project lacks (helper-99: a typo in a setting) read
 * JSON null from every issue, and its export cleared the partner's field: refused when the engine
 * is built, and by the tester's problems(), naming the mapping, the field and the nearest fields
 * the project has.
 */
class SourceFieldsTest {

  /** Sends its field's text with the text of the field its setting "also" names after it. */
  private static final class WithAlso implements FieldMappingProvider {
    @Override
    public String type() {
      return "acme.with-also";
    }

    @Override
    public String displayName() {
      return "With also";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      String field = definition.localField();
      String also = definition.settings().path("also").asText();
      return new OutgoingFieldMapping() {
        @Override
        public Set<String> sourceFields() {
          return Set.of(field, also);
        }

        @Override
        public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
          return text(issue.field(field).asText() + " / " + issue.field(also).asText());
        }
      };
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      String field = definition.localField();
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(field);
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          updates.set(field, value);
        }
      };
    }
  }

  /** Its outgoing half names no source fields: Java null, not an empty set. */
  private static final class NullSources implements FieldMappingProvider {
    @Override
    public String type() {
      return "acme.null-sources";
    }

    @Override
    public String displayName() {
      return "Null sources";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return new OutgoingFieldMapping() {
        @Override
        public Set<String> sourceFields() {
          return null;
        }

        @Override
        public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
          return issue.field(definition.localField());
        }
      };
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      return new WithAlso().incoming(definition);
    }
  }

  private static SyncTestDriver.Builder reading(String also) {
    return SyncTestDriver.builder()
        .provider(new WithAlso())
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.with-also",
            Direction.A_TO_B, "description", "description",
            settings(also)));
  }

  private static JsonNode settings(String also) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("also", also);
  }

  private static final String LABELS_MISSPELT = "mapping type \"acme.with-also\""
      + " (org.backbonesync.core.SourceFieldsTest$WithAlso) made an outgoing mapping for"
      + " map-under-test that reads \"lables\" (nearest: labels, parent, status), which project"
      + " PA has no field of (it has 18): every export would read JSON null and clear the"
      + " partner's field";

  @Test
  void aSourceFieldTheProjectLacksIsRefusedWhenTheEngineIsBuilt() {
    var e = assertThrows(ConfigurationException.class, () -> reading("lables").build());

    assertEquals(List.of("$.fieldMappings[1].type: " + LABELS_MISSPELT),
        e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void noSourceFieldsAtAllIsRefusedAsNoTargetFieldsIs() {
    var e = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .provider(new NullSources())
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.null-sources",
            Direction.A_TO_B, "description", "description", null))
        .build());

    assertEquals(List.of("$.fieldMappings[1].type: mapping type \"acme.null-sources\""
        + " (org.backbonesync.core.SourceFieldsTest$NullSources) made an outgoing mapping for"
        + " map-under-test whose sourceFields() returned null; it must return the fields the"
        + " mapping reads"), e.problems().stream().map(ConfigurationProblem::toString).toList());
  }

  @Test
  void theTesterFindsItAsTheEngineDoesWhenGivenTheTrackers() {
    FieldMappingTester tester = FieldMappingTester.of(new WithAlso())
        .fields("description", "description").direction(Direction.A_TO_B)
        .settings("{\"also\": \"lables\"}");
    assertEquals(List.of(), tester.problems(), "no trackers, no fields to check against");

    tester.trackers(InMemoryIssueTracker.builder("PA").build(),
        InMemoryIssueTracker.builder("PB").build());

    assertEquals(List.of("type: " + LABELS_MISSPELT), tester.problems());
  }

  @Test
  void aFieldTheProjectHasOrAJiraSystemFieldItDoesNotListIsRead() {
    SyncTestDriver sync = reading("updated").build(); // (the in-memory list has no "updated")
    SyncTestDriver custom = reading("customfield_10020")
        .projectA(p -> p.customField("customfield_10020")).build();
    String key = custom.a("alice").create("Printer on fire");
    custom.a("alice").edit(key, "customfield_10020", "ink");
    custom.a("alice").edit(key, "description", "out of");

    custom.runUntilQuiet();

    assertEquals("out of / ink", custom.b().value("PB-1", "description").asText());
    assertEquals(List.of(), sync.syncInfoA(), "built");
  }
}
