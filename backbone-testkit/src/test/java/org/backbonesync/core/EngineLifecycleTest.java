package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** The engine runs by itself once started, and a host's listener cannot break it. */
class EngineLifecycleTest {

  @Test
  void aStartedEngineSyncsOnItsSchedulerUntilClosed() throws InterruptedException {
    ManualClock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
    InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();
    CountDownLatch appliedInPb = new CountDownLatch(1);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      SyncEngine engine = SyncEngine.builder()
          .configuration(SyncConfiguration.builder("s")
              .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
              .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
              .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
              .build())
          .tracker("PA", pa)
          .tracker("PB", pb)
          .stores(new InMemoryStores())
          .clock(clock)
          .scheduler(scheduler)
          .pollInterval(Duration.ofMillis(10))
          .listener(new SyncListener() {
            @Override
            public void applied(String key, SyncMessage m, String local, boolean created) {
              if (key.equals("PB")) {
                appliedInPb.countDown();
              }
            }
          })
          .build();
      pa.as("alice").create("Printer on fire");

      engine.start();
      assertEquals(EngineState.RUNNING, engine.state());
      assertTrue(appliedInPb.await(10, TimeUnit.SECONDS), "PB-1 not created by the running engine");

      engine.close();
      assertEquals(EngineState.CLOSED, engine.state());
      assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());
      assertThrows(IllegalStateException.class, () -> engine.poll("PA"));
      assertThrows(IllegalStateException.class, engine::start);
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Found by a host: after close() it said "engine is closing" while state() said CLOSED. */
  @Test
  void startAfterCloseNamesTheStateTheEngineIsIn() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.engine().close();

    var e = assertThrows(IllegalStateException.class, () -> sync.engine().start());

    assertEquals(EngineState.CLOSED, sync.engine().state());
    assertEquals("start() needs state NEW, engine is CLOSED", e.getMessage());
  }

  @Test
  void startWithoutASchedulerIsRefused() {
    SyncTestDriver sync = SyncTestDriver.builder().build();

    var e = assertThrows(IllegalStateException.class, () -> sync.engine().start());

    assertEquals("start() needs a scheduler; give one to the builder", e.getMessage());
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheSync() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .listener(new SyncListener() {
          @Override
          public void queued(String connectorKey, SyncMessage message) {
            throw new IllegalStateException("metrics backend down");
          }
        })
        .build();
    sync.a("alice").create("Printer on fire");

    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals(2, sync.events().events(org.backbonesync.testkit.RecordingListener.Type.QUEUED)
        .size(), "the create and the PAIRED answer");
  }

  @Test
  void anUnknownConnectorKeyIsNamed() {
    SyncTestDriver sync = SyncTestDriver.builder().build();

    var e = assertThrows(IllegalArgumentException.class, () -> sync.engine().poll("PX"));

    assertEquals("connector \"PX\" is not local to this engine; local: [PA, PB]", e.getMessage());
  }
}
