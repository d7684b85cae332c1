package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Set;
import org.backbonesync.core.internal.PassthroughMapping;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;

/**
 * The tester shows a mapping author the mistakes an engine would meet later (found by following
 * the README as a mapping author): a type an engine does not find on the classpath (no {@code
 * META-INF/services} entry), and an incoming mapping that changes the value it is given, which is
 * the stored message's own.
 */
class FieldMappingTesterTest {

  /** Adds "extra" to the labels it is given, in place: what the README says not to do. */
  private static final class ChangesItsValue implements FieldMappingProvider {
    @Override
    public String type() {
      return "acme.changes-its-value";
    }

    @Override
    public String displayName() {
      return type();
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition definition) {
      return new PassthroughMapping().outgoing(definition);
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition definition) {
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(definition.localField());
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          ((ArrayNode) value).add("extra");
          updates.set(definition.localField(), value);
        }
      };
    }
  }

  @Test
  void aMappingThatChangesTheValueItIsGivenIsToldItIsReadOnly() {
    FieldMappingTester tester =
        FieldMappingTester.of(new ChangesItsValue()).fields("labels", "labels");

    var e = assertThrows(IllegalStateException.class,
        () -> tester.importValue(InMemoryIssueTracker.strings("a")));

    assertEquals("the incoming mapping changed the value it was given, [\"a\"], to"
        + " [\"a\",\"extra\"]: it is read-only (a retry reads it again); write a deepCopy()"
        + " where you need a changed one", e.getMessage());
  }

  @Test
  void aTypeNotListedInMetaInfServicesIsNamedWithWhatToDo() {
    FieldMappingTester tester =
        FieldMappingTester.of(new HookedExport("acme.unlisted", issue -> { }))
            .fields("description", "description");

    var e = assertThrows(IllegalStateException.class, tester::syncTestDriver);

    assertEquals("mapping type \"acme.unlisted\" (org.backbonesync.core.HookedExport) is not"
        + " what an engine finds on the classpath (nothing): list the class in"
        + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider (a provider you"
        + " only register with FieldMappingRegistry.builder().register(...) is tested with"
        + " SyncTestDriver.builder().provider(...))", e.getMessage());
  }
}
