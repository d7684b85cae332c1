package org.backbonesync.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a resync should send, as in the original product's {@code POST
 * /connectors/{connectorKey}/resync}.
 *
 * @param jql narrows the connector's issues (combined with its own JQL by AND; it can only
 *     narrow), or null for all of them
 * @param fieldMappings the ids of the field mappings to send, at most {@value
 *     #MAX_FIELD_MAPPING_IDS} (an id given twice is kept once, as before: a script may repeat
 *     one); empty (or null) for all that sync from the connector
 * @param responsibility whether to send the configuration's responsibility mapping ({@link
 *     SyncConfiguration#responsibility()}) too, when it syncs from the connector; when false it is
 *     left out even if {@code fieldMappings} names it. True for a synchronization without one is
 *     refused (400)
 * @param sendStatusField whether mappings that read the status are sent too (forcing the partner
 *     into the mapped status)
 */
public record ResyncRequest(
    String jql, List<String> fieldMappings, boolean responsibility, boolean sendStatusField) {
  /** The most field mapping ids a request may name. */
  public static final int MAX_FIELD_MAPPING_IDS = 1_000;

  /**
   * Checks the field mapping ids.
   *
   * @throws AdminException (400) when {@code fieldMappings} holds a null or more than {@value
   *     #MAX_FIELD_MAPPING_IDS} ids, each problem at its JSON path ({@code $.fieldMappings[1]}),
   *     or {@code jql} is blank (a mistake, not "every issue": null is that), as the REST
   *     handler answers the same body
   */
  public ResyncRequest {
    fieldMappings = fieldMappings == null ? List.of() : checked(fieldMappings);
    if (jql != null && jql.isBlank()) {
      String problem = "is empty; leave it out (or null) to resync every issue";
      throw new AdminException(400, "jql " + problem,
          List.of(new ConfigurationProblem("$.jql", problem)));
    }
  }

  /** A resync of every issue and every mapping. */
  public static ResyncRequest all() {
    return new ResyncRequest(null, List.of(), false, false);
  }

  /** The refusal of a null in {@code fieldMappings} at index {@code i}. */
  static ConfigurationProblem nullId(int i) {
    return new ConfigurationProblem("$.fieldMappings[" + i + "]",
        "is null, not a field mapping id");
  }

  /** The ids, each once in the order first given, once each check passed. */
  private static List<String> checked(List<String> ids) {
    if (ids.size() > MAX_FIELD_MAPPING_IDS) {
      String problem = "has " + ids.size() + " ids; at most " + MAX_FIELD_MAPPING_IDS;
      throw new AdminException(400, "fieldMappings " + problem,
          List.of(new ConfigurationProblem("$.fieldMappings", problem)));
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == null) {
        problems.add(nullId(i));
      }
    }
    if (!problems.isEmpty()) {
      ConfigurationProblem p = problems.get(0);
      throw new AdminException(400, p.path().substring(2) + " " + p.message()
          + (problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more problems)"),
          problems);
    }
    return List.copyOf(new LinkedHashSet<>(ids));
  }
}
