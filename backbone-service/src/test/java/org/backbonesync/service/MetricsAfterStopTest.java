package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by a soak: {@code /metrics} is served on while the service stops, and a scrape after
 * the stores had closed read the backlog gauges from a closed store (Micrometer logged a WARN
 * "Failed to apply the value function for the gauge 'backbone.outbox.messages'" and the gauge
 * read NaN).
 */
class MetricsAfterStopTest {
  @TempDir Path dir;

  @Test
  void aScrapeAfterTheStoresClosedReadsNoClosedStore() throws Exception {
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").users("alice").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
        .syncUser("sync-b").users("bob").build();
    try (FakeJiraServer cloud = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
            .credential("sync-a", "cloud-token-4711").start();
        FakeJiraServer server = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
            .credential("sync-b", "server-pat-0815").start()) {
      Path file = dir.resolve("sync.json");
      Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "PA", """
          "pollInterval": "PT24H",
          "store": {"directory": "data"},"""));
      ServiceConfig config = ServiceConfig.read(file, Map.of("JIRA_A_EMAIL",
          "sync-a@example.com", "JIRA_A_TOKEN", "cloud-token-4711", "JIRA_B_TOKEN",
          "server-pat-0815"));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Sites sites = Sites.connect(config, registry);
      SyncService service = SyncService.open(config, sites, registry);
      assertTrue(registry.scrape().contains("backbone_outbox_messages{connector=\"PA\","
          + "synchronization=\"pa-pb\"} 0.0"), registry.scrape());

      service.stop(Duration.ofSeconds(5));

      String metrics = registry.scrape();
      assertFalse(metrics.lines().anyMatch(l -> l.startsWith("backbone_outbox_messages{")
          || l.startsWith("backbone_inbox_messages{")), metrics);
    }
  }
}
