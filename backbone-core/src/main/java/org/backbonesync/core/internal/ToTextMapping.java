package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code to-text}: renders a value into a text field with a template, one way only. Settings:
 * {@code {"template": "Priority in PA: {value}"}} (default {@code {value}}). Arrays are joined with
 * ", "; an empty value clears the text field.
 */
public final class ToTextMapping implements FieldMappingProvider {
  @Override
  public String type() {
    return "to-text";
  }

  @Override
  public String displayName() {
    return "Value as text";
  }

  @Override
  public boolean twoWay() {
    return false;
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return "string".equals(field.type());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    MappingDefinition definitionA = check.definitionA();
    FieldSchema schemaA = check.schemaA();
    FieldSchema schemaB = check.schemaB();
    definitionA.settings().fieldNames().forEachRemaining(name -> {
      if (!name.equals("template")) {
        problems.report("settings." + name, "unknown setting of to-text");
      }
    });
    JsonNode template = definitionA.settings().get("template");
    if (template != null && !template.isTextual()) {
      problems.report("settings.template", "must be a string, was " + template);
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return BuiltInMappings.readField(definition);
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    String field = definition.localField();
    String template = definition.settings().path("template").asText("{value}");
    return BuiltInMappings.writing(Set.of(field), (value, updates, context) -> {
      String text = render(value);
      updates.set(field, text.isEmpty()
          ? NullNode.getInstance()
          : JsonNodeFactory.instance.textNode(template.replace("{value}", text)));
    }, "to-text(" + field + ", \"" + template + "\")");
  }

  /** A value as text: strings as they are, arrays joined by ", ", null as empty. */
  static String render(JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(render(v)));
      return String.join(", ", parts);
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
