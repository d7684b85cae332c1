package org.backbonesync.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.internal.MappingChecker;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * Checks a configuration against the known mapping types and, where given, the projects, when an
 * engine is built with it: each mapping ({@link MappingChecker}), the issue types, responsibility
 * and the create screens. Its shape alone is {@link ShapeChecker}'s, when it is built or read.
 * Every problem is collected, none stops the check.
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
      MappingChecker.check(i, mappings.get(i), config.connectorA(), config.connectorB(), registry,
          fields(projectA), fields(projectB), problems);
    }
    int row = 0;
    for (Map.Entry<String, String> e : config.issueTypes().entrySet()) {
      checkIssueType("$.issueTypes[" + row + "].a", e.getKey(), config.connectorA(), projectA,
          problems);
      checkIssueType("$.issueTypes[" + row + "].b", e.getValue(), config.connectorB(), projectB,
          problems);
      row++;
    }
    checkResponsibility(config, projectA, projectB, problems);
    if (problems.isEmpty()) {
      checkCreateScreens(config, registry, projectA, projectB, true, problems);
      checkCreateScreens(config, registry, projectB, projectA, false, problems);
    }
    return problems;
  }

  private static Map<String, FieldSchema> fields(Project project) {
    return project == null ? null : project.fields();
  }

  /**
   * Responsibility against the projects' schemas: a single select on each known side, holding
   * the value that means "this side is responsible" among its options.
   */
  private static void checkResponsibility(SyncConfiguration config, Project projectA,
      Project projectB, List<ConfigurationProblem> problems) {
    Responsibility r = config.responsibility().orElse(null);
    FieldMapping m = r == null ? null : config.fieldMapping(r.fieldMappingId()).orElse(null);
    if (m == null) {
      return;
    }
    for (boolean sideA : new boolean[] {true, false}) {
      Project project = sideA ? projectA : projectB;
      String field = m.field(sideA);
      FieldSchema schema = project == null || field == null ? null : project.fields().get(field);
      if (schema == null) {
        continue; // no project here, or a missing field reported with the mapping
      }
      ConnectorConfig connector = sideA ? config.connectorA() : config.connectorB();
      if (!"option".equals(schema.type())) {
        problems.add(new ConfigurationProblem("$.responsibility.fieldMapping", "field mapping "
            + Shown.quoted(m.id()) + " syncs " + field + " on " + (sideA ? "A" : "B") + "'s side,"
            + " which is " + schema.describe() + " in project " + connector.projectKey()
            + "; responsibility reads a single select (option)"));
        continue;
      }
      String value = sideA ? r.valueA() : r.valueB();
      if (schema.allowedValues() != null && !schema.allowedValues().contains(value)) {
        problems.add(new ConfigurationProblem(sideA ? "$.responsibility.a" : "$.responsibility.b",
            Shown.quoted(value) + " is not an option of " + field + " in project "
                + connector.projectKey() + "; it has " + schema.allowedValues()));
      }
    }
  }

  private static void checkIssueType(String path, String type, ConnectorConfig connector,
      Project project, List<ConfigurationProblem> problems) {
    if (project != null && !project.issueTypes().contains(type)) {
      problems.add(new ConfigurationProblem(path, "project " + connector.projectKey()
          + " has no issue type \"" + type + "\"; it has " + project.issueTypes()));
    }
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
