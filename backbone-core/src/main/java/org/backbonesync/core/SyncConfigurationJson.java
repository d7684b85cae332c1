package org.backbonesync.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
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
  private final ObjectMapper mapper =
      StrictJson.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private final FieldMappingRegistry registry;
  private final ConfigurationJsonReader reader;

  /** A reader and writer that knows the registry's mapping types. */
  public SyncConfigurationJson(FieldMappingRegistry registry) {
    this.registry = Checks.notNull("registry", registry);
    this.reader = new ConfigurationJsonReader(mapper, this.registry);
  }

  /**
   * Reads a configuration.
   *
   * @throws ConfigurationException listing every problem, each with its JSON path
   * @throws IllegalArgumentException when {@code json} is null
   */
  public SyncConfiguration read(String json) {
    return reader.read(Checks.notNull("json", json));
  }

  /**
   * Writes a configuration as indented JSON; null and empty parts are left out.
   *
   * @throws IllegalArgumentException when {@code config} is null
   */
  public String write(SyncConfiguration config) {
    Checks.notNull("config", config);
    try {
      return mapper.writeValueAsString(tree(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration " + config.id(), e);
    }
  }

  /** The configuration as the JSON tree {@link #write} writes; the admin API answers it compact. */
  ObjectNode tree(SyncConfiguration config) {
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
    return root;
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
}
