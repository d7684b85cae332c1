package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Proxy;
import java.net.URI;
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
import java.util.concurrent.locks.LockSupport;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by an operator's trial (helper h155) with PostgreSQL stopped: a scrape of {@code
 * /metrics} took 120 s, each of the four backlog gauges waiting 30 s for a connection, so a
 * scraper (10 s by default) got no meter at all, the connectors' health included, just when the
 * store was down (the steps count the backlog now; a scrape only shows the counts); and a
 * SIGTERM took 52 s, 32 of them counting the messages left queued for the last log line, past
 * the 20 s the stop promises and a container's 30 s grace period. H2's exclusive mode, which
 * pauses every other session's statements, stands for the store that does not answer.
 */
class StoreHangsTest {
  @TempDir Path dir;

  private final InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA")
      .clock(Clock.systemUTC()).syncUser("sync-a").users("alice").build();
  private final InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB")
      .clock(Clock.systemUTC()).syncUser("sync-b").users("bob").build();
  private final String db = "jdbc:h2:mem:hangs-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void aScrapeAnswersAtOnceWhileTheStoreHangs() throws Exception {
    try (FakeJiraServer cloud = cloud(); FakeJiraServer server = server();
        Connection dba = DriverManager.getConnection(db)) {
      SyncService service = open(cloud, server);
      pa.as("alice").create("Printer on fire");
      service.round(); // PA-1 copied: nothing left queued

      sql(dba, "SET EXCLUSIVE 1");
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
  void theStopDoesNotWaitForTheStoreToCountWhatIsLeft() throws Exception {
    try (FakeJiraServer cloud = cloud(); FakeJiraServer server = server();
        Connection dba = DriverManager.getConnection(db)) {
      SyncService service = open(cloud, server);
      service.round();

      sql(dba, "SET EXCLUSIVE 1");
      try {
        CompletableFuture.runAsync(() -> service.stop(Duration.ofSeconds(1)))
            .get(10, TimeUnit.SECONDS);
      } finally {
        sql(dba, "SET EXCLUSIVE 0");
      }

      assertEquals(SyncService.Phase.STOPPED, service.phase());
    }
  }

  /**
   * The stop keeps to its time in all while a step is still running and the store does not
   * answer: it waited for the steps the whole of its time, then counted what was left queued
   * and closed the store after it (an operator's trial with PostgreSQL stopped: 24.6 s where 20
   * are promised, the pool's close waiting up to 5 s more).
   */
  @Test
  void theStopKeepsToItsTimeWithAStepRunningAndTheStoreHanging() throws Exception {
    try (FakeJiraServer cloud = cloud(); FakeJiraServer server = server();
        HoldingProxy slowSearch = new HoldingProxy(server.url(),
            request -> request.contains("/search?") && request.contains("ORDER BY updated"));
        Connection dba = DriverManager.getConnection(db)) {
      SyncService service = open(cloud, slowSearch.url());
      service.start();
      awaitHeld(slowSearch); // (the step's poll of PB, its store calls before done)

      sql(dba, "SET EXCLUSIVE 1");
      Duration took;
      try {
        took = timedStop(service);
      } finally {
        sql(dba, "SET EXCLUSIVE 0");
        slowSearch.release();
      }

      assertTrue(took.compareTo(Duration.ofMillis(2_250)) < 0, "a stop given 2 s took " + took);
      assertEquals(SyncService.Phase.STOPPED, service.phase());
    }
  }

  /**
   * The engines' close writes the trace entries gathered (a step's, within a second of its
   * end): with the store not answering it waited for it, 30 s on PostgreSQL stopped, before the
   * stop even began to wait for the steps (an operator's trial: 51.7 s in all).
   */
  @Test
  void theStopKeepsToItsTimeWithTraceEntriesLeftToWrite() throws Exception {
    try (FakeJiraServer cloud = cloud(); FakeJiraServer server = server();
        Connection dba = DriverManager.getConnection(db)) {
      SyncService service = open(cloud, server);
      pa.as("alice").create("Printer on fire");
      service.round(); // PA-1 copied: its trace entries gathered, written within a second

      sql(dba, "SET EXCLUSIVE 1");
      Duration took;
      try {
        took = timedStop(service);
      } finally {
        sql(dba, "SET EXCLUSIVE 0");
      }

      assertTrue(took.compareTo(Duration.ofMillis(2_250)) < 0, "a stop given 2 s took " + took);
      assertEquals(SyncService.Phase.STOPPED, service.phase());
    }
  }

  /** Waits until the proxy holds a request, looking every few milliseconds, at most 10 s. */
  private static void awaitHeld(HoldingProxy proxy) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (proxy.holding() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no request held within 10 s");
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
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
    BacklogGauges gauges = new BacklogGauges(registry, "pa-pb", List.of("PA", "PB"), store);
    String outboxB = "backbone_outbox_messages{connector=\"PB\",synchronization=\"pa-pb\"} ";
    assertTrue(registry.scrape().contains(outboxB + "3.0"), registry.scrape());

    down.set(true);
    IllegalStateException e = assertThrows(IllegalStateException.class, gauges::refresh);
    assertEquals("database operation failed: connection refused", e.getMessage());
    assertTrue(registry.scrape().contains(outboxB + "NaN"), registry.scrape());

    down.set(false);
    gauges.refresh();
    assertTrue(registry.scrape().contains(outboxB + "3.0"), registry.scrape());
  }

  private FakeJiraServer cloud() {
    return FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", "cloud-token-4711").start();
  }

  private FakeJiraServer server() {
    return FakeJiraServer.builder(pb).flavour(FakeJiraServer.Flavour.SERVER)
        .credential("sync-b", "server-pat-0815").start();
  }

  /** The service over both sites, its store the in-memory H2 database {@link #db}. */
  private SyncService open(FakeJiraServer cloud, FakeJiraServer server) throws Exception {
    return open(cloud, server.url());
  }

  private SyncService open(FakeJiraServer cloud, URI server) throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(cloud.url(), server, "PA", """
        "pollInterval": "PT24H",
        "store": {"jdbcUrl": "%s"},""".formatted(db)));
    ServiceConfig config = ServiceConfig.read(file, Map.of("JIRA_A_EMAIL",
        "sync-a@example.com", "JIRA_A_TOKEN", "cloud-token-4711", "JIRA_B_TOKEN",
        "server-pat-0815"));
    return SyncService.open(config, Sites.connect(config, registry), registry);
  }

  private static void sql(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** How long a stop given 2 s takes, run on a thread of its own (waited for at most 30 s). */
  private static Duration timedStop(SyncService service) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      service.stop(Duration.ofSeconds(2));
      return Duration.ofNanos(System.nanoTime() - start);
    }).get(30, TimeUnit.SECONDS);
  }
}
