package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.RecordingListener.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** Several engine nodes on one database share the queues; no message is applied twice. */
class MultiNodeTest {
  @TempDir Path dir;

  private final ManualClock clock = ManualClock.startingAt2026();
  private final InMemoryIssueTracker pa =
      InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
  private final InMemoryIssueTracker pb =
      InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();
  private final RecordingListener events = new RecordingListener();

  private SyncEngine node(String name, Stores stores) {
    return node(name, stores, Duration.ZERO);
  }

  /** A node whose clock is {@code skew} off the trackers' (and the other nodes'). */
  private SyncEngine node(String name, Stores stores, Duration skew) {
    return SyncEngine.builder()
        .configuration(SyncConfiguration.builder("cluster")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
            .build())
        .tracker("PA", pa)
        .tracker("PB", pb)
        .stores(stores)
        .clock(Clock.offset(clock, skew))
        .listener(events)
        .node(name, Duration.ofMinutes(1))
        .build();
  }

  private void threeNodesShareTheWork(Supplier<Stores> database) throws Exception {
    // the nodes' clocks 3 s apart either way: leases, stale-snapshot stamps and due times hold
    List<SyncEngine> nodes = List.of(node("node-1", database.get()),
        node("node-2", database.get(), Duration.ofSeconds(-3)),
        node("node-3", database.get(), Duration.ofSeconds(3)));
    for (int i = 0; i < 30; i++) {
      pa.as("alice").create("issue " + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (SyncEngine node : nodes) {
        runs.add(pool.submit(() -> {
          for (int round = 0; round < 40; round++) {
            node.runOnce();
          }
          return null;
        }));
      }
      for (int i = 0; i < 30; i += 3) {
        pa.as("alice").edit("PA-" + (i + 1), "summary", "edited " + i);
      }
      for (Future<?> run : runs) {
        run.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    // Work a race deferred (a retry after a backoff, a lease to expire) becomes due.
    Stores check = database.get();
    for (int round = 0; round < 30; round++) {
      clock.advance(Duration.ofMinutes(2));
      nodes.get(0).runOnce();
      if (round >= 4 && check.messages().outgoingCount("PA") + check.messages().outgoingCount("PB")
          + check.messages().incomingCount("PA") + check.messages().incomingCount("PB") == 0) {
        break;
      }
    }

    Set<String> applied = new HashSet<>();
    for (RecordingListener.Event e : events.events(Type.APPLIED)) {
      String id = e.connectorKey() + " " + e.message().sourceIssueKey() + " #"
          + e.message().sequenceId();
      assertTrue(applied.add(id), "applied twice: " + id);
    }
    assertEquals(30, pb.allIssues().size(), "every issue created once");
    Stores any = database.get();
    for (int i = 1; i <= 30; i++) {
      String partner = any.syncInfo().findByLocalKey("PA", "PA-" + i).orElseThrow()
          .remoteIssueKey();
      assertEquals(pa.value("PA-" + i, "summary"), pb.value(partner, "summary"));
    }
  }

  @Test
  void threeNodesOnH2ShareTheQueues() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("cluster") + ";LOCK_TIMEOUT=10000";
    threeNodesShareTheWork(() -> JdbcStores.atUrl(url, null, null));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void threeNodesOnPostgresShareTheQueues() throws Exception {
    String url = PostgresStoresTest.freshSchemaUrl();
    threeNodesShareTheWork(() -> JdbcStores.atUrl(url, null, null));
  }

  @Test
  void aDeadNodesClaimPassesToTheOthersWhenItsLeaseExpires() {
    Stores stores = JdbcStores.inDirectory(dir);
    SyncEngine alive = node("node-2", stores);
    pa.as("alice").create("Printer on fire");
    alive.poll("PA");
    alive.deliver("PA");
    // node-1 claimed PA-1's incoming messages, then died.
    assertTrue(stores.leases().tryLease("inbox:PB", "PA-1", "node-1", clock.millis(),
        clock.millis() + 60_000));

    alive.apply("PB");
    assertEquals(0, pb.allIssues().size(), "held by the dead node");

    clock.advance(Duration.ofMinutes(1).plusMillis(1));
    alive.apply("PB");
    assertEquals(1, pb.allIssues().size(), "taken over after the lease expired");
  }
}
