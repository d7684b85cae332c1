package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.RecordingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Group commit on two nodes: node-1's poll of PB writes the page's advances (lastChangeSeen of rows
 * whose only news is the sync user's echo: rows it does not claim) in its page transaction,
 * while node-2's apply on PB records a round of pairs in one transaction, locking their rows one
 * after another. Before group commit an apply's transaction held one row; now it holds several,
 * so the two transactions can wait for each other in a circle.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class GroupCommitDeadlockTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final InMemoryIssueTracker pa =
      InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
  private final InMemoryIssueTracker pb =
      InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();
  private final RecordingListener events = new RecordingListener();
  private final List<Throwable> groupFailures = new CopyOnWriteArrayList<>();

  private final AtomicBoolean armed = new AtomicBoolean();
  private volatile CountDownLatch pollHolds;
  private volatile CountDownLatch applyHolds;
  private final AtomicBoolean pollFirst = new AtomicBoolean(true);
  private final AtomicBoolean applyFirst = new AtomicBoolean(true);
  private volatile long pollHeld = -1;
  private volatile long applyHeld = -1;

  private SyncEngine node(String name, Stores stores) {
    return SyncEngine.builder()
        .configuration(SyncConfiguration.builder("cluster")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
            .build())
        .tracker("PA", pa)
        .tracker("PB", pb)
        .stores(stores)
        .clock(clock)
        .listener(events)
        .node(name, Duration.ofMinutes(1))
        .build();
  }

  /** node-1: holds its first advanced row until node-2's apply holds one. */
  private Stores poller(Stores real) {
    return wrap(real, true);
  }

  private Stores applier(Stores real) {
    return wrap(real, false);
  }

  private Stores wrap(Stores real, boolean poll) {
    return new ForwardingStores(real) {
      @Override
      public <T> T inTransaction(Supplier<T> work) {
        try {
          return super.inTransaction(work);
        } catch (RuntimeException e) {
          if (armed.get()) {
            groupFailures.add(e);
          }
          throw e;
        }
      }

      @Override
      public SyncInfoStore syncInfo() {
        SyncInfoStore store = super.syncInfo();
        return (SyncInfoStore) Proxy.newProxyInstance(SyncInfoStore.class.getClassLoader(),
            new Class<?>[] {SyncInfoStore.class}, (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (armed.get() && poll && method.getName().equals("advanceLastChangeSeen")
                  && pollFirst.compareAndSet(true, false)) {
                pollHeld = (Long) args[1];
                pollHolds.countDown();
                applyHolds.await(10, TimeUnit.SECONDS);
              }
              if (armed.get() && !poll && method.getName().equals("findByIdForUpdate")
                  && applyFirst.compareAndSet(true, false)) {
                applyHeld = (Long) args[1];
                applyHolds.countDown();
                // (both now hold a row: whichever goes on first, rows taken in two orders
                // would cross, so no pause is needed to make them meet)
                pollHolds.await(10, TimeUnit.SECONDS);
              }
              return result;
            });
      }
    };
  }

  private void settle(SyncEngine node) {
    for (int r = 0; r < 6; r++) {
      clock.advance(Duration.ofSeconds(5));
      node.runOnce();
    }
  }

  @Test
  void aPollsPageAndAnApplysRoundDoNotDeadlock() throws Exception {
    String url = PostgresStoresTest.freshSchemaUrl();
    SyncEngine one = node("node-1", poller(JdbcStores.atUrl(url, null, null)));
    SyncEngine two = node("node-2", applier(JdbcStores.atUrl(url, null, null)));
    // (PA-10's rows are made after PA-9's, but an apply takes "PA-10" before "PA-2": its heads
    // come in source key order)
    for (int i = 1; i <= 9; i++) {
      pa.as("alice").create("issue " + i);
    }
    settle(one);
    pa.as("alice").create("issue 10");
    settle(one);
    // Each attempt edits another set of pairs: the poll's advances go in Map.copyOf order
    // (random per JVM and key set), the apply's in source key order; when both start with the
    // same row they cannot cross, so another attempt is made.
    for (int first = 1; first <= 6 && groupFailures.isEmpty(); first++) {
      race(one, two, first);
    }
    groupFailures.forEach(Throwable::printStackTrace);
    // (the engine recovers: the transaction PostgreSQL aborted is written again alone, or its
    // page's issues are examined next poll; the deadlock costs a deadlock_timeout)
    for (int r = 0; r < 4; r++) {
      clock.advance(Duration.ofSeconds(30));
      one.runOnce();
    }
    assertEquals("second 10", pb.value("PB-10", "summary").asText());
    assertEquals(List.of(), groupFailures.stream().map(Throwable::toString).toList(),
        "transactions that failed while the poll's page and the apply's round ran together");
  }

  private void race(SyncEngine one, SyncEngine two, int first) throws Exception {
    // A change each, applied on PB (the sync user's echo for PB's next poll)...
    clock.advance(Duration.ofSeconds(5));
    for (int i = first; i <= 10; i++) {
      pa.as("alice").edit("PA-" + i, "summary", "first " + i);
    }
    one.poll("PA");
    one.deliver("PA");
    one.apply("PB");
    // ... and another each, queued at PB while PB's poll sees the echoes.
    clock.advance(Duration.ofSeconds(5));
    for (int i = first; i <= 10; i++) {
      pa.as("alice").edit("PA-" + i, "summary", "second " + i);
    }
    one.poll("PA");
    one.deliver("PA");
    clock.advance(Duration.ofSeconds(5));

    pollHolds = new CountDownLatch(1);
    applyHolds = new CountDownLatch(1);
    pollFirst.set(true);
    applyFirst.set(true);
    armed.set(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> poll = pool.submit(() -> one.poll("PB"));
      Future<?> apply = pool.submit(() -> two.apply("PB"));
      poll.get(1, TimeUnit.MINUTES);
      apply.get(1, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
      armed.set(false);
    }
    System.err.println("attempt " + first + ": poll held row " + pollHeld + ", apply held row "
        + applyHeld);
  }
}
