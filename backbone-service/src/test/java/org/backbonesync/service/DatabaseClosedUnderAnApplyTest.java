package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by an outside tester: a SIGTERM during {@code --once} failed a message for good. H2's own
 * shutdown hook closes the database at the JVM's exit, pausing every session: the commit of a
 * prompted apply that had just created PB's issue failed with H2's 90135 ("The database is open in
 * exclusive mode"), which counted as the message's failure (failed for an admin, listed by
 * {@code GET .../failedMessages} after the restart, {@code /health} green). The store being
 * unavailable is not the message's failure: it stays queued and the next apply takes it.
 */
class DatabaseClosedUnderAnApplyTest {
  private static final String PREFIX = "jdbc:exclusive:";

  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final ManualScheduler prompts = new ManualScheduler(Clock.systemUTC());
  private final ExclusiveDriver driver = new ExclusiveDriver();
  private SyncService service;

  @BeforeEach
  void register() throws SQLException {
    DriverManager.registerDriver(driver);
  }

  @AfterEach
  void close() throws SQLException {
    if (service != null) {
      service.stop(Duration.ofSeconds(5));
    }
    sites.close();
    DriverManager.deregisterDriver(driver);
  }

  @Test
  void aPromptedApplyWhoseCommitMeetsTheDatabaseClosingLeavesItsMessageQueued()
      throws Exception {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, TwoSitesFile.json(sites.cloud.url(), sites.server.url(), "PA", """
        "pollInterval": "PT24H",
        "store": {"jdbcUrl": "%sjdbc:h2:mem:closing-%s;DB_CLOSE_DELAY=-1"},"""
        .formatted(PREFIX, UUID.randomUUID())));
    ServiceConfig config = ServiceConfig.read(file, TwoSitesFile.ENVIRONMENT);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    service = SyncService.open(config, Sites.connect(config, registry), registry, prompts);
    SyncEngine engine = service.running().get(0).engine;
    sites.pa.as("alice").create("Printer on fire");
    engine.poll("PA"); // PA-1's message to PB's inbox; PB's apply prompted

    // H2's exit hook pauses the sessions just as the apply that created PB-1 commits
    driver.failCommitsOnceThere(() -> sites.pb.issue("PB-1").isPresent());
    prompts.runDue();

    assertEquals(1, driver.failed.get(), "the apply met the database closing");
    assertEquals(0, engine.failedMessages("PB").size(),
        "not failed for an admin: " + engine.failedMessages("PB"));
    assertEquals(1, service.queued("PB"), "PA-1's message waits in PB's inbox");

    service.round(); // the next start's apply (the database open again)
    assertEquals(0, service.queued("PB"));
    assertEquals(0, engine.failedMessages("PB").size());
    assertTrue(sites.pb.issue("PB-1").isPresent());
    assertTrue(sites.pb.issue("PB-2").isEmpty(), "PB-1 found by its origin marker, not made again");
  }

  /**
   * Over H2: once its condition holds, the commits of the connections fail as H2 fails those of
   * a session its closing paused, for as many commits as the engine tries for one outcome.
   */
  private static final class ExclusiveDriver extends H2Interposer {
    /** Commits that failed. */
    final AtomicInteger failed = new AtomicInteger();
    private volatile BooleanSupplier when = () -> false;
    private volatile boolean done;

    ExclusiveDriver() {
      super(PREFIX);
    }

    void failCommitsOnceThere(BooleanSupplier condition) {
      when = condition;
    }

    @Override
    void before(Connection h2, String method, Object[] args) throws SQLException {
      if (method.equals("commit") && !done && when.getAsBoolean()) {
        failed.incrementAndGet();
        done = true;
        h2.rollback();
        throw new SQLException("The database is open in exclusive mode; can not open"
            + " additional connections [90135-232]", "90135", 90135);
      }
    }
  }
}
