package org.backbonesync.jdbc;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database whose stamp sequence went back behind the stamps of its rows (the tables restored
 * from a backup without it, a failover to a logical replica, a DBA recreating it) is caught up
 * when the stores open, so that polls stop leaving every existing pair for later. On H2 files
 * and, where {@code BACKBONE_PG_URL} names a database, on PostgreSQL.
 */
class StampSequenceTest {
  /** Where a long-lived database's counter is when the backup is taken. */
  private static final long LONG_LIVED = 1_000_000;

  @TempDir Path dir;

  private final List<JdbcStores> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(JdbcStores::close);
  }

  @Test
  void anEditOfAPairedIssueReachesThePartnerOnTheFirstSyncAfterARestoreOnH2() {
    anEditOfAPairedIssueReachesThePartnerAfterARestore(this::h2);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void anEditOfAPairedIssueReachesThePartnerOnTheFirstSyncAfterARestoreOnPostgres() {
    anEditOfAPairedIssueReachesThePartnerAfterARestore(postgres());
  }

  @Test
  void openingMovesASequenceBehindTheStoredStampsAboveThemOnH2() {
    movesARecreatedSequenceAboveTheStoredStamps(this::h2);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void openingMovesASequenceBehindTheStoredStampsAboveThemOnPostgres() {
    movesARecreatedSequenceAboveTheStoredStamps(postgres());
  }

  @Test
  void openingLeavesASequenceAheadOfTheStoredStampsAsItIsOnH2() {
    leavesASequenceAheadAsItIs(this::h2);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void openingLeavesASequenceAheadOfTheStoredStampsAsItIsOnPostgres() {
    leavesASequenceAheadAsItIs(postgres());
  }

  @Test
  void eightNodesOpeningAtOnceWhileOneWritesAllHandOutStampsAboveTheStoredOnesOnH2()
      throws Exception {
    eightNodesOpeningAtOnce(this::h2);
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void eightNodesOpeningAtOnceWhileOneWritesAllHandOutStampsAboveTheStoredOnesOnPostgres()
      throws Exception {
    eightNodesOpeningAtOnce(postgres());
  }

  /**
   * Two nodes that find the counter behind at once: each one's {@code nextval} holds a lock on
   * the sequence that the other's {@code ALTER SEQUENCE} waits for, a deadlock (seen in CI under
   * load) unless they take turns. Each connection here stops before its first {@code ALTER} until
   * the other has reached its own or waits for a lock, which makes the race certain.
   */
  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void twoNodesCatchingUpAtOnceTakeTurnsOnPostgres() throws Exception {
    String url = PostgresStoresTest.freshSchemaUrl();
    JdbcStores running = track(JdbcStores.atUrl(url, null, null));
    long stored = storeRows(running, 3);
    recreateSequence(running);
    CountDownLatch atAlter = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Connection one = DriverManager.getConnection(url);
        Connection two = DriverManager.getConnection(url);
        Connection watchOne = DriverManager.getConnection(url);
        Connection watchTwo = DriverManager.getConnection(url)) {
      Future<?> first = threads.submit(() -> catchUpPausing(one, atAlter, watchOne, two));
      Future<?> second = threads.submit(() -> catchUpPausing(two, atAlter, watchTwo, one));
      first.get(1, TimeUnit.MINUTES);
      second.get(1, TimeUnit.MINUTES);
    } finally {
      threads.shutdownNow();
    }
    assertTrue(running.syncInfo().nextStamp() > stored, "the counter is above the stored stamps");
  }

  /** {@link StampSequence#catchUp} on {@code c}, paused before its first ALTER as said above. */
  private static Void catchUpPausing(Connection c, CountDownLatch atAlter, Connection watch,
      Connection other) throws Exception {
    long otherPid = backendPid(other);
    AtomicBoolean paused = new AtomicBoolean();
    Connection pausing = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object result = invoke(method, c, args);
          if (!method.getName().equals("createStatement")) {
            return result;
          }
          Statement statement = (Statement) result;
          return Proxy.newProxyInstance(Statement.class.getClassLoader(),
              new Class<?>[] {Statement.class}, (p, m, a) -> {
                if (m.getName().equals("execute") && String.valueOf(a[0]).startsWith("ALTER")
                    && paused.compareAndSet(false, true)) {
                  atAlter.countDown();
                  awaitOther(atAlter, watch, otherPid);
                }
                return invoke(m, statement, a);
              });
        });
    StampSequence.catchUp(pausing, true);
    return null;
  }

  /** Until the other connection is at its ALTER too or waits for a lock (this one's). */
  private static void awaitOther(CountDownLatch atAlter, Connection watch, long otherPid)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (atAlter.getCount() > 0) {
      try (Statement s = watch.createStatement();
          ResultSet r = s.executeQuery("SELECT wait_event_type FROM pg_stat_activity"
              + " WHERE pid = " + otherPid)) {
        if (r.next() && "Lock".equals(r.getString(1))) {
          return;
        }
      }
      assertTrue(System.nanoTime() < deadline, "the other connection never came");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static long backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** H2 commits each ALTER: a jump cut off between them leaves its increment, set back at open. */
  @Test
  void openingSetsBackTheIncrementOfAJumpCutOffOnH2() {
    JdbcStores first = h2();
    long stored = storeRows(first, 3);
    first.read(c -> {
      Schemas.execute(c, "ALTER SEQUENCE bb_stamp INCREMENT BY 1000");
      return null;
    });
    first.close();

    JdbcStores second = h2();
    long a = second.syncInfo().nextStamp();
    long b = second.syncInfo().nextStamp();

    assertTrue(a > stored, a + " is not above the stored " + stored);
    assertEquals(1, b - a, "stamps step by 1 again");
  }

  @Test
  void validateOnlyModeLeavesASequenceBehindAsItIs() {
    JdbcStores first = h2();
    long stored = storeRows(first, 3);
    recreateSequence(first);

    JdbcStores validating = track(JdbcStores.open(Schemas.dataSource(JdbcStores.h2Url(dir)),
        JdbcStores.Schema.VALIDATE));

    assertTrue(validating.syncInfo().nextStamp() <= stored, "validate-only mode changes nothing");
  }

  /**
   * Given two projects in sync on a database whose counter is far along, when the tables come
   * back without the counter and someone edits an issue paired before, then the partner shows
   * the edit after the next sync; without the catch-up the poll left it for a million polls.
   */
  private void anEditOfAPairedIssueReachesThePartnerAfterARestore(Supplier<JdbcStores> open) {
    JdbcStores before = open.get();
    before.read(c -> {
      Schemas.execute(c, "ALTER SEQUENCE bb_stamp RESTART WITH " + LONG_LIVED);
      return null;
    });
    SyncTestDriver sync = SyncTestDriver.builder().stores(before).build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    assertEquals(1, sync.b().allIssues().size());

    recreateSequence(before);
    sync.restartOn(open.get());
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    sync.runUntilQuiet();

    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
  }

  private void movesARecreatedSequenceAboveTheStoredStamps(Supplier<JdbcStores> open) {
    JdbcStores first = open.get();
    first.read(c -> {
      Schemas.execute(c, "ALTER SEQUENCE bb_stamp RESTART WITH " + LONG_LIVED);
      return null;
    });
    long stored = storeRows(first, 3);
    recreateSequence(first);
    assertTrue(first.syncInfo().nextStamp() < stored, "the counter is behind");

    JdbcStores reopened = open.get();

    long next = reopened.syncInfo().nextStamp();
    assertTrue(next > stored, next + " is not above the stored " + stored);
    assertTrue(next < stored + 10, "a jump of " + (next - stored) + " where a few do");
    assertEquals(next + 1, reopened.syncInfo().nextStamp(), "the increment is back to 1");
  }

  private void leavesASequenceAheadAsItIs(Supplier<JdbcStores> open) {
    JdbcStores first = open.get();
    storeRows(first, 3);
    long last = first.syncInfo().nextStamp();

    JdbcStores reopened = open.get();

    assertEquals(last + 1, reopened.syncInfo().nextStamp(), "opening took no stamp");
  }

  /**
   * Eight nodes open a database whose counter is behind while a node already running keeps
   * writing rows: every node opens, and every stamp taken after the openings is above every
   * stamp stored before them and unlike every other.
   */
  private void eightNodesOpeningAtOnce(Supplier<JdbcStores> open) throws Exception {
    JdbcStores running = open.get();
    running.read(c -> {
      Schemas.execute(c, "ALTER SEQUENCE bb_stamp RESTART WITH " + LONG_LIVED);
      return null;
    });
    long stored = storeRows(running, 3);
    recreateSequence(running);
    int nodes = 8;
    CyclicBarrier gate = new CyclicBarrier(nodes + 1);
    ExecutorService threads = Executors.newFixedThreadPool(nodes + 1);
    try {
      Future<Set<Long>> writes = threads.submit(() -> {
        gate.await(1, TimeUnit.MINUTES);
        Set<Long> stamps = new HashSet<>();
        for (int i = 0; i < 50; i++) {
          stamps.add(running.syncInfo().insert(row("PW-" + i)).stamp());
        }
        return stamps;
      });
      List<Future<JdbcStores>> opening = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        opening.add(threads.submit(() -> {
          gate.await(1, TimeUnit.MINUTES);
          return open.get();
        }));
      }
      List<JdbcStores> started = new ArrayList<>();
      for (Future<JdbcStores> node : opening) {
        started.add(track(node.get(2, TimeUnit.MINUTES)));
      }
      Set<Long> taken = new HashSet<>(writes.get(2, TimeUnit.MINUTES));
      for (JdbcStores node : started) {
        long stamp = node.syncInfo().nextStamp();
        assertTrue(stamp > stored, stamp + " is not above the stored " + stored);
        assertTrue(taken.add(stamp), stamp + " was handed out twice");
      }
      assertTrue(running.syncInfo().insert(row("PW-last")).stamp() > stored);
    } finally {
      threads.shutdownNow();
    }
  }

  /** Inserts rows and returns the greatest stamp they got. */
  private static long storeRows(JdbcStores stores, int count) {
    long max = 0;
    for (int i = 1; i <= count; i++) {
      max = Math.max(max, stores.syncInfo().insert(row("PA-" + i)).stamp());
    }
    return max;
  }

  private static SyncInfo row(String local) {
    return new SyncInfo(0, "PA", local, null, 1000, 1100, 1050, 3, 1200, 2, false, 0, 0, 1010,
        0, false);
  }

  /** The tables as a restore without the sequence leaves them: the counter starts again at 1. */
  private static void recreateSequence(JdbcStores stores) {
    stores.read(c -> {
      Schemas.execute(c, "DROP SEQUENCE bb_stamp");
      Schemas.execute(c, "CREATE SEQUENCE bb_stamp");
      return null;
    });
  }

  private JdbcStores h2() {
    return track(JdbcStores.inDirectory(dir));
  }

  private Supplier<JdbcStores> postgres() {
    String url = PostgresStoresTest.freshSchemaUrl();
    return () -> track(JdbcStores.atUrl(url, null, null));
  }

  private JdbcStores track(JdbcStores stores) {
    synchronized (opened) {
      opened.add(stores);
    }
    return stores;
  }
}
