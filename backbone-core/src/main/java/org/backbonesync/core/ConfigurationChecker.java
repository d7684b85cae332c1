package org.backbonesync.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.backbonesync.core.internal.JqlRefusedException;
import org.backbonesync.core.internal.JqlScope;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * Checks a configuration: its shape alone ({@link #checkShape}, when it is built or read), then
 * against the known mapping types and, where given, the projects ({@link #check}, when an engine
 * is built with it). Every problem is collected, none stops the check.
 */
final class ConfigurationChecker {
  /** A connector key: it names the connector in admin paths, messages and stores. */
  private static final Pattern CONNECTOR_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** A Jira project key, as the Jira adapter requires it; it is quoted into JQL. */
  private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}");
  private static final int MAX_SYNC_USER = 255;
  /**
   * Jira's system fields that are not single selects: responsibility cannot be read from them.
   * Other fields are checked against the project's schema when an engine is built.
   */
  private static final Set<String> NOT_SINGLE_SELECT = Set.of("summary", "description",
      "environment", "labels", "priority", "status", "resolution", "issuetype", "assignee",
      "reporter", "creator", "components", "fixVersions", "versions", "duedate", "created",
      "updated", "resolutiondate", "comment", "attachment", "issuelinks", "parent", "project",
      "security", "timetracking", "worklog", "watches", "votes", "subtasks", "key");

  private ConfigurationChecker() {}

  /**
   * Checks what needs neither the mapping types nor the projects: each connector (key, project
   * key, sync user, JQL), that the two connectors are not one project acting as one user, that no
   * two mappings write the same field on one side, and that responsibility reads a field on both
   * sides that can be a single select.
   *
   * @param a connector A, or null when it could not be read
   * @param b connector B, or null when it could not be read
   * @param mappings the field mappings in configuration order; null for one that could not be read
   */
  static void checkShape(ConnectorConfig a, ConnectorConfig b, List<FieldMapping> mappings,
      Responsibility responsibility, List<ConfigurationProblem> problems) {
    if (a != null) {
      checkConnector("$.connectorA", a, problems);
    }
    if (b != null) {
      checkConnector("$.connectorB", b, problems);
    }
    if (a != null && b != null && same(a.projectKey(), b.projectKey())
        && same(a.syncUser(), b.syncUser())) {
      problems.add(new ConfigurationProblem("$.connectorB.syncUser", "connector "
          + b.key() + " acts on project " + b.projectKey() + " as " + Shown.quoted(b.syncUser())
          + ", as connector " + a.key() + " does: each would take the other's changes for its"
          + " own and never send them; give each connector its own sync user"));
    }
    checkWrites(mappings, problems);
    if (responsibility != null) {
      mappings.stream()
          .filter(m -> m != null && m.id().equals(responsibility.fieldMappingId()))
          .findFirst()
          .ifPresent(m -> checkResponsibilityFields(m, problems));
    }
  }

  private static boolean printable(String text) {
    return text.codePoints().noneMatch(cp -> {
      int type = Character.getType(cp);
      return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    });
  }

  private static boolean same(String x, String y) {
    return x.strip().equalsIgnoreCase(y.strip());
  }

  private static void checkConnector(String at, ConnectorConfig c,
      List<ConfigurationProblem> problems) {
    if (!CONNECTOR_KEY.matcher(c.key()).matches()) {
      problems.add(new ConfigurationProblem(at + ".key", "must be 1 to 64 letters, digits, \"-\","
          + " \"_\" or \".\", starting with a letter or digit; was " + Shown.quoted(c.key())));
    }
    if (!PROJECT_KEY.matcher(c.projectKey()).matches()) {
      problems.add(new ConfigurationProblem(at + ".projectKey", "must be a project key:"
          + " upper-case letters, digits and \"_\", starting with a letter; was "
          + Shown.quoted(c.projectKey())));
    }
    if (c.syncUser().length() > MAX_SYNC_USER || !printable(c.syncUser())) {
      problems.add(new ConfigurationProblem(at + ".syncUser", "must be at most " + MAX_SYNC_USER
          + " characters without control or format characters; was "
          + Shown.quoted(c.syncUser())));
    }
    checkJql(at + ".jql", c.jql(), problems);
    checkJql(at + ".incomingJql", c.incomingJql(), problems);
  }

  private static void checkJql(String path, String jql, List<ConfigurationProblem> problems) {
    if (jql == null) {
      return;
    }
    try {
      JqlScope.check(jql);
    } catch (JqlRefusedException e) {
      problems.add(new ConfigurationProblem(path, "refused: " + e.where() + "; it must be one"
          + " condition, which the engine puts in parentheses after the project's"));
    }
  }

  /** Two mappings writing one field on one side would overwrite each other's values. */
  private static void checkWrites(List<FieldMapping> mappings,
      List<ConfigurationProblem> problems) {
    Map<String, Integer> writers = new HashMap<>();
    for (int i = 0; i < mappings.size(); i++) {
      FieldMapping m = mappings.get(i);
      if (m == null) {
        continue;
      }
      for (boolean sideA : new boolean[] {true, false}) {
        String field = m.field(sideA);
        if (field == null || !m.syncsFrom(!sideA)) {
          continue;
        }
        Integer first = writers.putIfAbsent((sideA ? "A:" : "B:") + field, i);
        if (first != null) {
          problems.add(new ConfigurationProblem("$.fieldMappings[" + i + "]"
              + (sideA ? ".fieldA" : ".fieldB"), "field " + Shown.quoted(field) + " on "
              + (sideA ? "A" : "B") + "'s side is also written by $.fieldMappings[" + first
              + "] (" + Shown.quoted(mappings.get(first).id()) + "); two mappings writing one"
              + " field would overwrite each other"));
        }
      }
    }
  }

  private static void checkResponsibilityFields(FieldMapping m,
      List<ConfigurationProblem> problems) {
    for (boolean sideA : new boolean[] {true, false}) {
      String field = m.field(sideA);
      String side = sideA ? "A" : "B";
      if (field == null) {
        problems.add(new ConfigurationProblem("$.responsibility.fieldMapping", "field mapping "
            + Shown.quoted(m.id()) + " has no field on " + side + "'s side; responsibility reads a"
            + " single-select field on both sides"));
      } else if (NOT_SINGLE_SELECT.contains(field)) {
        problems.add(new ConfigurationProblem("$.responsibility.fieldMapping", "field mapping "
            + Shown.quoted(m.id()) + " syncs " + Shown.quoted(field) + " on " + side
            + "'s side, which is not a single select; responsibility reads a single-select"
            + " field"));
      }
    }
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
    checkResponsibility(config, projectA, projectB, problems);
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
    if (registry.isBuiltIn(m.type())) {
      checkDedicated(at, m, true, schemaA, problems);
      checkDedicated(at, m, false, schemaB, problems);
    }
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

  /**
   * The status, the issue type, comments, worklogs, attachments and links are not values a field
   * update can set: each has its own way (transitions, the issue type table, one call per comment,
   * worklog, attachment or link), which only its own mapping type takes. Reading them is fine.
   */
  private static void checkDedicated(String at, FieldMapping m, boolean sideA, FieldSchema schema,
      List<ConfigurationProblem> problems) {
    String field = m.field(sideA);
    if (field == null || !m.syncsFrom(!sideA)) {
      return;
    }
    String kind = dedicated(field, schema);
    if (kind == null || kind.equals(m.type())) {
      return;
    }
    String what = "mapping type " + m.type() + " cannot write " + Shown.quoted(field) + " on "
        + (sideA ? "A" : "B") + "'s side: ";
    problems.add(new ConfigurationProblem(at + ".type", what + switch (kind) {
      case "status" -> "a status changes by transitions; use the mapping type \"status\"";
      case "issuetype" -> "the issue type is chosen when the issue is created, from"
          + " \"issueTypes\"; no field mapping writes it";
      case "comments" -> "comments are synced one by one; use the mapping type \"comments\"";
      case "attachments" -> "attachments are synced one by one; use the mapping type"
          + " \"attachments\"";
      case "worklogs" -> "worklogs are synced one by one; use the mapping type \"worklogs\"";
      default -> "issue links are synced one by one; use the mapping type \"links\"";
    }));
  }

  /** The mapping type that alone may write this field, or null for an ordinary field. */
  private static String dedicated(String field, FieldSchema schema) {
    String type = schema == null ? null : schema.type();
    String items = schema == null ? null : schema.items();
    if (field.equals("status") || "status".equals(type)) {
      return "status";
    }
    if (field.equals("issuetype") || "issuetype".equals(type)) {
      return "issuetype";
    }
    if (field.equals("comment") || "comments-page".equals(type)) {
      return "comments";
    }
    if (field.equals("attachment") || "attachment".equals(items)) {
      return "attachments";
    }
    if (field.equals("worklog") || "worklog".equals(items)) {
      return "worklogs";
    }
    if (field.equals("issuelinks") || "issuelinks".equals(items)) {
      return "links";
    }
    return null;
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
