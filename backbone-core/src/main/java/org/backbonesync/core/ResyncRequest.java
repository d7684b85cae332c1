package org.backbonesync.core;

import java.util.List;

/**
 * What a resync should send, as in the original product's {@code POST
 * /connectors/{connectorKey}/resync}.
 *
 * @param jql narrows the connector's issues (combined with its own JQL by AND; it can only
 *     narrow), or null for all of them
 * @param fieldMappings the ids of the field mappings to send; empty for all that sync from the
 *     connector
 * @param responsibility whether to send the configuration's responsibility mapping ({@link
 *     SyncConfiguration#responsibility()}) too, when it syncs from the connector; when false it is
 *     left out even if {@code fieldMappings} names it. True for a synchronization without one is
 *     refused (400)
 * @param sendStatusField whether mappings that read the status are sent too (forcing the partner
 *     into the mapped status)
 */
public record ResyncRequest(
    String jql, List<String> fieldMappings, boolean responsibility, boolean sendStatusField) {
  public ResyncRequest {
    fieldMappings = fieldMappings == null ? List.of() : List.copyOf(fieldMappings);
    jql = jql == null || jql.isBlank() ? null : jql;
  }

  /** A resync of every issue and every mapping. */
  public static ResyncRequest all() {
    return new ResyncRequest(null, List.of(), false, false);
  }
}
