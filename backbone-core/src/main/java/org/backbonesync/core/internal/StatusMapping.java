package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code status}: a workflow mapping. Source statuses translate to target statuses through a
 * table (as {@code correlation}, with an optional default); the receiving issue is then moved
 * there by transitions: along an explicit {@code via} list of transition names when the side has
 * one, else by the shortest path of the tracker's workflow, else by a direct transition. A
 * transition whose screen requires a resolution gets the side's {@code resolution}. Settings:
 *
 * <pre>{@code
 * {"rows": [{"a": "To Do", "b": "Open"}, {"a": "Done", "b": "Closed"}],
 *  "via": {"b": ["Start", "Close"]}, "resolution": {"a": "Done", "b": "Fixed"}}
 * }</pre>
 */
public final class StatusMapping implements FieldMappingProvider {
  @Override
  public String type() {
    return "status";
  }

  @Override
  public String displayName() {
    return "Status by transitions";
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return "status".equals(field.type());
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return "status".equals(field.type());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    CorrelationMapping.validateTable(check, problems, type(),
        Set.of("rows", "default", "via", "resolution"));
    JsonNode settings = check.definitionA().settings();
    for (String name : List.of("via", "resolution")) {
      JsonNode node = settings.get(name);
      if (node == null) {
        continue;
      }
      if (!node.isObject()) {
        problems.report("settings." + name, "must be an object {\"a\": ..., \"b\": ...}");
        continue;
      }
      node.fieldNames().forEachRemaining(side -> {
        if (!side.equals("a") && !side.equals("b")) {
          problems.report("settings." + name + "." + side, "unknown side; use \"a\" or \"b\"");
        }
      });
      for (String side : List.of("a", "b")) {
        JsonNode v = node.get(side);
        if (v == null) {
          continue;
        }
        boolean ok = name.equals("via")
            ? v.isArray() && v.size() > 0
            : v.isTextual() && !v.asText().isBlank();
        if (!ok) {
          problems.report("settings." + name + "." + side, name.equals("via")
              ? "must be a non-empty array of transition names, was " + v
              : "must be a resolution name, was " + v);
        }
      }
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return BuiltInMappings.readField(definition);
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    CorrelationMapping.Table table = new CorrelationMapping.Table(definition);
    String side = definition.side().key();
    List<String> via = new ArrayList<>();
    definition.settings().path("via").path(side).forEach(t -> via.add(t.asText()));
    JsonNode resolution = definition.settings().path("resolution").get(side);
    Map<String, JsonNode> screen = resolution == null ? Map.of() : Map.of("resolution", resolution);
    return BuiltInMappings.writing(Set.of(definition.localField()), (value, updates, context) -> {
      if (!value.isNull()) {
        updates.transitionTo(table.translate(value.asText(), context), via, screen);
      }
    }, "status(" + table + ", via " + via + ")");
  }
}
