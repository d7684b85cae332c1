package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by an operator's trial (helper h199): with a table of the store locked by hand under
 * load, {@code /health} stayed 200 for 63 s with nothing in the log or {@code /metrics} but a
 * {@code lastSuccess} standing still, until the lock timeout failed the step; the connector
 * whose step waited behind it in the round stayed healthy throughout. A round that waits now
 * shows while it waits: {@code /health} gives when the synchronization's running round began
 * ({@code roundSince}) and {@code /metrics} how long it has taken so far
 * ({@code backbone_round_seconds}), for an alert on a round that takes too long.
 */
class StuckRoundTest {
  private static final String PREFIX = "jdbc:stuck:";
  private static final Pattern ROUND_SECONDS =
      Pattern.compile("backbone_round_seconds\\{synchronization=\"pa-pb\"} (\\S+)");

  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HoldDriver driver = new HoldDriver();
  private final HttpClient http = HttpClient.newHttpClient();
  private SyncService service;
  private HttpFront front;

  @BeforeEach
  void register() throws SQLException {
    DriverManager.registerDriver(driver);
  }

  @AfterEach
  void close() throws SQLException {
    driver.release.countDown();
    if (front != null) {
      front.stop();
    }
    if (service != null) {
      service.stop(Duration.ofSeconds(5));
    }
    sites.close();
    DriverManager.deregisterDriver(driver);
  }

  @Test
  void aRoundWaitingOnTheStoreShowsInHealthAndMetricsWhileItWaits() throws Exception {
    open();
    sites.pa.as("alice").create("Printer on fire");
    service.round(); // PA-1 copied
    assertTrue(health().contains("\"roundSince\":null"), health());
    assertEquals(0.0, roundSeconds());

    driver.holding = true;
    CompletableFuture<Void> round = CompletableFuture.runAsync(service::round);
    assertTrue(driver.held.await(30, TimeUnit.SECONDS), "the round met the store");
    String waiting = health();
    double seconds = roundSeconds();
    driver.release.countDown();
    round.get(30, TimeUnit.SECONDS);

    assertTrue(waiting.matches(".*\"id\":\"pa-pb\",\"state\":\"[A-Z]+\",\"roundSince\":"
        + "\"20\\d\\d-\\d\\d-\\d\\dT[^\"]+Z\",\"connectors\".*"), waiting);
    assertTrue(seconds > 0, "backbone_round_seconds while the round waited: " + seconds);
    assertTrue(health().contains("\"roundSince\":null"), health());
    assertEquals(0.0, roundSeconds());
  }

  private String health() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port()
        + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private double roundSeconds() {
    Matcher m = ROUND_SECONDS.matcher(registry.scrape());
    assertTrue(m.find(), registry.scrape());
    return Double.parseDouble(m.group(1));
  }

  private void open() throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(sites.cloud.url(), sites.server.url(), "PA", """
        "pollInterval": "PT24H",
        "server": {"port": 0},
        "store": {"jdbcUrl": "%sjdbc:h2:mem:stuck-%s;DB_CLOSE_DELAY=-1"},"""
        .formatted(PREFIX, UUID.randomUUID())));
    ServiceConfig config = ServiceConfig.read(file, TwoSitesFile.ENVIRONMENT);
    Sites connected = Sites.connect(config, registry);
    service = SyncService.open(config, connected, registry,
        new ManualScheduler(Clock.systemUTC()));
    front = HttpFront.start(config.server(), service, connected);
  }

  /**
   * Over H2: once {@link #holding}, the first statement asked for waits until {@link #release}
   * (a lock held by someone else), after telling {@link #held}.
   */
  private static final class HoldDriver extends H2Interposer {
    volatile boolean holding;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HoldDriver() {
      super(PREFIX);
    }

    @Override
    void before(Connection h2, String method, Object[] args) throws SQLException {
      if (holding && method.equals("prepareStatement")) {
        held.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while held", "57014");
        }
      }
    }
  }
}
