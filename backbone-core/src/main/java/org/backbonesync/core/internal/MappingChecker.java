package org.backbonesync.core.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * Checks one field mapping against its mapping type and, where given, the projects' fields: the
 * direction, each side's field, the fields only a dedicated type may write, MERGE, and the type's
 * own {@code validate}. Run by the engine's configuration check when it is built, and by the
 * testkit's {@code FieldMappingTester.problems()} for the mapping under test (this package is
 * exported to the testkit for it), so that the tester reports what an engine refuses in the same
 * words. Not API.
 */
public final class MappingChecker {
  private MappingChecker() {}

  /**
   * Checks one field mapping, found at {@code index} of the configuration's list.
   *
   * @param fieldsA the fields of A's project by id, or null when A is not local (its fields
   *     unknown)
   * @param fieldsB the same for B
   */
  public static void check(int index, FieldMapping m, ConnectorConfig connectorA,
      ConnectorConfig connectorB, FieldMappingRegistry registry, Map<String, FieldSchema> fieldsA,
      Map<String, FieldSchema> fieldsB, List<ConfigurationProblem> problems) {
    String at = "$.fieldMappings[" + index + "]";
    Optional<FieldMappingProvider> found = registry.provider(m.type());
    if (found.isEmpty()) {
      problems.add(new ConfigurationProblem(at + ".type",
          "unknown mapping type \"" + m.type() + "\"; known: " + registry.types()
              + " (a custom type is found through a file META-INF/services/"
              + FieldMappingProvider.class.getName() + " on the classpath that names its"
              + " provider class)"));
      return;
    }
    FieldMappingProvider provider = found.get();
    // (a direction refused leaves open which side is read and which written: what depends on
    // that is checked once it is given, not reported as problems that follow from BOTH)
    boolean directed = m.direction() != Direction.BOTH || provider.twoWay();
    if (!directed) {
      problems.add(new ConfigurationProblem(at + ".direction", "mapping type " + m.type()
          + " syncs one way only; use A_TO_B or B_TO_A, not BOTH"));
    }
    FieldSchema schemaA =
        checkField(at, m, true, directed, connectorA, provider, fieldsA, problems);
    FieldSchema schemaB =
        checkField(at, m, false, directed, connectorB, provider, fieldsB, problems);
    if (directed && registry.isBuiltIn(m.type())) {
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
    try {
      provider.validate(
          new MappingCheck(definitionA, m.direction().fromA(), m.direction().fromB(), schemaA,
              schemaB),
          (path, message) -> problems.add(new ConfigurationProblem(at + "." + path, message)));
    } catch (RuntimeException e) {
      // (a provider's bug, told at the mapping it checked rather than as the check's failure)
      problems.add(new ConfigurationProblem(at + ".type",
          MappingResults.checkFailed(m.type(), provider, m.id(), e)));
    }
  }

  /**
   * The status, the issue type, comments, worklogs, attachments and links are not values a field
   * update can set: each has its own way (transitions, the issue type table, one call per comment,
   * worklog, attachment or link), which only its own mapping type takes. Reading them is fine.
   */
  private static void checkDedicated(String at, FieldMapping m, boolean sideA, FieldSchema schema,
      List<ConfigurationProblem> problems) {
    String field = field(m, sideA);
    if (field == null || !syncsFrom(m, !sideA)) {
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

  /**
   * Checks one side's field; returns its schema when the project told it.
   *
   * @param directed whether the direction is one the type takes; if not, only what holds either
   *     way: that a type reading a field has one on each side, and that a field given is the
   *     project's
   */
  private static FieldSchema checkField(String at, FieldMapping m, boolean sideA,
      boolean directed, ConnectorConfig connector, FieldMappingProvider provider,
      Map<String, FieldSchema> fields, List<ConfigurationProblem> problems) {
    String path = at + (sideA ? ".fieldA" : ".fieldB");
    String side = sideA ? "A" : "B";
    String field = field(m, sideA);
    boolean sends = directed && syncsFrom(m, sideA);
    boolean receives = directed && syncsFrom(m, !sideA);
    if (field == null && !directed && provider.needsSourceField()) {
      problems.add(new ConfigurationProblem(path, "missing; mapping type " + m.type()
          + " reads a field on one side and writes one on the other, whichever way it syncs"));
      return null;
    }
    if (field == null) {
      if (receives || (sends && provider.needsSourceField())) {
        problems.add(new ConfigurationProblem(path, "missing; mapping type " + m.type() + " "
            + (receives ? "writes" : "reads") + " a field on " + side + "'s side (direction "
            + m.direction() + ")"));
      }
      return null;
    }
    if (fields == null) {
      return null;
    }
    FieldSchema schema = fields.get(field);
    if (schema == null) {
      // (a typo is the usual cause: the nearest fields say which was meant)
      problems.add(new ConfigurationProblem(path, "project " + connector.projectKey()
          + " has no field \"" + field + "\"" + (fields.isEmpty() ? ""
              : " (nearest: " + SourceFields.nearest(field, fields) + ")")));
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

  /** The field on one side (true: A), as {@code FieldMapping}'s package-private own. */
  private static String field(FieldMapping m, boolean sideA) {
    return sideA ? m.fieldA() : m.fieldB();
  }

  /** Whether changes flow out of the given side (true: A). */
  private static boolean syncsFrom(FieldMapping m, boolean sideA) {
    return sideA ? m.direction().fromA() : m.direction().fromB();
  }
}
