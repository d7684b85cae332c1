package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * Whether a value fits its field's schema in the normalized form values cross the tracker port
 * in ({@link org.backbonesync.spi.tracker.IssueTracker}): a number field takes a JSON number; a
 * text, date or a field named by a value (priority, status, a select's option, a user's id...) a
 * JSON string, one of its values where the schema lists them; a multi-valued field an array of
 * those. JSON null fits any field (it clears it). A type whose form is not known here (an object
 * a tracker reads its own way, Jira's {@code any}) fits whatever it is given: the tracker judges.
 * The one judge of both {@code FieldMappingTester.importValue} and {@link InMemoryIssueTracker}'s
 * custom and version fields, so that a value the tester passes is one the tracker takes.
 */
final class SchemaFit {
  /** The schema types whose values are JSON strings. */
  private static final Set<String> STRINGS = Set.of("string", "date", "datetime", "option",
      "priority", "status", "resolution", "issuetype", "user", "version", "component", "group",
      "securitylevel", "project");

  private SchemaFit() {}

  /**
   * What the field takes ("JSON strings among [P1, P2]", "a JSON array of JSON strings"), when
   * {@code value} does not fit it; null when it does.
   */
  static String misfit(FieldSchema schema, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    if (schema.type().equals("array")) {
      if (!value.isArray()) {
        return "a JSON array";
      }
      for (JsonNode item : value) {
        String wrong = item(schema.items(), schema.allowedValues(), item);
        if (wrong != null) {
          return "a JSON array of " + wrong;
        }
      }
      return null;
    }
    return item(schema.type(), schema.allowedValues(), value);
  }

  /** What one value of this type takes, when {@code value} does not fit; null when it does. */
  private static String item(String type, List<String> allowed, JsonNode value) {
    if ("number".equals(type)) {
      return value.isNumber() ? null : "JSON numbers";
    }
    if (type == null || !STRINGS.contains(type)) {
      return null;
    }
    if (!value.isTextual()) {
      return "JSON strings";
    }
    if (type.equals("date") && !value.asText().matches("\\d{4}-\\d{2}-\\d{2}")) {
      return "JSON strings of dates (yyyy-mm-dd)";
    }
    if (allowed != null && !allowed.contains(value.asText())) {
      return "JSON strings among " + allowed;
    }
    return null;
  }
}
