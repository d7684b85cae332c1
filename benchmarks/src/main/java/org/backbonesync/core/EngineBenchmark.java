package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine alone, per message: a changed issue's changelog read, five outgoing mappings run,
 * the message built and put in the outbox, delivered in process, its sequence checked, five
 * incoming mappings run and the (no-op) update made, with the sync information committed at each
 * step in the in-memory stores. Trackers are stubs that cost nothing. Two threads, each with its
 * own engine. The floor in the same run is a Jackson round trip of a representative message
 * ({@link #floorJacksonRoundTrip}); report {@code engineMessage / floorJacksonRoundTrip}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// (12 x 2 s: on 2 cores the engine's path takes about 20 s to compile; 3 x 2 s measured the
// climb from about 10,000 to 150,000 ops/s, with allocations not yet eliminated)
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class EngineBenchmark {

  /** One engine between two stub projects, paired on the first message. */
  @State(Scope.Thread)
  public static class Pipeline {
    SyncEngine engine;

    @Setup
    public void setUp() {
      engine = paired(new InMemoryStores(), 20);
    }

    int message() {
      return EngineBenchmark.message(engine);
    }
  }

  /**
   * One engine between two stub projects (PA changes one issue per poll, five fields mapped both
   * ways), its issue sent and paired.
   */
  static SyncEngine paired(Stores stores, int traceLength) {
    SyncConfiguration.Builder config = SyncConfiguration.builder("bench")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"));
    for (String f : StubTracker.FIELDS) {
      config.fieldMapping(FieldMapping.passthrough("m-" + f, f, Direction.BOTH));
    }
    SyncEngine engine = SyncEngine.builder()
        .configuration(config.build())
        .tracker("PA", new StubTracker("PA", 1))
        .tracker("PB", new StubTracker("PB", 0))
        .stores(stores)
        .clock(Clock.systemUTC())
        .fieldMappingRegistry(FieldMappingRegistry.builtIns())
        .traceLength(traceLength)
        .build();
    message(engine); // the create and the pairing
    engine.deliver("PB");
    engine.apply("PA");
    return engine;
  }

  /** One message: PA's change polled, delivered and applied on PB. */
  static int message(SyncEngine engine) {
    engine.poll("PA");
    engine.deliver("PA");
    return engine.apply("PB").size();
  }

  /** The floor: a Jackson tree round trip of a 0.9 KB message. */
  @State(Scope.Thread)
  public static class Floor {
    final ObjectMapper mapper = new ObjectMapper();
    JsonNode tree;

    @Setup
    public void setUp() throws Exception {
      tree = mapper.readTree("{\"formatVersion\":1,\"messageId\":\"PA:PA-1:1:17\","
          + "\"synchronizationId\":\"bench\",\"fromConnector\":\"PA\",\"toConnector\":\"PB\","
          + "\"sourceIssueKey\":\"PA-1\",\"partnerIssueKey\":\"PB-1\",\"sequenceId\":17,"
          + "\"kind\":\"CHANGE\",\"issueType\":\"Task\",\"createdAt\":1700000000017,\"fields\":{"
          + "\"m-summary\":{\"value\":\"Printer on fire #17\",\"changedAt\":1700000000017,"
          + "\"changedBy\":\"alice\"},\"m-description\":{\"value\":\"It smokes after a long print"
          + " job, change 17\",\"changedAt\":1700000000017,\"changedBy\":\"alice\"},"
          + "\"m-priority\":{\"value\":\"Low\",\"changedAt\":1700000000017,\"changedBy\":"
          + "\"alice\"},\"m-labels\":{\"value\":[\"hardware\",\"t17\"],\"changedAt\":"
          + "1700000000017,\"changedBy\":\"alice\"},\"m-assignee\":{\"value\":\"bob\","
          + "\"changedAt\":1700000000017,\"changedBy\":\"alice\"}},\"seenSequenceId\":1}");
    }
  }

  /** One message through the whole engine. */
  @Benchmark
  public int engineMessage(Pipeline p) {
    return p.message();
  }

  /** The floor, in the same run. */
  @Benchmark
  public JsonNode floorJacksonRoundTrip(Floor f) throws Exception {
    return f.mapper.readTree(f.mapper.writeValueAsBytes(f.tree));
  }
}
