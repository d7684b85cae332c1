package org.backbonesync.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A synchronization: two connectors, the issue types that correspond, and the field mappings.
 * Immutable; build it with {@link #builder(String)}.
 */
public final class SyncConfiguration {
  private final String id;
  private final ConnectorConfig connectorA;
  private final ConnectorConfig connectorB;
  private final Map<String, String> issueTypesAtoB;
  private final Map<String, String> issueTypesBtoA;
  private final List<FieldMapping> fieldMappings;
  private final Map<String, FieldMapping> mappingsById;

  private SyncConfiguration(Builder b) {
    this.id = b.id;
    this.connectorA = Checks.notNull("connectorA", b.connectorA);
    this.connectorB = Checks.notNull("connectorB", b.connectorB);
    if (connectorA.key().equals(connectorB.key())) {
      throw new IllegalArgumentException(
          "connector keys must differ, both are \"" + connectorA.key() + "\"");
    }
    if (b.fieldMappings.isEmpty()) {
      throw new IllegalArgumentException("fieldMappings must not be empty (synchronization " + id + ")");
    }
    this.issueTypesAtoB = Map.copyOf(b.issueTypes);
    Map<String, String> inverse = new HashMap<>();
    issueTypesAtoB.forEach((a, bType) -> inverse.putIfAbsent(bType, a));
    this.issueTypesBtoA = Map.copyOf(inverse);
    this.fieldMappings = List.copyOf(b.fieldMappings);
    this.mappingsById = new LinkedHashMap<>();
    for (FieldMapping m : fieldMappings) {
      if (mappingsById.putIfAbsent(m.id(), m) != null) {
        throw new IllegalArgumentException("duplicate field mapping id \"" + m.id() + "\"");
      }
    }
  }

  /** Starts a configuration for the synchronization with this id. */
  public static Builder builder(String id) {
    return new Builder(Checks.notBlank("id", id));
  }

  /** The synchronization's id; messages carry it. */
  public String id() {
    return id;
  }

  /** Connector A. */
  public ConnectorConfig connectorA() {
    return connectorA;
  }

  /** Connector B. */
  public ConnectorConfig connectorB() {
    return connectorB;
  }

  /** The connector with this key, if it is one of the two. */
  public Optional<ConnectorConfig> connector(String key) {
    if (connectorA.key().equals(key)) {
      return Optional.of(connectorA);
    }
    return connectorB.key().equals(key) ? Optional.of(connectorB) : Optional.empty();
  }

  /** The other connector of the one with this key. */
  public ConnectorConfig partnerOf(String key) {
    if (connectorA.key().equals(key)) {
      return connectorB;
    }
    if (connectorB.key().equals(key)) {
      return connectorA;
    }
    throw new IllegalArgumentException(
        "unknown connector key \"" + key + "\" in synchronization " + id);
  }

  /** The field mappings, in configuration order. */
  public List<FieldMapping> fieldMappings() {
    return fieldMappings;
  }

  /** The field mapping with this id, if any. */
  public Optional<FieldMapping> fieldMapping(String mappingId) {
    return Optional.ofNullable(mappingsById.get(mappingId));
  }

  /**
   * The issue type to create on the receiving connector for an issue of {@code sourceType} on the
   * sending one; the same name when no correspondence is configured.
   */
  public String targetIssueType(String receivingConnectorKey, String sourceType) {
    Map<String, String> table =
        connectorB.key().equals(receivingConnectorKey) ? issueTypesAtoB : issueTypesBtoA;
    return table.getOrDefault(sourceType, sourceType);
  }

  @Override
  public String toString() {
    return "SyncConfiguration[" + id + ": " + connectorA.key() + " <-> " + connectorB.key()
        + ", " + fieldMappings.size() + " field mappings]";
  }

  /** Builds a {@link SyncConfiguration}; each setter checks its argument at once. */
  public static final class Builder {
    private final String id;
    private ConnectorConfig connectorA;
    private ConnectorConfig connectorB;
    private final Map<String, String> issueTypes = new LinkedHashMap<>();
    private final List<FieldMapping> fieldMappings = new ArrayList<>();

    private Builder(String id) {
      this.id = id;
    }

    /** Sets connector A. */
    public Builder connectorA(ConnectorConfig connector) {
      this.connectorA = Checks.notNull("connectorA", connector);
      return this;
    }

    /** Sets connector B. */
    public Builder connectorB(ConnectorConfig connector) {
      this.connectorB = Checks.notNull("connectorB", connector);
      return this;
    }

    /** Issues of type {@code typeA} on A correspond to issues of type {@code typeB} on B. */
    public Builder issueType(String typeA, String typeB) {
      issueTypes.put(Checks.notBlank("typeA", typeA), Checks.notBlank("typeB", typeB));
      return this;
    }

    /** Adds a field mapping. */
    public Builder fieldMapping(FieldMapping mapping) {
      fieldMappings.add(Checks.notNull("fieldMapping", mapping));
      return this;
    }

    /** Builds the configuration. */
    public SyncConfiguration build() {
      return new SyncConfiguration(this);
    }
  }
}
