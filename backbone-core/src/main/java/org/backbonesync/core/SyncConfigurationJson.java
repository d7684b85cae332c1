package org.backbonesync.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.message.StrictJson;

/**
 * Reads and writes a {@link SyncConfiguration} as JSON. Thread-safe.
 *
 * <pre>{@code
 * {"id": "pa-pb",
 *  "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a", "jql": "component = A"},
 *  "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b", "incomingJql": "..."},
 *  "issueTypes": [{"a": "Bug", "b": "Defect"}],
 *  "fieldMappings": [
 *    {"id": "5f513c5e-49ca-4d26-856f-8fce2d7597e8", "type": "passthrough", "direction": "BOTH",
 *     "fieldA": "summary", "fieldB": "summary"},
 *    {"id": "468e9b09-e09d-4d90-ad6a-aa18dc336b4d", "type": "correlation", "direction": "BOTH",
 *     "fieldA": "priority", "fieldB": "priority",
 *     "settings": {"rows": [{"a": "High", "b": "P1"}], "default": {"a": "Medium", "b": "P2"}}}]}
 * }</pre>
 *
 * <p>Reading checks everything it can without the projects and refuses the configuration with
 * every problem at once, each with its JSON path: a key that appears twice in one object (read
 * with {@link StrictJson}, so two readers cannot take different values), unknown or missing
 * properties, wrong types, duplicate ids, unknown mapping types, a one-way type used both ways, a
 * mapping that writes a status, issue type, comments, attachments or links without its own type,
 * two mappings writing one field, bad settings, JQL that is not one condition, and what {@link
 * SyncConfiguration} refuses. Writing then reading gives an equal configuration, and writing it
 * again the same text.
 */
public final class SyncConfigurationJson {
  private static final Set<String> ROOT =
      Set.of("id", "connectorA", "connectorB", "issueTypes", "fieldMappings", "responsibility");
  private static final Set<String> CONNECTOR =
      Set.of("key", "projectKey", "syncUser", "jql", "incomingJql", "onPartnerGone");
  private static final Set<String> MAPPING =
      Set.of("id", "name", "type", "direction", "fieldA", "fieldB", "settings", "conflict");

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ObjectMapper mapper =
      StrictJson.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final FieldMappingRegistry registry;

  /** A reader and writer that knows the registry's mapping types. */
  public SyncConfigurationJson(FieldMappingRegistry registry) {
    this.registry = Checks.notNull("registry", registry);
  }

