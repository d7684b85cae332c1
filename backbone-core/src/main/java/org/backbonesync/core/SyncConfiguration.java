package org.backbonesync.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A synchronization as data: two connectors, the issue types that correspond, and the field
 * mappings. Immutable. Build it in Java with {@link #builder(String)} or read it from JSON with
 * {@link SyncConfigurationJson}; both check it and report every problem at once: connectors
 * (keys, project keys, sync users, and JQL that must be one condition), two connectors acting on
 * one project as one user, mapping ids (at most 255 characters, no control characters), numbers
 * in settings that JSON cannot hold (NaN, an infinity, one beyond a double's range), two
 * mappings writing one field, responsibility on a field that cannot be a single select. Whether its mapping types exist and fit the projects' fields is checked when
 * an engine is built with it.
 */
public final class SyncConfiguration {
  private final String id;
  private final ConnectorConfig connectorA;
  private final ConnectorConfig connectorB;
  private final Map<String, String> issueTypesAtoB;
  private final Map<String, String> issueTypesBtoA;
  private final List<FieldMapping> fieldMappings;
  private final Map<String, FieldMapping> mappingsById;
  private final Responsibility responsibility;

  private SyncConfiguration(Builder b) {
    List<ConfigurationProblem> problems = new ArrayList<>();
    checkConnectors(b.connectorA, b.connectorB, problems);
    if (b.fieldMappings.isEmpty()) {
      problems.add(new ConfigurationProblem("$.fieldMappings", "must not be empty"));
    }
    Map<String, FieldMapping> byId = byId(b.fieldMappings, problems);
    ShapeChecker.checkIssueTypes(b.issueTypes, problems);
    if (b.responsibility != null && !byId.containsKey(b.responsibility.fieldMappingId())) {
      problems.add(new ConfigurationProblem("$.responsibility.fieldMapping",
          "no field mapping with id \"" + b.responsibility.fieldMappingId() + "\""));
    }
    ShapeChecker.check(b.connectorA, b.connectorB, b.fieldMappings,
        b.responsibility, problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    this.id = b.id;
    this.connectorA = b.connectorA;
    this.connectorB = b.connectorB;
    Map<String, String> aToB = new LinkedHashMap<>();
    Map<String, String> bToA = new HashMap<>();
    for (String[] row : b.issueTypes) { // (each type once on each side: checked above)
      aToB.put(row[0], row[1]);
      bToA.put(row[1], row[0]);
    }
    this.issueTypesAtoB = Collections.unmodifiableMap(aToB);
    this.issueTypesBtoA = Map.copyOf(bToA);
    this.fieldMappings = List.copyOf(b.fieldMappings);
    this.mappingsById = Collections.unmodifiableMap(byId);
    this.responsibility = b.responsibility;
  }

  private static void checkConnectors(ConnectorConfig a, ConnectorConfig b,
      List<ConfigurationProblem> problems) {
    if (a == null) {
      problems.add(new ConfigurationProblem("$.connectorA", "missing"));
    }
    if (b == null) {
      problems.add(new ConfigurationProblem("$.connectorB", "missing"));
    }
    if (a != null && b != null && a.key().equals(b.key())) {
      problems.add(new ConfigurationProblem("$.connectorB.key",
          "connector keys must differ, both are \"" + a.key() + "\""));
    }
  }

  /** The field mappings by id; a problem for each id used before. */
  private static Map<String, FieldMapping> byId(List<FieldMapping> mappings,
      List<ConfigurationProblem> problems) {
    Map<String, FieldMapping> byId = new LinkedHashMap<>();
    for (int i = 0; i < mappings.size(); i++) {
      FieldMapping m = mappings.get(i);
      if (byId.putIfAbsent(m.id(), m) != null) {
        problems.add(new ConfigurationProblem("$.fieldMappings[" + i + "].id",
            "duplicate field mapping id \"" + m.id() + "\""));
      }
    }
    return byId;
  }

  /** Starts a configuration for the synchronization with this id. */
  public static Builder builder(String id) {
    return new Builder(Checks.name("id", id));
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

  /** Whether the connector with this key is connector A. */
  public boolean isA(String connectorKey) {
    return connectorA.key().equals(connectorKey);
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

  /** Which side may change an issue pair, when configured. */
  public Optional<Responsibility> responsibility() {
    return Optional.ofNullable(responsibility);
  }

  /** The configured issue type correspondences, A's type to B's, in configuration order. */
  public Map<String, String> issueTypes() {
    return issueTypesAtoB;
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
  public boolean equals(Object o) {
    return o instanceof SyncConfiguration c
        && id.equals(c.id)
        && connectorA.equals(c.connectorA)
        && connectorB.equals(c.connectorB)
        && issueTypesAtoB.equals(c.issueTypesAtoB)
        && fieldMappings.equals(c.fieldMappings)
        && Objects.equals(responsibility, c.responsibility);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + fieldMappings.hashCode();
  }

  @Override
  public String toString() {
    return "SyncConfiguration[" + id + ": " + connectorA.key() + " <-> " + connectorB.key()
        + ", " + fieldMappings.size() + " field mappings]";
  }

  /**
   * Builds a {@link SyncConfiguration}. Setters check their own argument at once; {@link #build()}
   * checks the whole and reports every problem in one {@link ConfigurationException}.
   */
  public static final class Builder {
    private final String id;
    private ConnectorConfig connectorA;
    private ConnectorConfig connectorB;
    private final List<String[]> issueTypes = new ArrayList<>();
    private final List<FieldMapping> fieldMappings = new ArrayList<>();
    private Responsibility responsibility;

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
      Checks.name("typeA", typeA);
      Checks.name("typeB", typeB);
      issueTypes.add(new String[] {typeA, typeB}); // (a type named twice: refused by build())
      return this;
    }

    /** Only the responsible side may change an issue pair; see {@link Responsibility}. */
    public Builder responsibility(Responsibility value) {
      this.responsibility = Checks.notNull("responsibility", value);
      return this;
    }

    /** Adds a field mapping. */
    public Builder fieldMapping(FieldMapping mapping) {
      fieldMappings.add(Checks.notNull("fieldMapping", mapping));
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws ConfigurationException listing every problem
     */
    public SyncConfiguration build() {
      return new SyncConfiguration(this);
    }
  }
}
