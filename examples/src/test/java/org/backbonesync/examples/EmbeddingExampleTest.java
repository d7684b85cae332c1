package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** The README's "Embed it" snippet, line for line, does what the README says. */
class EmbeddingExampleTest {
  @Test
  void theReadmeSnippetPairsPa1WithPb1() {
    Clock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();

    SyncEngine engine = SyncEngine.builder()
        .configuration(SyncConfiguration.builder("pa-pb")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
            .fieldMapping(FieldMapping.passthrough("map-priority", "priority", Direction.BOTH))
            .build())
        .tracker("PA", pa)
        .tracker("PB", pb)
        .stores(new InMemoryStores())
        .clock(clock)
        .build();

    pa.as("alice").create("Printer on fire");
    engine.runOnce();
    engine.runOnce();

    SyncInfo row = engine.syncInformation("PA").get(0);
    assertEquals(1, row.id());
    assertEquals("PA-1", row.localIssueKey());
    assertEquals("PB-1", row.remoteIssueKey());
    assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());
  }
}