  /**
   * Reads a configuration.
   *
   * @throws ConfigurationException listing every problem, each with its JSON path
   */
  public SyncConfiguration read(String json) {
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where = "line " + (at == null ? "?" : at.getLineNr()) + ", column "
          + (at == null ? "?" : at.getColumnNr());
      JsonStreamContext context = e.getProcessor() instanceof JsonParser parser
          ? parser.getParsingContext() : null;
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field") && context != null) {
        throw new ConfigurationException(List.of(new ConfigurationProblem(path(context),
            "appears twice in one object (" + where + "); each key may appear once")));
      }
      throw new ConfigurationException(List.of(new ConfigurationProblem(
          context == null ? "$" : path(context),
          "not valid JSON at " + where + ": " + Shown.text(message, 300))));
    }
    Problems p = new Problems();
    if (root == null || !root.isObject()) {
      p.add("$", "must be a JSON object");
      throw p.exception();
    }
    p.unknown("$", root, ROOT);
    String id = p.text("$.id", root.get("id"), true);
    ConnectorConfig a = connector("$.connectorA", root.get("connectorA"), p);
    ConnectorConfig b = connector("$.connectorB", root.get("connectorB"), p);
    List<String[]> issueTypes = new ArrayList<>();
    JsonNode types = root.get("issueTypes");
    if (types != null && !types.isNull()) {
      if (!types.isArray()) {
        p.add("$.issueTypes", "must be an array of {\"a\": ..., \"b\": ...}");
      } else {
        for (int i = 0; i < types.size(); i++) {
          String at = "$.issueTypes[" + i + "]";
          JsonNode row = types.get(i);
          if (!row.isObject()) {
            p.add(at, "must be an object {\"a\": ..., \"b\": ...}");
            continue;
          }
          p.unknown(at, row, Set.of("a", "b"));
          String ta = p.text(at + ".a", row.get("a"), true);
          String tb = p.text(at + ".b", row.get("b"), true);
          if (ta != null && tb != null) {
            issueTypes.add(new String[] {ta, tb});
          }
        }
      }
    }
    List<FieldMapping> mappings = new ArrayList<>();
    List<FieldMapping> byIndex = new ArrayList<>(); // null where a mapping could not be read
    JsonNode list = root.get("fieldMappings");
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
          p.add(at + ".id", "duplicate field mapping id \"" + m.id() + "\" (also at $.fieldMappings["
              + first + "])");
          continue;
        }
        byIndex.set(i, m);
        ConfigurationChecker.checkMapping(i, m, a, b, registry, null, null, p.list);
        mappings.add(m);
      }
    }
    Responsibility responsibility = null;
    JsonNode resp = root.get("responsibility");
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
    if (a != null && b != null && a.key().equals(b.key())) {
      p.add("$.connectorB.key", "connector keys must differ, both are \"" + a.key() + "\"");
    }
    ConfigurationChecker.checkShape(a, b, byIndex, responsibility, p.list);
    if (!p.list.isEmpty() || id == null || a == null || b == null) {
      throw p.exception();
    }
    SyncConfiguration.Builder builder =
        SyncConfiguration.builder(id).connectorA(a).connectorB(b);
    issueTypes.forEach(t -> builder.issueType(t[0], t[1]));
    mappings.forEach(builder::fieldMapping);
    if (responsibility != null) {
      builder.responsibility(responsibility);
    }
    return builder.build();
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
    int before = p.list.size();
    PartnerGone gone =
        PartnerGoneJson.read(at + ".onPartnerGone", node.get("onPartnerGone"), p::add);
    if (key == null || project == null || user == null || p.list.size() > before) {
      return null;
    }
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
    String directionText = p.text(at + ".direction", node.get("direction"), true);
    Direction direction = null;
    if (directionText != null) {
      try {
        direction = Direction.valueOf(directionText);
      } catch (IllegalArgumentException e) {
        p.add(at + ".direction", "unknown direction \"" + directionText
            + "\"; use A_TO_B, B_TO_A or BOTH");
      }
    }
    String fieldA = p.text(at + ".fieldA", node.get("fieldA"), false);
    String fieldB = p.text(at + ".fieldB", node.get("fieldB"), false);
    JsonNode settings = node.get("settings");
    if (settings != null && !settings.isObject() && !settings.isNull()) {
      p.add(at + ".settings", "must be an object, was " + settings);
      settings = null;
    }
    String conflictText = p.text(at + ".conflict", node.get("conflict"), false);
    ConflictRule conflict = null;
    if (conflictText != null) {
      try {
        conflict = ConflictRule.valueOf(conflictText);
      } catch (IllegalArgumentException e) {
        p.add(at + ".conflict", "unknown conflict rule \"" + conflictText
            + "\"; use NEWEST_WINS or MERGE");
      }
    }
    if (id == null || type == null || direction == null) {
      return null;
    }
    return new FieldMapping(id, name, type, direction, fieldA, fieldB,
        settings == null || settings.isNull() ? null : settings, conflict);
  }

  /** Writes a configuration as indented JSON; null and empty parts are left out. */
  public String write(SyncConfiguration config) {
    ObjectNode root = mapper.createObjectNode();
    root.put("id", config.id());
    root.set("connectorA", connector(config.connectorA()));
    root.set("connectorB", connector(config.connectorB()));
    if (!config.issueTypes().isEmpty()) {
      ArrayNode types = root.putArray("issueTypes");
      for (Map.Entry<String, String> e : config.issueTypes().entrySet()) {
        types.addObject().put("a", e.getKey()).put("b", e.getValue());
      }
    }
    ArrayNode list = root.putArray("fieldMappings");
    for (FieldMapping m : config.fieldMappings()) {
      ObjectNode node = list.addObject();
      node.put("id", m.id());
      putIfPresent(node, "name", m.name());
      node.put("type", m.type());
      node.put("direction", m.direction().name());
      putIfPresent(node, "fieldA", m.fieldA());
      putIfPresent(node, "fieldB", m.fieldB());
      if (!m.settings().isEmpty()) {
        node.set("settings", m.settings().deepCopy());
      }
      if (m.conflict() != ConflictRule.NEWEST_WINS) {
        node.put("conflict", m.conflict().name());
      }
    }
    config.responsibility().ifPresent(r -> root.putObject("responsibility")
        .put("fieldMapping", r.fieldMappingId()).put("a", r.valueA()).put("b", r.valueB()));
    try {
      return mapper.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration " + config.id(), e);
    }
  }

  private ObjectNode connector(ConnectorConfig c) {
    ObjectNode node = mapper.createObjectNode();
    node.put("key", c.key());
    node.put("projectKey", c.projectKey());
    node.put("syncUser", c.syncUser());
    putIfPresent(node, "jql", c.jql());
    putIfPresent(node, "incomingJql", c.incomingJql());
    PartnerGoneJson.write(node, c.onPartnerGone());
    return node;
  }

  private static void putIfPresent(ObjectNode node, String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
  }

  /** The JSON path of where a parser stopped, e.g. {@code $.fieldMappings[2].id}. */
  private static String path(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(0, member(c.getCurrentName()));
      }
    }
    return "$" + String.join("", parts);
  }

  /** A property in a JSON path: {@code .name}, or {@code ["odd name"]} escaped and cut short. */
  static String member(String name) {
    return PLAIN_NAME.matcher(name).matches() ? "." + name : "[" + Shown.quoted(name) + "]";
  }

  /** Problems found while reading, in document order. */
  private static final class Problems {
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
