package org.backbonesync.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.internal.MappingChecker;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.internal.ParserPlace;
import org.backbonesync.spi.message.StrictJson;

/**
 * What {@link SyncConfigurationJson#read} does: maps the JSON to a {@link SyncConfiguration} once,
 * collecting every problem with its JSON path (the parser's, then the properties', the shape's
 * through {@link ShapeChecker} and the mappings' through {@link MappingChecker}) and refusing with
 * all of them at once.
 */
final class ConfigurationJsonReader {
  private static final Set<String> ROOT =
      Set.of("id", "connectorA", "connectorB", "issueTypes", "fieldMappings", "responsibility");
  private static final Set<String> CONNECTOR =
      Set.of("key", "projectKey", "syncUser", "jql", "incomingJql", "onPartnerGone");
  private static final Set<String> MAPPING =
      Set.of("id", "name", "type", "direction", "fieldA", "fieldB", "settings", "conflict");

  /** The most levels of a path shown (the built-in types' settings have paths of six). */
  private static final int MAX_PATH_PARTS = 12;

  private final ObjectMapper mapper;
  private final FieldMappingRegistry registry;

  ConfigurationJsonReader(ObjectMapper mapper, FieldMappingRegistry registry) {
    this.mapper = mapper;
    this.registry = registry;
  }

  SyncConfiguration read(String json) {
    JsonNode root = parse(json);
    Problems p = new Problems();
    if (root == null || !root.isObject()) {
      p.add("$", "must be a JSON object");
      throw p.exception();
    }
    p.unknown("$", root, ROOT);
    String id = name("$.id", p.text("$.id", root.get("id"), true), p);
    ConnectorConfig a = connector("$.connectorA", root.get("connectorA"), p);
    ConnectorConfig b = connector("$.connectorB", root.get("connectorB"), p);
    List<String[]> issueTypes = issueTypes(root.get("issueTypes"), p);
    ShapeChecker.checkIssueTypes(issueTypes, p.list);
    List<FieldMapping> mappings = new ArrayList<>();
    List<FieldMapping> byIndex = new ArrayList<>(); // null where a mapping could not be read
    mappings(root.get("fieldMappings"), a, b, mappings, byIndex, p);
    Responsibility responsibility = responsibility(root.get("responsibility"), mappings, p);
    String keyA = root.path("connectorA").path("key").textValue();
    if (keyA != null && !keyA.isBlank()
        && keyA.equals(root.path("connectorB").path("key").textValue())) {
      p.add("$.connectorB.key", "connector keys must differ, both are \"" + keyA + "\"");
    }
    ShapeChecker.check(a, b, byIndex, responsibility, p.list);
    if (!p.list.isEmpty() || id == null || a == null || b == null) {
      throw p.exception();
    }
    SyncConfiguration.Builder builder =
        SyncConfiguration.builder(id).connectorA(a).connectorB(b);
    issueTypes.forEach(t -> builder.issueType(t[0], t[1])); // (none null: none had a problem)
    mappings.forEach(builder::fieldMapping);
    if (responsibility != null) {
      builder.responsibility(responsibility);
    }
    return builder.build();
  }

  /**
   * The JSON tree; a duplicate key or malformed JSON is refused with where it was found. Read
   * through a parser of its own, whose position locates a refusal that carries no location
   * (Jackson's StreamConstraintsException: nesting deeper than {@link
   * StrictJson#MAX_NESTING_DEPTH}), which was "line ?, column ?". A number beyond a double's
   * range is read as a decimal, which a refusal names as written (1E+400), not as Infinity; one
   * over the length limit is shown as written, cut.
   */
  private JsonNode parse(String json) {
    try (JsonParser parser = new BeyondDoubleAsDecimal(mapper.createParser(json))) {
      try {
        return mapper.readTree(parser);
      } catch (JsonProcessingException e) {
        throw malformed(e, parser, json);
      }
    } catch (IOException e) { // (a String's reader does not fail; only a close could say so)
      throw new UncheckedIOException(e);
    }
  }

