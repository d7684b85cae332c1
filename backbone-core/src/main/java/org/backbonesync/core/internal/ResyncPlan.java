package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncConfiguration;

/**
 * What a resync sends, checked from an admin's request: the JQL that selects the issues and the
 * field mappings whose values are sent.
 *
 * @param jql the connector's JQL narrowed by the request's
 * @param mappingIds the ids of the field mappings sent
 */
record ResyncPlan(String jql, Set<String> mappingIds) {

  /**
   * The plan for a request: its JQL narrowed to the connector's, and the field mappings chosen
   * (all that sync from the connector when it names none), without the status field unless
   * asked for and with the responsibility mapping only when asked for.
   *
   * @throws AdminException (400) when the request names a mapping that is unknown or does not
   *     sync from the connector, or asks for responsibility that is not configured
   */
  static ResyncPlan of(SyncConfiguration configuration, Connector connector,
      ResyncRequest request) {
    if (request.responsibility() && configuration.responsibility().isEmpty()) {
      throw new AdminException(400, "responsibility is not configured for synchronization "
          + configuration.id() + "; resync it with \"responsibility\": false",
          List.of(new ConfigurationProblem("$.responsibility", "is true, but synchronization "
              + configuration.id() + " has no responsibility configured")));
    }
    Set<String> sending = connector.sendingIds();
    Set<String> statusReaders = new LinkedHashSet<>();
    for (Connector.Outgoing out : connector.outgoing) {
      if (out.mapping().sourceFields().contains("status")) {
        statusReaders.add(out.id());
      }
    }
    Set<String> chosen = named(configuration, connector, request.fieldMappings(), sending);
    if (chosen.isEmpty()) {
      chosen.addAll(sending);
    }
    if (!request.sendStatusField()) {
      chosen.removeAll(statusReaders);
    }
    configuration.responsibility().ifPresent(r -> {
      if (request.responsibility() && sending.contains(r.fieldMappingId())) {
        chosen.add(r.fieldMappingId());
      } else {
        chosen.remove(r.fieldMappingId());
      }
    });
    return new ResyncPlan(JqlScope.narrow(connector.config.jql(), request.jql()), chosen);
  }

  /**
   * The mappings a request names, each known and syncing from the connector, else refused
   * naming every one that is not (the first in the message).
   */
  private static Set<String> named(SyncConfiguration configuration, Connector connector,
      List<String> ids, Set<String> sending) {
    Set<String> chosen = new LinkedHashSet<>();
    List<ConfigurationProblem> problems = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      String problem = configuration.fieldMapping(id).isEmpty()
          ? "unknown field mapping id " + Shown.quoted(id) + " in synchronization "
              + configuration.id()
          : !sending.contains(id) ? "field mapping " + Shown.quoted(id)
              + " does not sync from connector " + connector.key() : null;
      if (problem != null) {
        problems.add(new ConfigurationProblem("$.fieldMappings[" + i + "]", problem));
      }
      chosen.add(id);
    }
    if (!problems.isEmpty()) {
      throw new AdminException(400, problems.get(0).message() + (problems.size() == 1 ? ""
          : " (and " + (problems.size() - 1) + " more problems)"), problems);
    }
    return chosen;
  }
}
