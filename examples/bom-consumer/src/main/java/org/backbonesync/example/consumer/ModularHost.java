package org.backbonesync.example.consumer;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.HttpTransport;

/**
 * Embeds the engine as a modular host does: two in-memory projects, sync information and queues
 * in H2 files (so messages go through the stores' JSON, Jackson included), run until PA's issue
 * is on PB. Prints the modules it ran in and PB-1's summary.
 */
public final class ModularHost {
  private ModularHost() {}

  /** Runs the sync with its H2 files in the directory given as the only argument. */
  public static void main(String[] args) {
    for (Class<?> type : new Class<?>[] {ModularHost.class, SyncEngine.class, JdbcStores.class,
        JiraSite.class, HttpTransport.class, InMemoryIssueTracker.class}) {
      Module module = type.getModule();
      System.out.println("module " + module.getName() + " exports " + new java.util.TreeSet<>(
          module.getPackages().stream().filter(module::isExported).toList()));
    }
    System.out.println("PB-1 summary: " + syncOneIssue(Path.of(args[0])));
  }

  /** Creates PA-1 and syncs it; answers PB-1's summary. */
  static String syncOneIssue(Path dataDirectory) {
    ManualClock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a")
        .build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b")
        .build();
    SyncConfiguration configuration = SyncConfiguration.builder("modular")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .build();
    JdbcStores stores = JdbcStores.inDirectory(dataDirectory);
    try (SyncEngine engine = SyncEngine.builder().configuration(configuration)
        .tracker("PA", pa).tracker("PB", pb).stores(stores).clock(clock).build()) {
      pa.as("alice").createIssue(new IssueCreate("Task",
          Map.of("summary", text("Printer on fire")), null));
      for (int i = 0; i < 3; i++) {
        engine.runOnce();
        clock.advance(Duration.ofSeconds(10));
      }
      return pb.value("PB-1", "summary").asText();
    }
  }
}
