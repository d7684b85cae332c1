package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while a poll examines a page of changed issues, or while an apply
 * records a round of messages: the step ends at the store's first failure, failed (so its
 * connector turns unhealthy at once), instead of going on with each further issue or message,
 * each waiting for the store and failing alike (an operator's trial on PostgreSQL: 30 s of
 * HikariCP's wait per issue, the connector healthy and two WARN lines per issue for minutes).
 * Nothing is half-written, the watermark stays, and once the store is back every change arrives
 * exactly once.
 */
class StoreDownTest {
  private static final int ISSUES = 10;

  private final DownStores stores = new DownStores(new InMemoryStores());
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(stores).build();

  @Test
  void aStoreGoneWhileAPageOfNewIssuesIsExaminedEndsThePoll() {
    for (int i = 1; i <= ISSUES; i++) {
      sync.a("alice").create("issue " + i);
    }
    stores.downAtTransaction(3); // (each new issue's message is a transaction of its own)

    assertThrows(StoreUnavailableException.class, () -> sync.poll("PA"));

    assertEquals(1, stores.callsWhileDown, "store calls after it went (the one that failed)");
    assertEquals(0, sync.events().events(RecordingListener.Type.EXPORT_FAILED).size(),
        "no issue was reported as failing: the store did");
    stores.down = false;
    assertEquals(2, sync.stores().messages().outgoingCount("PA"), "PA-1's and PA-2's");
    assertEquals(OptionalLong.empty(), sync.stores().watermarks().watermark("PA"),
        "the watermark did not move past the issues not examined");
    convergesOnce();
  }

  /** {@link #ISSUES} issues made on A and synced, then each one's summary edited on A. */
  private void syncedThenEdited() {
    for (int i = 1; i <= ISSUES; i++) {
      sync.a("alice").create("issue " + i);
    }
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      sync.a("alice").edit("PA-" + i, "summary", "edited " + i);
    }
  }

  @Test
  void aStoreGoneAtThePagesCommitEndsThePoll() {
    syncedThenEdited();
    OptionalLong watermark = sync.stores().watermarks().watermark("PA");
    stores.downAtTransaction(1); // (the page's messages, committed together)

    assertThrows(StoreUnavailableException.class, () -> sync.poll("PA"));

    assertEquals(1, stores.callsWhileDown, "no part of the page written alone");
    assertEquals(0, sync.events().events(RecordingListener.Type.EXPORT_FAILED).size());
    stores.down = false;
    assertEquals(0, sync.stores().messages().outgoingCount("PA"), "nothing half-written");
    assertEquals(watermark, sync.stores().watermarks().watermark("PA"), "the watermark stays");
    sync.advance(Duration.ofSeconds(5));
    assertEquals(ISSUES, sync.poll("PA").messagesQueued(), "each issue examined again");
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      assertEquals("edited " + i, sync.b().value("PB-" + i, "summary").asText());
    }
  }

  @Test
  void aStoreGoneAtAnApplysRoundEndsTheApply() {
    syncedThenEdited();
    sync.poll("PA");
    sync.deliver("PA");
    long appliedBefore = applied();
    stores.downAtTransaction(1); // (the round's outcomes, recorded together)

    assertThrows(StoreUnavailableException.class, () -> sync.apply("PB"));

    assertEquals(1, stores.callsWhileDown, "no message's outcome recorded alone");
    stores.down = false;
    assertEquals(ISSUES, sync.stores().messages().incomingCount("PB"), "all still queued");
    assertEquals(0, sync.engine().failedMessages("PB").size());
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      assertEquals("edited " + i, sync.b().value("PB-" + i, "summary").asText());
    }
    assertEquals(ISSUES, applied() - appliedBefore, "each applied once, when recorded");
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  private long applied() {
    return sync.events().events(RecordingListener.Type.APPLIED).stream()
        .filter(e -> e.connectorKey().equals("PB")).count();
  }

  /** Once the store is back, every issue of A is on B once, its row on each side once. */
  private void convergesOnce() {
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    assertEquals(ISSUES, sync.b().allIssues().size(), "each issue copied once");
    assertEquals(ISSUES, sync.syncInfoA().size());
    assertEquals(ISSUES, sync.syncInfoB().size());
    for (SyncInfo row : sync.syncInfoA()) {
      String number = row.localIssueKey().substring("PA-".length());
      assertEquals("issue " + number,
          sync.b().value(row.remoteIssueKey(), "summary").asText());
    }
    assertEquals(ISSUES, sync.events().events(RecordingListener.Type.APPLIED).stream()
        .filter(e -> e.connectorKey().equals("PB")).count(), "each applied once");
  }

  /**
   * Stores that go down as a database does, at the n-th transaction the engine begins once
   * armed: from then on every call fails with a {@link StoreUnavailableException}, counted in
   * {@link #callsWhileDown}, until {@link #down} is set back to false.
   */
  private static final class DownStores extends ForwardingStores {
    volatile boolean down;
    int callsWhileDown;
    private int transactionsUntilDown;

    DownStores(Stores delegate) {
      super(delegate);
    }

    void downAtTransaction(int n) {
      transactionsUntilDown = n;
      callsWhileDown = 0;
    }

    private void check() {
      if (down) {
        callsWhileDown++;
        throw new StoreUnavailableException("cannot open a database connection: gone (test)",
            null);
      }
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
      if (transactionsUntilDown > 0 && --transactionsUntilDown == 0) {
        down = true;
      }
      check();
      return super.inTransaction(work);
    }

    @Override
    public SyncInfoStore syncInfo() {
      return guarded(SyncInfoStore.class, super.syncInfo());
    }

    @Override
    public MessageStore messages() {
      return guarded(MessageStore.class, super.messages());
    }

    @Override
    public WatermarkStore watermarks() {
      return guarded(WatermarkStore.class, super.watermarks());
    }

    @Override
    public TaskStore tasks() {
      return guarded(TaskStore.class, super.tasks());
    }

    @Override
    public ConflictStore conflicts() {
      return guarded(ConflictStore.class, super.conflicts());
    }

    @Override
    public LeaseStore leases() {
      return guarded(LeaseStore.class, super.leases());
    }

    @Override
    public TraceStore trace() {
      return guarded(TraceStore.class, super.trace());
    }

    private <T> T guarded(Class<T> type, T store) {
      return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
          (proxy, method, args) -> {
            if (method.getDeclaringClass() != Object.class) {
              check();
            }
            return invoke(method, store, args);
          }));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
