package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An engine started with {@code start()} runs its steps itself, as it runs the steps it prompts:
 * a host without the service (which runs its own steps) hears of a failed one through {@code
 * stepFailed} too, once per failed step, to judge the connector's health. Before, only the
 * prompted steps' failures were told; a site answering 503 at every periodic poll left the
 * listener silent (a WARN in the log only).
 */
class PeriodicRunFailureTest {
  private static final RetriableException SITE_DOWN =
      new RetriableException("GET /rest/api/3/search/jql answered 503", null);

  /** A scheduler that runs the periodic run when the test says, on the test's thread. */
  private static final class HeldScheduler extends ScheduledThreadPoolExecutor {
    final List<Runnable> periodic = new CopyOnWriteArrayList<>();

    HeldScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable run, long delay, long period,
        TimeUnit unit) {
      periodic.add(run);
      return schedule(() -> { }, 1, TimeUnit.DAYS);
    }
  }

  private record Failed(String connectorKey, String step, RuntimeException failure) {}

  private final List<Failed> failed = new CopyOnWriteArrayList<>();
  private final HeldScheduler scheduler = new HeldScheduler();
  private SyncEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    scheduler.shutdownNow();
  }

  /** PA's site answers every search with 503; PB's has nothing to say (its search: no page). */
  private SyncEngine engine() {
    SyncConfiguration config = SyncConfiguration.builder("pa-pb")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
        .build();
    engine = SyncEngine.builder().configuration(config).stores(new InMemoryStores())
        .tracker("PA", site("PA", true)).tracker("PB", site("PB", false))
        .scheduler(scheduler)
        .listener(new SyncListener() {
          @Override
          public void stepFailed(String connectorKey, String step, RuntimeException failure) {
            failed.add(new Failed(connectorKey, step, failure));
          }
        })
        .build();
    return engine;
  }

  /** A site with a summary field: its searches fail with {@link #SITE_DOWN} when {@code down}. */
  private static IssueTracker site(String projectKey, boolean down) {
    return mock(IssueTracker.class, withSettings().defaultAnswer(call ->
        switch (call.getMethod().getName()) {
          case "projectKeys" -> List.of(projectKey);
          case "fields" -> List.of(FieldSchema.system("summary", "Summary", "string"));
          case "findUpdatedSince" -> {
            if (down) {
              throw SITE_DOWN;
            }
            yield new ChangePage(List.of(), null);
          }
          default -> org.mockito.Mockito.RETURNS_DEFAULTS.answer(call);
        }));
  }

  @Test
  void aPeriodicPollThatFailsIsToldToTheListenerOnce() {
    engine().start();

    scheduler.periodic.get(0).run(); // the first periodic run

    assertEquals(1, failed.size(), failed.toString());
    assertEquals("PA", failed.get(0).connectorKey());
    assertEquals("periodic poll", failed.get(0).step());
    assertSame(SITE_DOWN, failed.get(0).failure());

    scheduler.periodic.get(0).run(); // and the next, still down

    assertEquals(2, failed.size(), "one per failed run: " + failed);
  }

  @Test
  void aHostsOwnRunOnceIsThrownItsFailureNotToldIt() {
    SyncEngine engine = engine();

    assertSame(SITE_DOWN, assertThrows(RetriableException.class, engine::runOnce));
    assertEquals(List.of(), failed);
  }

  @Test
  void aRunEndedByTheCloseIsNoFailure() {
    engine().start();
    engine.close();

    scheduler.periodic.get(0).run(); // (a run the close cancelled, started before it)

    assertEquals(List.of(), failed);
  }
}
