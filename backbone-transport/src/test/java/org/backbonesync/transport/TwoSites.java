package org.backbonesync.transport;

import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.transport.MessageTransport;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;

/**
 * Two sites of one synchronization, PA and PB, each to be run by its own engine with one
 * connector; the transport between them is the test's.
 */
final class TwoSites {
  final ManualClock clock = ManualClock.startingAt2026();
  final SyncConfiguration configuration = SyncConfiguration.builder("pa-pb")
      .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
      .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
      .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
      .build();
  final InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock)
      .syncUser("sync-a").users("alice").build();
  final InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock)
      .syncUser("sync-b").users("bob").build();

  /** Each site's stores (site A runs PA, site B runs PB), which outlive an engine's restart. */
  final InMemoryStores storesA = new InMemoryStores();
  final InMemoryStores storesB = new InMemoryStores();

  /** The stores of the site that runs a connector. */
  InMemoryStores stores(String connectorKey) {
    return connectorKey.equals("PA") ? storesA : storesB;
  }

  /** The security both sides share, on the sites' clock. */
  EnvelopeSecurity.Builder security() {
    return EnvelopeSecurity.builder("pa-pb").key("k1", EnvelopesTest.SECRET).clock(clock);
  }

  /** An engine running only the connector of one site, sending through the transport. */
  SyncEngine.Builder engine(String connectorKey, MessageTransport transport) {
    return SyncEngine.builder().configuration(configuration)
        .tracker(connectorKey, connectorKey.equals("PA") ? pa : pb)
        .transport(connectorKey, transport)
        .stores(stores(connectorKey)).clock(clock);
  }
}
