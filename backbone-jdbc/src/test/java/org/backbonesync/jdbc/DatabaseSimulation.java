package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.Simulation;

/**
 * The fault simulation on a database's stores, with the switches and over the seeds that the
 * system properties give, by the names the in-memory sweeps use ({@link
 * Simulation.Builder#fromSystemProperties}, {@link Simulation.Seeds#fromSystemProperties}):
 * without them, a test's fixed seeds from 1 in the default mode. Runs one seed after another and
 * fails naming every seed that broke, each with the line that runs it again on that database.
 */
final class DatabaseSimulation {
  private DatabaseSimulation() {
  }

  /**
   * Runs the simulation and fails listing every broken seed.
   *
   * @param database the database's name in the output
   * @param command the command that runs the test, to which the seed and switches are added
   * @param stores fresh stores on the database, for each run
   * @param defaultSeeds how many seeds, from 1, when {@code backbone.sim.seeds} is not given
   */
  static void run(String database, String command, Supplier<Stores> stores, long defaultSeeds) {
    Simulation simulation = Simulation.Builder.fromSystemProperties().stores(stores).build();
    Simulation.Seeds seeds = Simulation.Seeds.fromSystemProperties(defaultSeeds, () -> 1);
    String where = "simulation on " + database;
    System.out.println(where + ": seeds " + seeds.first() + ".." + seeds.last()
        + simulation.switches());
    List<Simulation.Result> failures = new ArrayList<>();
    long started = System.nanoTime();
    long storeWriteFailures = 0;
    for (long seed = seeds.first(); seed <= seeds.last(); seed++) {
      Simulation.Result r = simulation.run(seed);
      storeWriteFailures += r.storeWriteFailures();
      if (!r.ok()) {
        failures.add(r);
        System.out.println(where + ": seed " + seed + " broke: " + r.failure() + "\n  replay: "
            + replay(command, simulation, seed));
      }
    }
    System.out.printf("%s: %d seeds in %.0f s, %d failing%s%n", where, seeds.count(),
        (System.nanoTime() - started) / 1e9, failures.size(), storeWriteFailures == 0 ? ""
            : " (" + storeWriteFailures + " store writes and commits failed on purpose)");
    if (!failures.isEmpty()) {
      StringBuilder s = new StringBuilder(where + ": " + failures.size() + " failing seed(s):");
      for (Simulation.Result r : failures) {
        s.append("\n  seed ").append(r.seed()).append(": ").append(r.failure())
            .append("\n    replay: ").append(replay(command, simulation, r.seed()));
      }
      List<String> trace = failures.get(0).trace();
      s.append("\nlast steps of seed ").append(failures.get(0).seed()).append(":\n  ")
          .append(String.join("\n  ", trace.subList(Math.max(0, trace.size() - 40),
              trace.size())));
      fail(s.toString());
    }
  }

  private static String replay(String command, Simulation simulation, long seed) {
    return command + " -Dbackbone.sim.seeds=" + seed + ".." + seed + simulation.switches()
        + " -Dsurefire.failIfNoSpecifiedTests=false";
  }
}
