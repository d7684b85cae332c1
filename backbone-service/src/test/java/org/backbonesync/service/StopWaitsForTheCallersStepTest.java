package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.backbonesync.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --once} runs its rounds on the main thread, not on a scheduler, and its SIGTERM stops
 * the service from a shutdown hook: the stop waits for the main thread's step (within its
 * time) before it closes the stores, as it waits for the schedulers' steps. Before, it closed
 * the stores under the step: what the page it was reading made was not kept (the store closed;
 * the next start reads the page again).
 */
class StopWaitsForTheCallersStepTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private HoldingProxy slowSearch;

  @AfterEach
  void close() {
    slowSearch.close();
    sites.close();
  }

  @Test
  void theStopWaitsForTheStepOnTheMainThreadBeforeItClosesTheStores() throws Exception {
    slowSearch = new HoldingProxy(sites.cloud.url(),
        request -> request.contains("/search") && request.contains("ORDER BY updated"));
    ServiceConfig config = TwoSitesFile.dailyPolls(dir, slowSearch.url(), sites.server.url());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SyncService service = SyncService.open(config, Sites.connect(config, registry), registry);
    sites.pa.as("alice").create("Printer on fire");
    Thread main = new Thread(service::round, "main of --once");
    main.start();
    await("PA's poll held at its search", () -> slowSearch.holding() == 1);

    Thread hook = new Thread(() -> service.stop(WITHIN), "backbone-stop"); // SIGTERM
    hook.start();
    await("the stop at the stores", () -> service.stopWaitsForAStep()
        || service.phase() == SyncService.Phase.STOPPED);
    slowSearch.release(); // the page comes: the step ends after it
    hook.join();
    main.join();

    assertEquals(SyncService.Phase.STOPPED, service.phase());
    try (JdbcStores stores = JdbcStores.inDirectory(config.store().directory())) {
      assertEquals(1, stores.messages().incomingCount("PB") + stores.messages()
          .outgoingCount("PA"), "PA-1's message, from the page the step read, is kept");
    }
  }

  /**
   * A step that outlasts the stop's time (a site slower than the 20 s, here a stop given none)
   * has the stores closed under it; {@code --once}'s loop then looked between rounds at the
   * queues of the store the stop had closed, and the run ended with the store's failure ({@code
   * JdbcStores[...] is closed}), an ERROR "the service failed" after a clean stop's lines. Now
   * the look holds the steps' lock and sees the stop: the run ends quietly.
   */
  @Test
  void aRunWhoseStepOutlastsTheStopEndsQuietlyAfterIt() throws Exception {
    AtomicReference<SyncService> opened = new AtomicReference<>();
    slowSearch = new HoldingProxy(sites.cloud.url(), request -> request.contains("/search")
        && request.contains("ORDER BY updated") && opened.get().total("backbone.polls") >= 2);
    ServiceConfig config = TwoSitesFile.dailyPolls(dir, slowSearch.url(), sites.server.url());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SyncService service = SyncService.open(config, Sites.connect(config, registry), registry);
    opened.set(service);
    FutureTask<Long> once = new FutureTask<>(service::runUntilQuiet);
    new Thread(once, "main of --once").start();
    await("PA's poll of the second round held at its search", () -> slowSearch.holding() == 1);

    service.stop(Duration.ZERO); // SIGTERM's hook: its time is out before the step ends
    slowSearch.release(); // the page comes: the step ends, its round is idle, the loop looks

    assertEquals(0L, once.get(WITHIN.toSeconds(), TimeUnit.SECONDS), "ended quietly");
    assertEquals(SyncService.Phase.STOPPED, service.phase());
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
