package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulation's system properties, read in one place for every test that runs it (in memory,
 * on H2, on PostgreSQL): the switches come back as the flags that set them, and the seeds are a
 * range, a count from a base, or a test's default.
 */
class SimulationPropertiesTest {
  private static final List<String> NAMES = List.of("seeds", "base", "operators", "imports",
      "ignores", "backups", "webhooks", "linkRemovals", "worklogs", "deletes", "storeFaults",
      "labelOrder", "lastEdits", "smallPages", "handOver", "siteRestores");
  private final Map<String, String> before = new HashMap<>();

  @BeforeEach
  void clearTheProperties() {
    for (String name : NAMES) { // (a sweep's own, given on the command line, come back after)
      String value = System.clearProperty("backbone.sim." + name);
      if (value != null) {
        before.put(name, value);
      }
    }
  }

  @AfterEach
  void restoreTheProperties() {
    for (String name : NAMES) {
      System.clearProperty("backbone.sim." + name);
    }
    before.forEach((name, value) -> System.setProperty("backbone.sim." + name, value));
  }

  @Test
  void withoutPropertiesATestRunsItsDefaultSeedsInTheDefaultMode() {
    assertEquals("", Simulation.Builder.fromSystemProperties().build().switches());
    assertEquals(new Simulation.Seeds(1, 100), Simulation.Seeds.fromSystemProperties(100, () -> 1));
  }

  @Test
  void switchesTurnedOnComeBackAsTheFlagsThatSetThem() {
    System.setProperty("backbone.sim.operators", "true");
    System.setProperty("backbone.sim.imports", "true");
    System.setProperty("backbone.sim.storeFaults", "true");
    System.setProperty("backbone.sim.lastEdits", "false");
    System.setProperty("backbone.sim.webhooks", "false");
    System.setProperty("backbone.sim.labelOrder", "true");

    Simulation simulation = Simulation.Builder.fromSystemProperties().build();

    assertEquals(" -Dbackbone.sim.operators=true -Dbackbone.sim.imports=true"
        + " -Dbackbone.sim.lastEdits=false -Dbackbone.sim.storeFaults=true"
        + " -Dbackbone.sim.labelOrder=true", simulation.switches());
    Simulation.Result r = simulation.run(3);
    assertTrue(r.operators() && r.imports() && r.storeFaults() && !r.lastEdits()
        && !r.webhooks() && r.labelOrder(), r::replay);
    assertTrue(r.replay().endsWith(" -Dbackbone.sim.seed=3" + simulation.switches()
        + " -Dsurefire.failIfNoSpecifiedTests=false"), r::replay);
    // the seed alone, not SimulationTest's other sweeps (some 30,000 lines around its verdict)
    assertTrue(r.replay().startsWith("mvn -q -pl backbone-testkit -am test"
        + " -Dtest=SimulationTest#everySeedKeepsEveryGuarantee -Dbackbone.sim.seed=3 "),
        r::replay);
  }

  @Test
  void siteRestoresComeBackAsTheFlagThatSetsThem() {
    System.setProperty("backbone.sim.siteRestores", "true");
    System.setProperty("backbone.sim.webhooks", "true");

    Simulation simulation = Simulation.Builder.fromSystemProperties().build();

    assertEquals(" -Dbackbone.sim.webhooks=true -Dbackbone.sim.siteRestores=true",
        simulation.switches());
    Simulation.Result r = simulation.run(3);
    assertTrue(r.siteRestores() && r.webhooks() && !r.operators(), r::replay);
  }

  @Test
  void operatorsActsWithoutOperatorsAreRefusedNotSilentlyLeftOut() {
    System.setProperty("backbone.sim.ignores", "true");
    System.setProperty("backbone.sim.backups", "true");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Simulation.Builder.fromSystemProperties().build());

    assertEquals("ignores (backbone.sim.ignores) and backups (backbone.sim.backups) without"
        + " operators (backbone.sim.operators=true): they are operators' acts, and would not run",
        e.getMessage());
    System.setProperty("backbone.sim.operators", "true");
    assertEquals(" -Dbackbone.sim.operators=true -Dbackbone.sim.ignores=true"
        + " -Dbackbone.sim.backups=true", Simulation.Builder.fromSystemProperties().build()
        .switches());
  }

  @Test
  void seedsAreARangeOrACountFromABase() {
    System.setProperty("backbone.sim.seeds", "5..9");
    assertEquals(new Simulation.Seeds(5, 9), Simulation.Seeds.fromSystemProperties(100, () -> 1));

    System.setProperty("backbone.sim.seeds", "3");
    assertEquals(new Simulation.Seeds(40, 42),
        Simulation.Seeds.fromSystemProperties(100, () -> 40));
    System.setProperty("backbone.sim.base", "1000");
    assertEquals(new Simulation.Seeds(1000, 1002),
        Simulation.Seeds.fromSystemProperties(100, () -> 40));
    assertEquals(3, Simulation.Seeds.fromSystemProperties(100, () -> 40).count());
  }

  @Test
  void seedsThatAreNeitherARangeNorACountAreRefusedNamingTheProperty() {
    for (String bad : List.of("9..5", "0", "some", "1..")) {
      System.setProperty("backbone.sim.seeds", bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Simulation.Seeds.fromSystemProperties(100, () -> 1));
      assertTrue(e.getMessage().startsWith("backbone.sim.seeds must be")
          && e.getMessage().endsWith("was \"" + bad + "\""), e.getMessage());
    }
  }
}
