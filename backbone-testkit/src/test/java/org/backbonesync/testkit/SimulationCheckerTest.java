package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checker bites: with one guarantee dropped, the simulation soon finds a failing seed. */
class SimulationCheckerTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestOnlySwitch.class)
  void droppingAGuaranteeIsCaughtWithinAFewHundredSeeds(TestOnlySwitch off) {
    Simulation weakened = Simulation.builder().testOnly(off).build();
    Simulation.Result failing = null;
    for (long seed = 1; seed <= 500 && failing == null; seed++) {
      Simulation.Result r = weakened.run(seed);
      if (!r.ok()) {
        failing = r;
      }
    }

    assertNotNull(failing, off + " dropped, yet 500 seeds passed: the checker does not bite");
    System.out.println(off + " caught at seed " + failing.seed() + ": " + failing.failure());
    assertTrue(failing.report().contains("replay: mvn"), failing.report());
    assertTrue(Simulation.builder().build().run(failing.seed()).ok(),
        "the same seed passes with every guarantee on: " + failing.report());
  }

  @Test
  void aSearchLaterThanTheOverlapIsCaughtWithinAFewHundredSeeds() {
    // small pages search 5 s back from the watermark; an index 30 s late breaks what it assumes
    Simulation late = Simulation.builder().smallPages(true).indexLag(30_000).build();
    Simulation.Result failing = null;
    for (long seed = 1; seed <= 500 && failing == null; seed++) {
      Simulation.Result r = late.run(seed);
      if (!r.ok()) {
        failing = r;
      }
    }

    assertNotNull(failing, "a 30 s index lag, yet 500 seeds passed: the checker does not bite");
    System.out.println("a 30 s lag caught at seed " + failing.seed() + ": " + failing.failure());
    assertTrue(Simulation.builder().smallPages(true).build().run(failing.seed()).ok(),
        "the same seed passes with the lag under the overlap: " + failing.report());
  }
}