  private static ConfigurationException malformed(JsonProcessingException e, JsonParser parser,
      String json) {
    var at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
    String where = "line " + at.getLineNr() + ", column " + at.getColumnNr();
    String message = StrictJson.reason(e);
    if (message.startsWith("Duplicate field")) {
      return new ConfigurationException(List.of(new ConfigurationProblem(
          path(parser.getParsingContext()),
          "appears twice in one object (" + where + "); each key may appear once")));
    }
    return new ConfigurationException(List.of(new ConfigurationProblem(
        path(parser.getParsingContext()),
        "not valid JSON at " + where + ": " + Shown.text(message, 300)
            + (e instanceof StreamConstraintsException limit
                ? ParserPlace.longNumber(limit, parser, json, 40) : ""))));
  }

  /** The text as a name ({@link Checks#name}), or null with a problem at its path. */
  private static String name(String path, String text, Problems p) {
    String problem = text == null ? null : Checks.nameProblem(text);
    if (problem != null) {
      p.add(path, problem);
      return null;
    }
    return text;
  }

  /** The issue type rows in order, {@code {a, b}}; null for a row with a problem. */
  private static List<String[]> issueTypes(JsonNode types, Problems p) {
    List<String[]> issueTypes = new ArrayList<>();
    if (types != null && !types.isNull()) {
      if (!types.isArray()) {
        p.add("$.issueTypes", "must be an array of {\"a\": ..., \"b\": ...}");
      } else {
        for (int i = 0; i < types.size(); i++) {
          String at = "$.issueTypes[" + i + "]";
          JsonNode row = types.get(i);
          if (!row.isObject()) {
            p.add(at, "must be an object {\"a\": ..., \"b\": ...}");
            issueTypes.add(null);
            continue;
          }
          p.unknown(at, row, Set.of("a", "b"));
          String ta = name(at + ".a", p.text(at + ".a", row.get("a"), true), p);
          String tb = name(at + ".b", p.text(at + ".b", row.get("b"), true), p);
          issueTypes.add(ta != null && tb != null ? new String[] {ta, tb} : null);
        }
      }
    }
    return issueTypes;
  }

