package org.backbonesync.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.backbonesync.core.internal.JqlRefusedException;
import org.backbonesync.core.internal.JqlScope;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.internal.Escapes;

/**
 * Checks a configuration's shape alone, when it is built or read: what needs neither the mapping
 * types nor the projects. Every problem is collected, none stops the check.
 */
final class ShapeChecker {
  /** A connector key: it names the connector in admin paths, messages and stores. */
  private static final Pattern CONNECTOR_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** A Jira project key, as the Jira adapter requires it; it is quoted into JQL. */
  private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,254}");
  /**
   * A sync user or a field mapping id: stores keep them (the JDBC stores in columns of 255
   * characters: a mapping's synced values and pending changes are kept under its id), and logs
   * and error messages show them.
   */
  static final int MAX_TEXT = 255;
  /**
   * Jira's system fields that are not single selects: responsibility cannot be read from them.
   * Other fields are checked against the project's schema when an engine is built.
   */
  private static final Set<String> NOT_SINGLE_SELECT = Set.of("summary", "description",
      "environment", "labels", "priority", "status", "resolution", "issuetype", "assignee",
      "reporter", "creator", "components", "fixVersions", "versions", "duedate", "created",
      "updated", "resolutiondate", "comment", "attachment", "issuelinks", "parent", "project",
      "security", "timetracking", "worklog", "watches", "votes", "subtasks", "key");

  private ShapeChecker() {}

  /**
   * Checks what needs neither the mapping types nor the projects: each connector (key, project
   * key, sync user, JQL), that the two connectors are not one project acting as one user, each
   * mapping's id and that its settings can be written and read back ({@link WritableSettings}),
   * that no two mappings write the same field on one side, and that responsibility reads a field
   * on both sides that can be a single select.
   *
   * @param a connector A, or null when it could not be read
   * @param b connector B, or null when it could not be read
   * @param mappings the field mappings in configuration order; null for one that could not be read
   */
  static void check(ConnectorConfig a, ConnectorConfig b, List<FieldMapping> mappings,
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
    checkIds(mappings, problems);
    for (int i = 0; i < mappings.size(); i++) {
      if (mappings.get(i) != null) {
        WritableSettings.check("$.fieldMappings[" + i + "].settings", mappings.get(i).settings(),
            problems);
      }
    }
    checkWrites(mappings, problems);
    if (responsibility != null) {
      mappings.stream()
          .filter(m -> m != null && m.id().equals(responsibility.fieldMappingId()))
          .findFirst()
          .ifPresent(m -> checkResponsibilityFields(m, problems));
    }
  }

  /**
   * Issue type rows ({@code {typeA, typeB}}, in configuration order) that name a type of A, or
   * of B, that an earlier row names: each at its own row (a repeat of A's at {@code .a}, else
   * one of B's at {@code .b}), whichever rows before it repeat too.
   *
   * @param rows the rows in order; null for a row that could not be read (its index is kept)
   */
  static void checkIssueTypes(List<String[]> rows, List<ConfigurationProblem> problems) {
    Map<String, String> typeOfB = new HashMap<>();
    Map<String, String> typeOfA = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      if (row == null) {
        continue;
      }
      String b = typeOfB.putIfAbsent(row[0], row[1]);
      String a = b != null ? null : typeOfA.putIfAbsent(row[1], row[0]);
      if (b != null) {
        problems.add(new ConfigurationProblem("$.issueTypes[" + i + "].a", "issue type \""
            + row[0] + "\" of A already corresponds to \"" + b + "\""));
      } else if (a != null) {
        problems.add(new ConfigurationProblem("$.issueTypes[" + i + "].b", "issue type \""
            + row[1] + "\" of B already corresponds to \"" + a + "\""));
      }
    }
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
    checkText(at + ".syncUser", c.syncUser(), problems);
    checkJql(at + ".jql", c.jql(), "sync every issue of the project", problems);
    checkJql(at + ".incomingJql", c.incomingJql(), "apply incoming changes to every issue",
        problems);
  }

  /** @param absent what leaving the JQL out does, for the refusal of a blank one */
  private static void checkJql(String path, String jql, String absent,
      List<ConfigurationProblem> problems) {
    if (jql == null) {
      return;
    }
    if (jql.isBlank()) { // (an empty condition is a mistake, not "every issue")
      problems.add(new ConfigurationProblem(path, "must not be blank, was " + Shown.quoted(jql)
          + "; leave it out (or null) to " + absent));
      return;
    }
    try {
      JqlScope.check(jql);
    } catch (JqlRefusedException e) {
      problems.add(new ConfigurationProblem(path, "refused: " + e.where() + "; it must be one"
          + " condition, which the engine puts in parentheses after the project's"));
    }
  }

  /**
   * Ids a store could not keep, or ids and names that would garble the log lines that show
   * them.
   */
  private static void checkIds(List<FieldMapping> mappings, List<ConfigurationProblem> problems) {
    for (int i = 0; i < mappings.size(); i++) {
      FieldMapping m = mappings.get(i);
      if (m != null && m.id().isBlank()) {
        problems.add(new ConfigurationProblem("$.fieldMappings[" + i + "].id",
            "must not be blank")); // (as the JSON reader says it)
      } else if (m != null) {
        checkText("$.fieldMappings[" + i + "].id", m.id(), problems);
      }
      if (m != null && m.name() != null) { // shown by the admin API and in log lines
        checkText("$.fieldMappings[" + i + "].name", m.name(), problems);
      }
    }
  }

  /** Text a store keeps and logs show: at most {@link #MAX_TEXT} characters, all printable. */
  private static void checkText(String path, String text, List<ConfigurationProblem> problems) {
    if (text.length() > MAX_TEXT || !Escapes.printable(text)) {
      problems.add(new ConfigurationProblem(path, "must be at most " + MAX_TEXT
          + " characters without control or format characters; was " + Shown.quoted(text)));
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

}
