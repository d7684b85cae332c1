package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * An apply committed between a poll's first read of its page's rows and its claim shows on the
 * JDBC stores: in the poll's second read, which the JDBC store makes of the rows' stamps ({@code
 * findByLocalKeysAgain}), or else in the group commit's lock, which takes unchanged rows and
 * their values as read before ({@code lockRows} with rows known), where the examined row's stamp
 * is compared. The testkit's {@code StaleSnapshotTest} runs on the in-memory store, which reads
 * everything again in both. (Either stamp comparison alone keeps this case right; the test fails
 * with both answering known rows as unchanged.)
 */
class StaleSnapshotOnJdbcTest {
  @TempDir Path dir;

  @Test
  void aCrossingEditAppliedBetweenAPollsFirstReadAndItsClaimIsKeptOnH2() {
    aCrossingEditAppliedBetweenAPollsFirstReadAndItsClaimIsKept(JdbcStores.inDirectory(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void aCrossingEditAppliedBetweenAPollsFirstReadAndItsClaimIsKeptOnPostgres() {
    aCrossingEditAppliedBetweenAPollsFirstReadAndItsClaimIsKept(PostgresStoresTest.fresh());
  }

  /**
   * PA-1 and PA-2 paired; alice edits both summaries. After the poll's first read of the page's
   * rows and before its claim, bob's later edit of PB-1 is applied to PA-1 (PA-1 records the
   * conflict with alice's unsent edit). The page's search saw alice's: a poll examining it with
   * PA-1's row as first read sends alice's older summary to PB-1 as a change that never saw
   * bob's, and PB-1 records a conflict too (seen so with both stamp comparisons switched off).
   * The poll leaves PA-1 for the next one; both sides end with bob's.
   */
  private void aCrossingEditAppliedBetweenAPollsFirstReadAndItsClaimIsKept(Stores database) {
    AtomicReference<Runnable> afterFirstRead = new AtomicReference<>();
    SyncTestDriver sync = driver(afterFirstRead, database);
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Scanner jammed");
    sync.runUntilQuiet();
    sync.poll(sync.keyA());
    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "alice's");
    sync.a("alice").edit("PA-2", "summary", "Scanner jammed again");
    afterFirstRead.set(() -> {
      sync.advance(Duration.ofSeconds(1));
      sync.b("bob").edit("PB-1", "summary", "bob's");
      sync.poll(sync.keyB());
      sync.deliver(sync.keyB());
      sync.apply(sync.keyA());
      assertEquals("bob's", sync.a().value("PA-1", "summary").asText(), "applied meanwhile");
    });

    sync.poll(sync.keyA());
    assertNull(afterFirstRead.get(), "the apply came between the first read and the claim");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();

    assertEquals(List.of("bob's", "bob's"), List.of(sync.a().value("PA-1", "summary").asText(),
        sync.b().value("PB-1", "summary").asText()));
    assertEquals(List.of(), sync.stores().conflicts().list(sync.keyB(), "PB-1"),
        "alice's older edit never went to PB-1 as one crossing bob's (PA-1 has the conflict)");
    assertEquals("Scanner jammed again", sync.b().value("PB-2", "summary").asText());
  }

  /**
   * Summaries both ways on these stores; the hook runs once, after the next read of PA's rows by
   * local keys (a poll's page, before its claim).
   */
  private static SyncTestDriver driver(AtomicReference<Runnable> afterFirstRead,
      Stores database) {
    SyncInfoStore rows = database.syncInfo();
    SyncInfoStore hooked = (SyncInfoStore) Proxy.newProxyInstance(
        SyncInfoStore.class.getClassLoader(), new Class<?>[] {SyncInfoStore.class},
        (proxy, method, args) -> {
          Object answer = forward(method, rows, args);
          if (method.getName().equals("findByLocalKeys") && "PA".equals(args[0])) {
            Runnable hook = afterFirstRead.getAndSet(null);
            if (hook != null) {
              hook.run();
            }
          }
          return answer;
        });
    Stores stores = new ForwardingStores(database) {
      @Override
      public SyncInfoStore syncInfo() {
        return hooked;
      }
    };
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .stores(stores).build();
  }

  private static Object forward(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
