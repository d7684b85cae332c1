package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by an operator's trial (helper h155): with PostgreSQL stopped, a scrape of {@code
 * /metrics} took 120 s, each of the four backlog gauges waiting 30 s for a connection, so a
 * scraper (10 s by default) got no meter at all, the connectors' health included, just when the
 * store was down. The steps count the backlog now; a scrape only shows the counts.
 */
class MetricsWhileStoreHangsTest {
  @TempDir Path dir;

  @Test
  void aScrapeAnswersAtOnceWhileTheStoreHangs() throws Exception {
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").users("alice").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
        .syncUser("sync-b").users("bob").build();
    String db = "jdbc:h2:mem:hangs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    try (FakeJiraServer cloud = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
            .credential("sync-a", "cloud-token-4711").start();
        FakeJiraServer server = FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
            .credential("sync-b", "server-pat-0815").start();
        Connection dba = DriverManager.getConnection(db)) {
      Path file = dir.resolve("sync.json");
      Files.writeString(file, TwoSitesFile.json(cloud.url(), server.url(), "PA", """
          "pollInterval": "PT24H",
          "store": {"jdbcUrl": "%s"},""".formatted(db)));
      ServiceConfig config = ServiceConfig.read(file, Map.of("JIRA_A_EMAIL",
          "sync-a@example.com", "JIRA_A_TOKEN", "cloud-token-4711", "JIRA_B_TOKEN",
          "server-pat-0815"));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      SyncService service = SyncService.open(config, Sites.connect(config, registry), registry);
      pa.as("alice").create("Printer on fire");
      service.round(); // PA-1 copied: nothing left queued

      sql(dba, "SET EXCLUSIVE 1"); // H2 pauses every other session's statements
      String metrics;
      try {
        metrics = CompletableFuture.supplyAsync(registry::scrape).get(10, TimeUnit.SECONDS);
      } finally {
        sql(dba, "SET EXCLUSIVE 0");
        service.stop(Duration.ofSeconds(5));
      }

      assertTrue(metrics.contains(
          "backbone_outbox_messages{connector=\"PA\",synchronization=\"pa-pb\"} 0.0"), metrics);
      assertTrue(metrics.contains(
          "backbone_connector_healthy{connector=\"PB\",synchronization=\"pa-pb\"} 1.0"), metrics);
    }
  }

  @Test
  void aCountThatFailedReadsNanUntilOneSucceeds() {
    AtomicBoolean down = new AtomicBoolean();
    MessageStore store = (MessageStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
          if (down.get()) {
            throw new IllegalStateException("database operation failed: connection refused");
          }
          return method.getName().equals("outgoingCount") ? 3 : 4;
        });
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BacklogGauges gauges = new BacklogGauges(registry, "pa-pb", List.of("PA", "PB"), store);
    String outboxB = "backbone_outbox_messages{connector=\"PB\",synchronization=\"pa-pb\"} ";
    assertTrue(registry.scrape().contains(outboxB + "3.0"), registry.scrape());

    down.set(true);
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, gauges::refresh);
    assertEquals("database operation failed: connection refused", e.getMessage());
    assertTrue(registry.scrape().contains(outboxB + "NaN"), registry.scrape());

    down.set(false);
    gauges.refresh();
    assertTrue(registry.scrape().contains(outboxB + "3.0"), registry.scrape());
  }

  private static void sql(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