  /** Adds the mappings read to {@code mappings}, and to {@code byIndex} by their index. */
  private void mappings(JsonNode list, ConnectorConfig a, ConnectorConfig b,
      List<FieldMapping> mappings, List<FieldMapping> byIndex, Problems p) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      p.add("$.fieldMappings", list == null ? "missing" : "must be a non-empty array");
    } else {
      Map<String, Integer> ids = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        String at = "$.fieldMappings[" + i + "]";
        FieldMapping m = mapping(at, list.get(i), p);
        byIndex.add(null);
        if (m == null) {
          continue;
        }
        Integer first = ids.putIfAbsent(m.id(), i);
        if (first != null) {
          p.add(at + ".id", "duplicate field mapping id \"" + m.id()
              + "\" (also at $.fieldMappings[" + first + "])");
        } else {
          byIndex.set(i, m);
          mappings.add(m);
        }
        // (its type, fields and settings are its own, whatever its id)
        MappingChecker.check(i, m, a, b, registry, null, null, p.list);
      }
    }
  }

  private static Responsibility responsibility(JsonNode resp, List<FieldMapping> mappings,
      Problems p) {
    Responsibility responsibility = null;
    if (resp != null && !resp.isNull()) {
      if (!resp.isObject()) {
        p.add("$.responsibility", "must be an object {\"fieldMapping\", \"a\", \"b\"}");
      } else {
        p.unknown("$.responsibility", resp, Set.of("fieldMapping", "a", "b"));
        String mappingId = p.text("$.responsibility.fieldMapping", resp.get("fieldMapping"), true);
        String va = p.text("$.responsibility.a", resp.get("a"), true);
        String vb = p.text("$.responsibility.b", resp.get("b"), true);
        if (mappingId != null && va != null && vb != null) {
          responsibility = new Responsibility(mappingId, va, vb);
          if (mappings.stream().noneMatch(m -> m.id().equals(mappingId))) {
            p.add("$.responsibility.fieldMapping", "no field mapping with id \"" + mappingId
                + "\"");
          }
        }
      }
    }
    return responsibility;
  }

  private ConnectorConfig connector(String at, JsonNode node, Problems p) {
    if (node == null || !node.isObject()) {
      p.add(at, node == null ? "missing" : "must be an object");
      return null;
    }
    p.unknown(at, node, CONNECTOR);
    String key = p.text(at + ".key", node.get("key"), true);
    String project = p.text(at + ".projectKey", node.get("projectKey"), true);
    String user = p.text(at + ".syncUser", node.get("syncUser"), true);
    String jql = p.text(at + ".jql", node.get("jql"), false);
    String incoming = p.text(at + ".incomingJql", node.get("incomingJql"), false);
    PartnerGone gone =
        PartnerGoneJson.read(at + ".onPartnerGone", node.get("onPartnerGone"), p);
    if (key == null || project == null || user == null) {
      return null;
    }
    // (with onPartnerGone refused, the rest is still checked; nothing is built with a problem)
    return new ConnectorConfig(key, project, user, jql, incoming, gone);
  }

  private FieldMapping mapping(String at, JsonNode node, Problems p) {
    if (!node.isObject()) {
      p.add(at, "must be an object");
      return null;
    }
    p.unknown(at, node, MAPPING);
    String id = p.text(at + ".id", node.get("id"), true);
    String name = p.text(at + ".name", node.get("name"), false);
    String type = p.text(at + ".type", node.get("type"), true);
    Direction direction = constant(Direction.class, at + ".direction",
        p.text(at + ".direction", node.get("direction"), true), "direction",
        "A_TO_B, B_TO_A or BOTH", p);
    String fieldA = p.text(at + ".fieldA", node.get("fieldA"), false);
    String fieldB = p.text(at + ".fieldB", node.get("fieldB"), false);
    JsonNode settings = node.get("settings");
    if (settings != null && !settings.isObject() && !settings.isNull()) {
      p.add(at + ".settings", "must be an object, was " + settings);
      settings = null;
    }
    ConflictRule conflict = constant(ConflictRule.class, at + ".conflict",
        p.text(at + ".conflict", node.get("conflict"), false), "conflict rule",
        "NEWEST_WINS or MERGE", p);
    if (id == null || type == null || direction == null) {
      return null;
    }
    return new FieldMapping(id, name, type, direction, fieldA, fieldB,
        settings == null || settings.isNull() ? null : settings, conflict);
  }

  /** The constant named {@code text}; null, and a problem naming the choices, when none is. */
  private static <E extends Enum<E>> E constant(Class<E> type, String path, String text,
      String what, String choices, Problems p) {
    if (text == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, text);
    } catch (IllegalArgumentException e) {
      p.add(path, "unknown " + what + " \"" + text + "\"; use " + choices);
      return null;
    }
  }

  /**
   * The JSON path of where a parser stopped, e.g. {@code $.fieldMappings[2].id}; past {@value
   * #MAX_PATH_PARTS} levels (JSON nested too deep) their first ones and how deep it was, e.g.
   * {@code $.fieldMappings[0].settings[0][0]... (200 levels)}.
   */
  static String path(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(0, member(c.getCurrentName()));
      }
    }
    if (parts.size() > MAX_PATH_PARTS) {
      return "$" + String.join("", parts.subList(0, MAX_PATH_PARTS)) + "... (" + parts.size()
          + " levels)";
    }
    return "$" + String.join("", parts);
  }

  /** A property in a JSON path: {@code .name}, or {@code ["odd name"]} escaped and cut short. */
  static String member(String name) {
    return AdminText.member(name);
  }

  /** Problems found while reading, in document order. */
  static final class Problems {
    final List<ConfigurationProblem> list = new ArrayList<>();

    void add(String path, String message) {
      list.add(new ConfigurationProblem(path, message));
    }

    void unknown(String at, JsonNode node, Set<String> known) {
      node.fieldNames().forEachRemaining(name -> {
        if (!known.contains(name)) {
          add(at + member(name), "unknown property; known: " + known.stream().sorted().toList());
        }
      });
    }

    /** A string property; reports it when required and missing, or not a string. */
    String text(String path, JsonNode value, boolean required) {
      if (value == null || value.isNull()) {
        if (required) {
          add(path, "missing");
        }
        return null;
      }
      if (!value.isTextual()) {
        add(path, "must be a string, was " + value);
        return null;
      }
      if (required && value.asText().isBlank()) {
        add(path, "must not be blank");
        return null;
      }
      return value.asText();
    }

    ConfigurationException exception() {
      return new ConfigurationException(list);
    }
  }
}
