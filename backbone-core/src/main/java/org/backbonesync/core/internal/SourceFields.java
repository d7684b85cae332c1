package org.backbonesync.core.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * Whether an outgoing mapping reads only fields its project has: one it names that the project
 * lacks (a typo, a custom field id of another site) reads as JSON null from every issue, and the
 * export clears the partner's field. Checked when the engine is built and by the testkit's {@code
 * FieldMappingTester}, in the same words. Not API.
 *
 * <p>Only against a tracker that lists its fields (an empty list tells nothing), and never for
 * Jira's system fields, which every issue has though a tracker's list may leave some out (the
 * in-memory tracker lists no {@code created} or {@code updated}).
 */
public final class SourceFields {
  /** Jira's system field ids, as its {@code /field} answers them. */
  private static final Set<String> SYSTEM = Set.of("aggregateprogress", "aggregatetimeestimate",
      "aggregatetimeoriginalestimate", "aggregatetimespent", "assignee", "attachment", "comment",
      "components", "created", "creator", "description", "duedate", "environment", "fixVersions",
      "issuekey", "issuelinks", "issuerestriction", "issuetype", "labels", "lastViewed", "parent",
      "priority", "progress", "project", "reporter", "resolution", "resolutiondate", "security",
      "status", "statusCategory", "statuscategorychangedate", "subtasks", "summary", "thumbnail",
      "timeestimate", "timeoriginalestimate", "timespent", "timetracking", "updated", "versions",
      "votes", "watches", "worklog", "workratio");
  /** How many of the project's fields a problem shows for each missing one. */
  private static final int NEAREST = 3;

  private SourceFields() {}

  /**
   * What is wrong with the fields an outgoing mapping reads, to follow "made an outgoing mapping
   * for m1 that ", or null when nothing is.
   *
   * @param read the mapping's {@code sourceFields()}
   * @param projectKey the project whose fields these are
   * @param fields the project's fields by id; empty when the tracker lists none
   */
  public static String problem(Set<String> read, String projectKey,
      Map<String, FieldSchema> fields) {
    if (fields.isEmpty()) {
      return null;
    }
    List<String> missing = read.stream()
        .filter(f -> !fields.containsKey(f) && !SYSTEM.contains(f)).sorted().toList();
    if (missing.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder("reads ");
    for (int i = 0; i < missing.size(); i++) {
      String field = missing.get(i);
      text.append(i == 0 ? "" : ", ").append(Shown.quoted(field)).append(" (nearest: ")
          .append(nearest(field, fields)).append(')');
    }
    return text.append(", which project ").append(projectKey).append(" has no field of (it has ")
        .append(fields.size()).append("): every export would read JSON null and clear the")
        .append(" partner's field").toString();
  }

  /**
   * The project's three fields nearest to a missing one by id or name, e.g. "labels,
   * lastViewed"; also for a configured field the project lacks ({@code MappingChecker}).
   */
  public static String nearest(String missing, Map<String, FieldSchema> fields) {
    String wanted = missing.toLowerCase(Locale.ROOT);
    // each field's distance once: in the sort's comparator it was some 40 a field for a
    // project of 2,000 fields (helper-131)
    return fields.values().stream().map(f -> new Near(f, distance(wanted, f)))
        .sorted(Comparator.comparingInt(Near::distance).thenComparing(n -> n.field().id()))
        .limit(NEAREST).map(n -> shown(n.field())).reduce((a, b) -> a + ", " + b).orElse("");
  }

  private record Near(FieldSchema field, int distance) {}

  private static int distance(String wanted, FieldSchema f) {
    int byId = Edits.distance(wanted, f.id().toLowerCase(Locale.ROOT));
    return f.name() == null ? byId
        : Math.min(byId, Edits.distance(wanted, f.name().toLowerCase(Locale.ROOT)));
  }

  /** "customfield_10020 (Sprint)", or the id alone when the name says no more. */
  private static String shown(FieldSchema f) {
    return f.name() == null || f.name().equalsIgnoreCase(f.id()) ? Shown.text(f.id(), Shown.MAX)
        : Shown.text(f.id(), Shown.MAX) + " (" + Shown.text(f.name(), Shown.MAX) + ")";
  }

  /**
   * Levenshtein's distance, in two rows, of the first 100 characters of each. Our own: one
   * method for a refusal's hint, where a library (commons-text) would be a dependency of core
   * beside Jackson, SLF4J and jakarta.inject for it alone.
   */
  private static final class Edits {
    private static final int LONGEST = 100;

    private Edits() {}

    static int distance(String first, String second) {
      String a = first.substring(0, Math.min(first.length(), LONGEST));
      String b = second.substring(0, Math.min(second.length(), LONGEST));
      int[] previous = new int[b.length() + 1];
      int[] current = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        previous[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        current[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
          current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1),
              previous[j - 1] + swap);
        }
        int[] done = previous;
        previous = current;
        current = done;
      }
      return previous[b.length()];
    }
  }
}
