package org.backbonesync.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;

/**
 * Stores that count every call the engine makes to them, by method name, for tests and
 * benchmarks that pin what an engine step costs the database (say, that an idle poll writes
 * nothing). A method not known to only read counts as a write, so a new store method is counted
 * as a write until named here. Thread-safe; the counts are cheap enough for a benchmark.
 */
public final class CountingStores extends ForwardingStores {
  /** The store methods that only read. */
  private static final Set<String> READS = Set.of("attachmentLinks", "commentLinks", "dueOutgoing",
      "failedIncoming", "failedIncomingCount", "find", "findById", "findByIdForUpdate",
      "findByLocalKey", "findByLocalKeys", "findByLocalKeysAgain", "findByRemoteKey",
      "findByRemoteKeys", "hasDueOutgoing", "incoming", "incomingCount", "incomingFor",
      "isRemembered", "lastStamp", "leases", "list", "lockRows", "maxIssueKeyLength",
      "nextIncoming", "oldestIncoming", "oldestOutgoing", "outgoing", "outgoingCount",
      "pairedLinks", "pendingChanges", "pendingCreate", "removedRow", "skippedBases",
      "syncedValues", "unfinished", "watermark");

  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();

  /** Stores that count the calls to {@code delegate}'s stores. */
  public CountingStores(Stores delegate) {
    super(delegate);
  }

  /** Whether the store method of that name only reads. */
  public static boolean reads(String method) {
    return READS.contains(method);
  }

  /** The calls since the last {@link #reset()}, by method name, in name order. */
  public Map<String, Long> calls() {
    Map<String, Long> copy = new TreeMap<>();
    calls.forEach((name, n) -> copy.put(name, n.sum()));
    return copy;
  }

  /** The calls since the last {@link #reset()} of methods that may write. */
  public long writes() {
    long sum = 0;
    for (Map.Entry<String, LongAdder> e : calls.entrySet()) {
      if (!reads(e.getKey())) {
        sum += e.getValue().sum();
      }
    }
    return sum;
  }

  /** The calls since the last {@link #reset()}, reads and writes. */
  public long total() {
    return calls.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Starts counting again from zero. */
  public void reset() {
    calls.values().forEach(LongAdder::reset);
  }

  @Override
  public SyncInfoStore syncInfo() {
    return counted(SyncInfoStore.class, super.syncInfo());
  }

  @Override
  public MessageStore messages() {
    return counted(MessageStore.class, super.messages());
  }

  @Override
  public WatermarkStore watermarks() {
    return counted(WatermarkStore.class, super.watermarks());
  }

  @Override
  public TaskStore tasks() {
    return counted(TaskStore.class, super.tasks());
  }

  @Override
  public ConflictStore conflicts() {
    return counted(ConflictStore.class, super.conflicts());
  }

  @Override
  public LeaseStore leases() {
    return counted(LeaseStore.class, super.leases());
  }

  @Override
  public TraceStore trace() {
    return counted(TraceStore.class, super.trace());
  }

  private <T> T counted(Class<T> type, T store) {
    return type.cast(proxies.computeIfAbsent(type, t -> Proxy.newProxyInstance(
        type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
          if (method.getDeclaringClass() != Object.class) {
            calls.computeIfAbsent(method.getName(), n -> new LongAdder()).increment();
          }
          return invoke(method, store, args);
        })));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
