package org.backbonesync.core.internal;

import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/** {@code passthrough}: the value as it is, between two fields of the same schema. */
public final class PassthroughMapping implements FieldMappingProvider {
  @Override
  public String type() {
    return "passthrough";
  }

  @Override
  public String displayName() {
    return "Same value";
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    MappingDefinition definitionA = check.definitionA();
    // it takes none: a setting here is a typo or meant for another type, never ignored silently
    definitionA.settings().fieldNames().forEachRemaining(name -> problems.report(
        "settings." + name, "unknown setting of passthrough, which takes none"));
    FieldSchema schemaA = check.schemaA();
    FieldSchema schemaB = check.schemaB();
    if (schemaA != null && schemaB != null && !schemaA.describe().equals(schemaB.describe())) {
      problems.report("fieldB", "passthrough needs fields of the same type, but "
          + schemaA.id() + " is " + schemaA.describe() + " and " + schemaB.id() + " is "
          + schemaB.describe() + "; use a correlation or to-text mapping");
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return BuiltInMappings.readField(definition);
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    String field = definition.localField();
    return BuiltInMappings.writing(Set.of(field),
        (value, updates, context) -> updates.set(field, value), "passthrough(" + field + ")");
  }
}
