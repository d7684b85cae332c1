package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.backbonesync.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Found by an operator's trial on PostgreSQL (helper h194): while the database refused the
 * service's role (a connection limit of 0, a rotated password), a round of the steps took 95 s
 * where it failed twice: each connector's poll waited 30 s for a connection and failed, one WARN
 * line each, and then the backlog count for {@code /metrics} waited 30 s more for the store the
 * round had just found gone, at DEBUG only, before the round's next try could begin. A round
 * whose step found the store unavailable now ends there, its connectors all told the failure,
 * and leaves the backlog gauges unknown (NaN) without asking it.
 */
class StoreDownRoundTest {
  private static final String PREFIX = "jdbc:down:";

  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DownDriver driver = new DownDriver();
  private SyncService service;

  @BeforeEach
  void register() throws SQLException {
    DriverManager.registerDriver(driver);
  }

  @AfterEach
  void close() throws SQLException {
    driver.down = false;
    if (service != null) {
      service.stop(Duration.ofSeconds(5));
    }
    sites.close();
    DriverManager.deregisterDriver(driver);
  }

  @Test
  void aRoundThatFoundTheStoreGoneDoesNotAskItAgainToCountTheBacklog() throws Exception {
    open();
    sites.pa.as("alice").create("Printer on fire");
    service.round(); // PA-1 copied; the backlog counted
    String outboxA = "backbone_outbox_messages{connector=\"PA\",synchronization=\"pa-pb\"} ";
    assertTrue(registry.scrape().contains(outboxA + "0.0"), registry.scrape());

    driver.down = true;
    List<ILoggingEvent> failed = linesOf(SyncService.class.getName(), () -> service.round());

    assertEquals(1, failed.stream().filter(e -> e.getLevel() == Level.WARN).count(),
        "one step failed, and the round's others were not tried: " + failed);
    assertTrue(failed.get(0).getFormattedMessage().contains("(the round's other steps are"
        + " skipped: the store is unavailable)"), failed.get(0).getFormattedMessage());
    assertEquals(List.of(), driver.countsAskedWhileDown(),
        "the round's steps found the store gone; the count asked it again");
    assertTrue(registry.scrape().contains(outboxA + "NaN"), registry.scrape());
    assertTrue(registry.scrape().contains(
        "backbone_connector_healthy{connector=\"PA\",synchronization=\"pa-pb\"} 0.0"),
        registry.scrape());
    assertTrue(registry.scrape().contains(
        "backbone_connector_healthy{connector=\"PB\",synchronization=\"pa-pb\"} 0.0"),
        registry.scrape());
    assertTrue(registry.scrape().contains(
        "backbone_steps_failed_total{connector=\"PA\",synchronization=\"pa-pb\"} 1.0"),
        registry.scrape());
    assertTrue(registry.scrape().contains( // (skipped, not failed)
        "backbone_steps_failed_total{connector=\"PB\",synchronization=\"pa-pb\"} 0.0"),
        registry.scrape());

    driver.down = false;
    service.round();
    assertTrue(registry.scrape().contains(outboxA + "0.0"), registry.scrape());
  }

  /**
   * From the same trial: the trace's write, failing for the same outage, logged a stack trace
   * where the steps' failures are one line each. It is one line too, naming the cause.
   */
  @Test
  void theTracesWriteDuringAnOutageIsOneLine() throws Exception {
    open();
    sites.pa.as("alice").create("Printer on fire");
    service.round(); // (its steps' entries are young: held for the next write)
    driver.down = true;
    List<ILoggingEvent> lines = linesOf("org.backbonesync.core.internal.TraceRecorder", () -> {
      service.stop(Duration.ofSeconds(5)); // (the close writes what the trace held)
      service = null;
    });

    List<ILoggingEvent> warned = lines.stream()
        .filter(e -> e.getLevel() == Level.WARN).toList();
    assertTrue(!warned.isEmpty(), "the trace's write failed and said so");
    for (ILoggingEvent line : warned) {
      assertTrue(line.getFormattedMessage().contains("the store is unavailable"),
          line.getFormattedMessage());
      assertEquals(null, line.getThrowableProxy(), line.getFormattedMessage());
    }
  }

  /** The lines the named logger logged while {@code work} ran. */
  private static List<ILoggingEvent> linesOf(String name, Runnable work) {
    Logger logger = (Logger) LoggerFactory.getLogger(name);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      work.run();
    } finally {
      logger.detachAppender(lines);
    }
    return lines.list;
  }

  private void open() throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(sites.cloud.url(), sites.server.url(), "PA", """
        "pollInterval": "PT24H",
        "store": {"jdbcUrl": "%sjdbc:h2:mem:down-%s;DB_CLOSE_DELAY=-1"},"""
        .formatted(PREFIX, UUID.randomUUID())));
    ServiceConfig config = ServiceConfig.read(file, TwoSitesFile.ENVIRONMENT);
    service = SyncService.open(config, Sites.connect(config, registry), registry,
        new ManualScheduler(Clock.systemUTC()));
  }

  /**
   * Over H2: while {@link #down}, every statement is refused as PostgreSQL refuses one on a
   * connection it ended (57P01, a restart or {@code pg_terminate_backend}), and the statements
   * asked for are kept.
   */
  private static final class DownDriver extends H2Interposer {
    volatile boolean down;
    private final List<String> askedWhileDown = new CopyOnWriteArrayList<>();

    DownDriver() {
      super(PREFIX);
    }

    /** The backlog counts asked for while down. */
    List<String> countsAskedWhileDown() {
      return askedWhileDown.stream()
          .filter(sql -> sql.matches("SELECT COUNT\\(\\*\\) FROM bb_(outbox|inbox) WHERE"
              + " connector_key = \\?"))
          .toList();
    }

    @Override
    void before(Connection h2, String method, Object[] args) throws SQLException {
      if (down && method.matches("prepareStatement|createStatement|prepareCall")) {
        askedWhileDown.add(args != null && args.length > 0 ? String.valueOf(args[0]) : "");
        throw new SQLException("FATAL: terminating connection due to administrator command",
            "57P01");
      }
    }
  }
}
