package org.backbonesync.jdbc;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.Simulation;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole syncs on the JDBC stores over H2 files: restarts, crashes, and the fault simulation. */
class H2SyncTest {
  @TempDir Path dir;

  @Test
  void aSyncRestartedOnTheSameFilesCarriesOnAfterACrashBetweenCreateAndCommit() {
    SyncTestDriver sync = SyncTestDriver.builder().stores(JdbcStores.inDirectory(dir)).build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("createIssue") && !crashed) {
          crashed = true;
          throw new SimulatedCrash("after createIssue");
        }
      }
    });

    assertThrows(SimulatedCrash.class, sync::step);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
    assertEquals(1, JdbcStores.inDirectory(dir).syncInfo().list("PB").size(),
        "on disk, read by a second process");
  }

  /**
   * The fault simulation on H2: seeds 1..100 ({@code -Dbackbone.sim.h2.seeds=N} for 1..N) in the
   * default mode; the in-memory sweeps' properties choose others, e.g. {@code
   * -Dbackbone.sim.seeds=1..2000 -Dbackbone.sim.operators=true} (see {@link DatabaseSimulation}).
   */
  @Test
  void theFaultSimulationHoldsOnH2() {
    DatabaseSimulation.run("H2", "mvn -q -pl backbone-jdbc -am test"
        + " -Dtest=H2SyncTest#theFaultSimulationHoldsOnH2", H2StoresTest::fresh,
        Integer.getInteger("backbone.sim.h2.seeds", 100));
  }

  /**
   * The fault simulation with failing store writes and commits (see {@link
   * Simulation.Builder#storeFaults}) on H2: a failed commit rolls the database's transaction
   * back, so the group commit's fallback meets a real one. 50 seeds; {@code
   * -Dbackbone.sim.h2.storeFaultSeeds=N} runs more.
   */
  @Test
  void theFaultSimulationWithFailingStoreWritesHoldsOnH2() {
    Simulation simulation = Simulation.builder().stores(H2StoresTest::fresh).storeFaults(true)
        .build();
    long failed = 0;
    int seeds = Integer.getInteger("backbone.sim.h2.storeFaultSeeds", 50);
    for (long seed = 1; seed <= seeds; seed++) {
      Simulation.Result r = simulation.run(seed);
      if (!r.ok()) {
        fail("on H2 with store faults: " + r.report());
      }
      failed += r.storeWriteFailures();
    }
    assertTrue(failed > 0, "no store write failed");
  }
}
