package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step the engines prompt (here the apply on arrival of PA-1's message) holds the steps' lock
 * as a periodic step does, so the stop closes the stores only after it, whatever scheduler runs
 * it: before, the stop waited for the service's own prompt pool to end (within its time) but a
 * prompted step on another scheduler had the stores closed under it, and what it had done on
 * the site (PB-1 made) was not recorded.
 */
class StopWaitsForAPromptedStepTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final ManualScheduler prompts = new ManualScheduler(Clock.systemUTC());
  private HoldingProxy slowCreate;

  @AfterEach
  void close() {
    slowCreate.close();
    sites.close();
  }

  @Test
  void theStopWaitsForAPromptedApplyBeforeItClosesTheStores() throws Exception {
    slowCreate = new HoldingProxy(sites.server.url(),
        request -> request.startsWith("/rest/api/2/issue?"));
    ServiceConfig config = TwoSitesFile.dailyPolls(dir, sites.cloud.url(), slowCreate.url());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SyncService service = SyncService.open(config, Sites.connect(config, registry), registry,
        prompts);
    sites.pa.as("alice").create("Printer on fire");
    service.running().get(0).engine.poll("PA"); // PA-1's message to PB; PB's apply prompted
    Thread prompted = new Thread(prompts::runDue, "backbone-prompt-1");
    prompted.start();
    await("PB's create held", () -> slowCreate.holding() == 1);

    Thread hook = new Thread(() -> service.stop(WITHIN), "backbone-stop"); // SIGTERM
    hook.start();
    await("the stop at the stores", () -> service.stopWaitsForAStep()
        || service.phase() == SyncService.Phase.STOPPED);
    slowCreate.release(); // PB-1 is made: the apply records it, then ends
    hook.join();
    prompted.join();

    assertEquals(SyncService.Phase.STOPPED, service.phase());
    assertTrue(sites.pb.issue("PB-1").isPresent());
    try (JdbcStores stores = JdbcStores.inDirectory(config.store().directory())) {
      assertEquals(0, stores.messages().incomingCount("PB"), "PA-1's message applied");
      assertEquals("PB-1", stores.syncInfo().findByRemoteKey("PB", "PA-1").orElseThrow()
          .localIssueKey(), "PB-1 paired with PA-1");
    }
  }

  /** Waits for what other threads do, looking every few milliseconds, at most {@link #WITHIN}. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WITHIN + ": " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }
}
