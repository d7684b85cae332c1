package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * {@code constant}: sets a field of the receiving side to a fixed value when the issue is created
 * there (or on every message with {@code "onCreateOnly": false}), one way only, reading nothing on
 * the sending side. Settings: {@code {"value": "From PA", "onCreateOnly": true}}.
 */
public final class ConstantMapping implements FieldMappingProvider {
  @Override
  public String type() {
    return "constant";
  }

  @Override
  public String displayName() {
    return "Fixed value";
  }

  @Override
  public boolean twoWay() {
    return false;
  }

  @Override
  public boolean needsSourceField() {
    return false;
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    MappingDefinition definitionA = check.definitionA();
    FieldSchema schemaA = check.schemaA();
    FieldSchema schemaB = check.schemaB();
    JsonNode settings = definitionA.settings();
    settings.fieldNames().forEachRemaining(name -> {
      if (!name.equals("value") && !name.equals("onCreateOnly")) {
        problems.report("settings." + name, "unknown setting of constant");
      }
    });
    if (!settings.has("value")) {
      problems.report("settings.value", "missing; the value to set");
    }
    JsonNode once = settings.get("onCreateOnly");
    if (once != null && !once.isBoolean()) {
      problems.report("settings.onCreateOnly", "must be true or false, was " + once);
    }
    JsonNode value = settings.get("value");
    FieldSchema target = schemaB != null ? schemaB : schemaA;
    if (value != null && value.isTextual() && target != null && target.allowedValues() != null
        && !target.allowedValues().contains(value.asText())) {
      problems.report("settings.value", value + " is not a value of " + target.id()
          + "; it has " + target.allowedValues());
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of(); // sent with a new issue only
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        return NullNode.getInstance();
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    String field = definition.localField();
    JsonNode value = definition.settings().path("value").deepCopy();
    boolean onCreateOnly = definition.settings().path("onCreateOnly").asBoolean(true);
    return BuiltInMappings.writing(Set.of(field), (ignored, updates, context) -> {
      if (context.creating() || !onCreateOnly) {
        updates.set(field, value);
      }
    }, "constant(" + field + " = " + value + ")");
  }
}
