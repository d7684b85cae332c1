package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/** Thousands of seeded whole runs with faults; every guarantee holds in each. */
class SimulationTest {
  private static final int SEEDS = Integer.getInteger("backbone.sim.seeds", 2000);

  @Test
  void everySeedKeepsEveryGuarantee() {
    Simulation simulation = Simulation.builder().build();
    Long only = Long.getLong("backbone.sim.seed");
    long first = only != null ? only : 1;
    long last = only != null ? only : SEEDS;
    for (long seed = first; seed <= last; seed++) {
      Simulation.Result result = simulation.run(seed);
      if (!result.ok()) {
        fail(result.report());
      }
    }
  }

  @Test
  void theSameSeedReplaysTheSameRun() {
    Simulation simulation = Simulation.builder().build();
    assertTrue(simulation.run(7).trace().equals(simulation.run(7).trace()));
  }
}
