package org.backbonesync.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.transport.MessageTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one poll that finds 10 changed issues (their messages built and delivered), with
 * 1,000 and with 100,000 synced pairs in the store: it must not grow with the pairs (target:
 * within 1.5x). Report {@code poll[pairs=100000] / poll[pairs=1000]} from the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class ScaleBenchmark {
  @Param({"1000", "100000"})
  public int pairs;

  private SyncEngine engine;

  @Setup
  public void setUp() {
    SyncConfiguration.Builder config = SyncConfiguration.builder("bench")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"));
    for (String f : StubTracker.FIELDS) {
      config.fieldMapping(FieldMapping.passthrough("m-" + f, f, Direction.BOTH));
    }
    InMemoryStores stores = filled(pairs);
    MessageTransport acksAll = messages -> {
      Set<String> ids = new HashSet<>();
      for (SyncMessage m : messages) {
        ids.add(m.messageId());
      }
      return ids;
    };
    engine = SyncEngine.builder()
        .configuration(config.build())
        .tracker("PA", new StubTracker("PA", 10))
        .transport("PA", acksAll)
        .stores(stores)
        .clock(Clock.systemUTC())
        .fieldMappingRegistry(FieldMappingRegistry.builtIns())
        .build();
  }

  /** Stores holding {@code count} synced pairs of PA, each with five last synced values. */
  static InMemoryStores filled(int count) {
    InMemoryStores stores = new InMemoryStores();
    JsonNodeFactory json = JsonNodeFactory.instance;
    for (int i = 1; i <= count; i++) {
      SyncInfo row = stores.syncInfo().insert(new SyncInfo(0, "PA", "PA-" + i, "PB-" + i,
          1, 1, 1, 1, 1, 1, false));
      stores.syncInfo().putSyncedValues(row.id(), Map.of(
          "m-summary", json.textNode("summary of " + i),
          "m-description", json.textNode("a description of issue " + i),
          "m-priority", json.textNode("High"),
          "m-labels", json.arrayNode().add("hardware"),
          "m-assignee", json.textNode("alice")));
    }
    return stores;
  }

  /** One poll with 10 changed issues, and the delivery of their messages. */
  @Benchmark
  public int poll() {
    return engine.poll("PA").messagesQueued() + engine.deliver("PA");
  }
}
