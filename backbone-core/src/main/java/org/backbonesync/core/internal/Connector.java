package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.IssueTracker;

/** A local connector: its configuration, its tracker, and the mappings of its two directions. */
final class Connector {
  /** An outgoing mapping with the id its values travel under. */
  record Outgoing(String id, OutgoingFieldMapping mapping) {}

  final String syncId;
  final ConnectorConfig config;
  final ConnectorConfig partner;
  final IssueTracker tracker;
  final List<Outgoing> outgoing;
  final Map<String, IncomingFieldMapping> incoming;

  Connector(SyncConfiguration configuration, String key, IssueTracker tracker) {
    this.syncId = configuration.id();
    this.config = configuration.connector(key).orElseThrow();
    this.partner = configuration.partnerOf(key);
    this.tracker = tracker;
    boolean sideA = configuration.connectorA().key().equals(key);
    List<Outgoing> out = new ArrayList<>();
    Map<String, IncomingFieldMapping> in = new LinkedHashMap<>();
    for (FieldMapping m : configuration.fieldMappings()) {
      OutgoingFieldMapping o = sideA ? m.outgoingA() : m.outgoingB();
      IncomingFieldMapping i = sideA ? m.incomingA() : m.incomingB();
      if (o != null) {
        out.add(new Outgoing(m.id(), o));
      }
      if (i != null) {
        in.put(m.id(), i);
      }
    }
    this.outgoing = List.copyOf(out);
    this.incoming = in;
  }

  String key() {
    return config.key();
  }

  /** The marker an issue created by this connector for a partner issue carries. */
  String originMarker(String remoteIssueKey) {
    return originMarkerPrefix() + remoteIssueKey;
  }

  /** Issues whose origin marker starts with this were created by this connector's sync. */
  String originMarkerPrefix() {
    return "backbone:" + syncId + ":" + config.key() + ":";
  }

  /** Whether an issue key belongs to this connector's project (the scope guarantee). */
  boolean inProject(String issueKey) {
    return issueKey.startsWith(config.projectKey() + "-");
  }
}
