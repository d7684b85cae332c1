package org.backbonesync.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * Checks a configuration against the known mapping types and, where given, the projects: every
 * problem is collected, none stops the check.
 */
final class ConfigurationChecker {
  private ConfigurationChecker() {}

  /** What a tracker told about its project, read once per check. */
  record Project(List<String> issueTypes, Map<String, FieldSchema> fields, IssueTracker tracker) {
    static Project of(IssueTracker tracker) {
      Map<String, FieldSchema> fields = new HashMap<>();
      tracker.fields().forEach(f -> fields.put(f.id(), f));
      return new Project(tracker.issueTypes(), fields, tracker);
    }
  }

  /**
   * @param projectA A's project, or null when not local
   * @param projectB B's project, or null when not local
   */
  static List<ConfigurationProblem> check(
      SyncConfiguration config, FieldMappingRegistry registry, Project projectA,
      Project projectB) {
    List<ConfigurationProblem> problems = new ArrayList<>();
    List<FieldMapping> mappings = config.fieldMappings();
    for (int i = 0; i < mappings.size(); i++) {
      checkMapping(i, mappings.get(i), config.connectorA(), config.connectorB(), registry,
          projectA, projectB, problems);
    }
    int row = 0;
    for (Map.Entry<String, String> e : config.issueTypes().entrySet()) {
      checkIssueType("$.issueTypes[" + row + "].a", e.getKey(), config.connectorA(), projectA,
          problems);
      checkIssueType("$.issueTypes[" + row + "].b", e.getValue(), config.connectorB(), projectB,
          problems);
      row++;
    }
    if (problems.isEmpty()) {
      checkCreateScreens(config, registry, projectA, projectB, true, problems);
      checkCreateScreens(config, registry, projectB, projectA, false, problems);
    }
    return problems;
  }

  private static void checkIssueType(String path, String type, ConnectorConfig connector,
      Project project, List<ConfigurationProblem> problems) {
    if (project != null && !project.issueTypes().contains(type)) {
      problems.add(new ConfigurationProblem(path, "project " + connector.projectKey()
          + " has no issue type \"" + type + "\"; it has " + project.issueTypes()));
    }
  }

  /** Checks one field mapping, found at {@code index} of the configuration's list. */
  static void checkMapping(int index, FieldMapping m, ConnectorConfig connectorA,
      ConnectorConfig connectorB, FieldMappingRegistry registry, Project projectA,
      Project projectB, List<ConfigurationProblem> problems) {
    String at = "$.fieldMappings[" + index + "]";
    Optional<FieldMappingProvider> found = registry.provider(m.type());
    if (found.isEmpty()) {
      problems.add(new ConfigurationProblem(at + ".type",
          "unknown mapping type \"" + m.type() + "\"; known: " + registry.types()));
      return;
    }
    FieldMappingProvider provider = found.get();
    if (m.direction() == Direction.BOTH && !provider.twoWay()) {
      problems.add(new ConfigurationProblem(at + ".direction", "mapping type " + m.type()
          + " syncs one way only; use A_TO_B or B_TO_A, not BOTH"));
    }
    FieldSchema schemaA = checkField(at, m, true, connectorA, provider, projectA, problems);
    FieldSchema schemaB = checkField(at, m, false, connectorB, provider, projectB, problems);
    if (m.conflict() == ConflictRule.MERGE) {
      for (FieldSchema schema : new FieldSchema[] {schemaA, schemaB}) {
        if (schema != null && !"array".equals(schema.type())) {
          problems.add(new ConfigurationProblem(at + ".conflict", "MERGE needs multi-valued"
              + " fields; " + schema.id() + " is " + schema.describe()));
        }
      }
    }
    MappingDefinition definitionA =
        new MappingDefinition(m.id(), MappingSide.A, m.fieldA(), m.fieldB(), schemaA, m.settings());
    provider.validate(
        new MappingCheck(definitionA, m.direction().fromA(), m.direction().fromB(), schemaA,
            schemaB),
        (path, message) -> problems.add(new ConfigurationProblem(at + "." + path, message)));
  }

  /** Checks one side's field; returns its schema when the project told it. */
  private static FieldSchema checkField(String at, FieldMapping m, boolean sideA,
      ConnectorConfig connector, FieldMappingProvider provider, Project project,
      List<ConfigurationProblem> problems) {
    String path = at + (sideA ? ".fieldA" : ".fieldB");
    String side = sideA ? "A" : "B";
    String field = m.field(sideA);
    boolean sends = m.syncsFrom(sideA);
    boolean receives = m.syncsFrom(!sideA);
    if (field == null) {
      if (receives || (sends && provider.needsSourceField())) {
        problems.add(new ConfigurationProblem(path, "missing; mapping type " + m.type() + " "
            + (receives ? "writes" : "reads") + " a field on " + side + "'s side (direction "
            + m.direction() + ")"));
      }
      return null;
    }
    if (project == null) {
      return null;
    }
    FieldSchema schema = project.fields().get(field);
    if (schema == null) {
      problems.add(new ConfigurationProblem(path, "project " + connector.projectKey()
          + " has no field \"" + field + "\""));
      return null;
    }
    if (sends && provider.needsSourceField() && !provider.supportsSource(schema)) {
      problems.add(new ConfigurationProblem(path, "mapping type " + m.type() + " cannot read "
          + schema.describe() + " field " + field));
    }
    if (receives && !provider.supportsTarget(schema)) {
      problems.add(new ConfigurationProblem(path, "mapping type " + m.type() + " cannot write "
          + schema.describe() + " field " + field));
    }
    return schema;
  }

  /**
   * Every issue type the partner may send must be creatable here: each field its create screen
   * requires must be written by a mapping that goes into the create.
   */
  private static void checkCreateScreens(SyncConfiguration config, FieldMappingRegistry registry,
      Project receiver, Project sender, boolean receiverIsA, List<ConfigurationProblem> problems) {
    if (receiver == null) {
      return;
    }
    ConnectorConfig connector = receiverIsA ? config.connectorA() : config.connectorB();
    Set<String> written = new LinkedHashSet<>();
    for (FieldMapping m : config.fieldMappings()) {
      if (m.syncsFrom(!receiverIsA) && registry.isBuiltIn(m.type())) {
        written.add(m.field(receiverIsA));
      }
    }
    if (config.fieldMappings().stream().noneMatch(m -> m.syncsFrom(!receiverIsA))) {
      return; // nothing is ever created on this side
    }
    List<String> sourceTypes = sender != null ? sender.issueTypes() : receiver.issueTypes();
    Set<String> checked = new LinkedHashSet<>();
    for (String sourceType : sourceTypes) {
      String target = config.targetIssueType(connector.key(), sourceType);
      if (!checked.add(target)) {
        continue;
      }
      if (!receiver.issueTypes().contains(target)) {
        problems.add(new ConfigurationProblem("$.issueTypes", "issue type \"" + sourceType
            + "\" of the partner has no counterpart in project " + connector.projectKey()
            + " (it has " + receiver.issueTypes() + "); add a row to issueTypes"));
        continue;
      }
      CreateMetadata screen = receiver.tracker().createMetadata(target);
      for (String required : screen.requiredFields()) {
        if (!written.contains(required)) {
          problems.add(new ConfigurationProblem("$.fieldMappings", "project "
              + connector.projectKey() + " requires field \"" + required + "\" to create a "
              + target + ", but no built-in field mapping towards " + connector.key()
              + " writes it"));
        }
      }
    }
  }
}
