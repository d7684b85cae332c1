package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code correlation}: translates values through a table, for fields whose values are names
 * (priorities, issue types, statuses, select options, link types; also arrays of them, item by
 * item). Settings:
 *
 * <pre>{@code
 * {"rows": [{"a": "High", "b": "P1"}, {"a": "Low", "b": "P3"}],
 *  "default": {"a": "Medium", "b": "P2"}}
 * }</pre>
 *
 * A value with no row takes the receiving side's default; without one it is an error naming the
 * value, and the message waits for an admin.
 */
public final class CorrelationMapping implements FieldMappingProvider {
  private static final Set<String> NAMED = Set.of("string", "option", "priority", "issuetype",
      "status", "resolution", "issuelinktype", "component", "version", "securitylevel");

  @Override
  public String type() {
    return "correlation";
  }

  @Override
  public String displayName() {
    return "Value table";
  }

  private static boolean named(FieldSchema f) {
    return NAMED.contains(f.type()) || ("array".equals(f.type()) && NAMED.contains(f.items()));
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return named(field);
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return named(field);
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    validateTable(check, problems, type(), Set.of("rows", "default"));
  }

  /** Checks a value table's settings; other types with a table add their own settings. */
  static void validateTable(
      MappingCheck check, ProblemReporter problems, String type, Set<String> known) {
    MappingDefinition definitionA = check.definitionA();
    FieldSchema schemaA = check.schemaA();
    FieldSchema schemaB = check.schemaB();
    JsonNode settings = definitionA.settings();
    for (String name : iterable(settings.fieldNames())) {
      if (!known.contains(name)) {
        problems.report("settings." + name, "unknown setting of " + type);
      }
    }
    JsonNode rows = settings.get("rows");
    if (rows == null || !rows.isArray() || rows.isEmpty()) {
      problems.report("settings.rows", "must be a non-empty array of {\"a\": ..., \"b\": ...}");
      return;
    }
    Map<String, Integer> seenA = new HashMap<>();
    Map<String, Integer> seenB = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      String path = "settings.rows[" + i + "]";
      if (!row.isObject()) {
        problems.report(path, "must be an object {\"a\": ..., \"b\": ...}, was " + row);
        continue;
      }
      for (String name : iterable(row.fieldNames())) {
        if (!name.equals("a") && !name.equals("b")) {
          problems.report(path + "." + name, "unknown column; a row has \"a\" and \"b\"");
        }
      }
      // The sending side's column must be unique, or a value would have two translations.
      checkValue(row.get("a"), path + ".a", schemaA, check.fromA() ? seenA : null, problems);
      checkValue(row.get("b"), path + ".b", schemaB, check.fromB() ? seenB : null, problems);
    }
    checkDefault(settings.get("default"), schemaA, schemaB, problems);
  }

  /** The value each side falls back to when no row matches; optional. */
  private static void checkDefault(JsonNode fallback, FieldSchema schemaA, FieldSchema schemaB,
      ProblemReporter problems) {
    if (fallback != null) {
      if (!fallback.isObject()) {
        problems.report("settings.default", "must be an object {\"a\": ..., \"b\": ...}");
      } else {
        for (String name : iterable(fallback.fieldNames())) {
          if (!name.equals("a") && !name.equals("b")) {
            problems.report("settings.default." + name, "unknown side; use \"a\" or \"b\"");
          }
        }
        if (fallback.has("a")) {
          checkValue(fallback.get("a"), "settings.default.a", schemaA, null, problems);
        }
        if (fallback.has("b")) {
          checkValue(fallback.get("b"), "settings.default.b", schemaB, null, problems);
        }
      }
    }
  }

  private static void checkValue(JsonNode value, String path, FieldSchema schema,
      Map<String, Integer> seen, ProblemReporter problems) {
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      problems.report(path, "must be a non-blank string, was " + value);
      return;
    }
    String text = value.asText();
    if (seen != null) {
      Integer earlier = seen.putIfAbsent(text, 0);
      if (earlier != null) {
        problems.report(path, "\"" + text + "\" appears in two rows; each value may appear once");
      }
    }
    if (schema != null && schema.allowedValues() != null
        && !schema.allowedValues().contains(text)) {
      problems.report(path, "\"" + text + "\" is not a value of " + schema.id() + "; it has "
          + schema.allowedValues());
    }
  }

  private static Iterable<String> iterable(Iterator<String> it) {
    List<String> names = new ArrayList<>();
    it.forEachRemaining(names::add);
    return names;
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return BuiltInMappings.readField(definition);
  }

  /** A value table oriented for one receiving side. */
  static final class Table {
    private final Map<String, String> table = new HashMap<>();
    private final String fallback;
    private final MappingDefinition definition;

    Table(MappingDefinition definition) {
      this.definition = definition;
      MappingSide local = definition.side();
      for (JsonNode row : definition.settings().path("rows")) {
        table.put(row.path(local.other().key()).asText(), row.path(local.key()).asText());
      }
      JsonNode fallbackNode = definition.settings().path("default").get(local.key());
      this.fallback = fallbackNode == null ? null : fallbackNode.asText();
    }

    /** The local value for a remote one: its row's, else the default, else an error. */
    String translate(String remote, MappingContext context) {
      return translate(remote, context.connectorKey());
    }

    /** The local value for a remote one; see {@link #translate(String, MappingContext)}. */
    String translate(String remote, String connectorKey) {
      String found = table.get(remote);
      if (found != null) {
        return found;
      }
      if (fallback != null) {
        return fallback;
      }
      throw new SyncException("no correlation row for \"" + remote + "\" in field mapping "
          + definition.id() + " (" + definition.localField() + " on side " + definition.side()
          + ") and no default for side " + definition.side(),
          null, connectorKey, null, definition.id());
    }

    @Override
    public String toString() {
      return table.toString();
    }
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    Table table = new Table(definition);
    String field = definition.localField();
    return BuiltInMappings.writing(Set.of(field), (value, updates, context) -> {
      if (value.isNull()) {
        updates.set(field, NullNode.getInstance());
      } else if (value.isArray()) {
        Set<String> mapped = new LinkedHashSet<>();
        value.forEach(item -> mapped.add(table.translate(item.asText(), context)));
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        mapped.forEach(array::add);
        updates.set(field, array);
      } else {
        updates.set(field,
            JsonNodeFactory.instance.textNode(table.translate(value.asText(), context)));
      }
    }, "correlation(" + field + ", " + table + ")");
  }
}
