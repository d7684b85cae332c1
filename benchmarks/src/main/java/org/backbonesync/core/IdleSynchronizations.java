package org.backbonesync.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;
import org.backbonesync.testkit.ForwardingStores;

/**
 * Many synchronizations on one node, idle: the heap each takes (engine, connectors, mappings;
 * target of the throughput issue: at most 200 KB), and what an idle periodic run costs per
 * synchronization: change searches (target: one per connector) and store writes (target: none
 * when nothing changed), counted by method on every store the engines share. One shared
 * in-memory store, stub trackers that never change. Run: {@code java -cp
 * benchmarks/target/benchmarks.jar org.backbonesync.core.IdleSynchronizations [count]}.
 */
public final class IdleSynchronizations {
  /** Store methods that only read. */
  private static final Set<String> READS = Set.of("attachmentLinks", "commentLinks",
      "dueOutgoing", "failedIncoming", "failedIncomingCount", "find", "findById",
      "findByLocalKey", "findByRemoteKey", "incoming", "incomingCount", "incomingFor", "leases",
      "list", "maxIssueKeyLength", "nextIncoming", "oldestIncoming", "oldestOutgoing",
      "outgoing", "outgoingCount", "pendingChanges", "pendingCreate", "syncedValues",
      "unfinished", "watermark", "isRemembered");

  private IdleSynchronizations() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Map<String, Long> calls = new TreeMap<>();
    Stores stores = counting(new InMemoryStores(), calls);
    List<StubTracker> trackers = new ArrayList<>();
    long before = usedAfterGc();
    List<SyncEngine> engines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      engines.add(engine(i, stores, trackers));
    }
    long after = usedAfterGc();
    engines.forEach(SyncEngine::runOnce); // the first run: watermarks set
    calls.clear();
    trackers.forEach(t -> t.searches = 0);

    engines.forEach(SyncEngine::runOnce);

    long searches = trackers.stream().mapToLong(t -> t.searches).sum();
    long writes = calls.entrySet().stream().filter(e -> !READS.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
    System.out.printf("idle synchronizations: %,d on one node: %.1f KB of heap each (target at"
        + " most 200 KB); an idle run makes %.1f change searches per connector (target 1) and"
        + " %.1f store writes per synchronization (target 0)%n", count,
        (after - before) / 1024.0 / count, searches / (2.0 * count), writes / (double) count);
    calls.forEach((method, n) -> System.out.printf("  %s: %.1f per synchronization%s%n", method,
        n / (double) count, READS.contains(method) ? "" : " (write)"));
  }

  private static SyncEngine engine(int i, Stores stores, List<StubTracker> trackers) {
    String a = "A" + i;
    String b = "B" + i;
    SyncConfiguration.Builder config = SyncConfiguration.builder("sync-" + i)
        .connectorA(ConnectorConfig.of(a, a, "sync-a"))
        .connectorB(ConnectorConfig.of(b, b, "sync-b"));
    for (String f : StubTracker.FIELDS) {
      config.fieldMapping(FieldMapping.passthrough("m-" + f, f, Direction.BOTH));
    }
    StubTracker trackerA = new StubTracker(a, 0);
    StubTracker trackerB = new StubTracker(b, 0);
    trackers.add(trackerA);
    trackers.add(trackerB);
    return SyncEngine.builder().configuration(config.build()).tracker(a, trackerA)
        .tracker(b, trackerB).stores(stores).clock(Clock.systemUTC())
        .fieldMappingRegistry(FieldMappingRegistry.builtIns()).build();
  }

  /** The stores, every call to one of their stores counted by method name. */
  private static Stores counting(Stores real, Map<String, Long> calls) {
    Map<Class<?>, Object> counted = new HashMap<>();
    return new ForwardingStores(real) {
      @Override
      public SyncInfoStore syncInfo() {
        return watched(SyncInfoStore.class, super.syncInfo());
      }

      @Override
      public MessageStore messages() {
        return watched(MessageStore.class, super.messages());
      }

      @Override
      public WatermarkStore watermarks() {
        return watched(WatermarkStore.class, super.watermarks());
      }

      @Override
      public TaskStore tasks() {
        return watched(TaskStore.class, super.tasks());
      }

      @Override
      public ConflictStore conflicts() {
        return watched(ConflictStore.class, super.conflicts());
      }

      @Override
      public LeaseStore leases() {
        return watched(LeaseStore.class, super.leases());
      }

      @Override
      public TraceStore trace() {
        return watched(TraceStore.class, super.trace());
      }

      private <T> T watched(Class<T> type, T store) {
        synchronized (counted) {
          return type.cast(counted.computeIfAbsent(type, t -> count(type, store, calls)));
        }
      }
    };
  }

  private static <T> T count(Class<T> type, T real, Map<String, Long> calls) {
    InvocationHandler handler = (proxy, method, args) -> {
      synchronized (calls) {
        calls.merge(method.getName(), 1L, Long::sum);
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        handler));
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
