package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded whole runs with faults; every guarantee holds in each.
 *
 * <p>Each build runs {@value #DEFAULT_SEEDS} seeds from a base chosen at random for the run and
 * printed first, so that builds explore new seeds; {@link SimulationRegressionTest} runs every
 * seed that ever failed. A failing seed prints the command that replays it alone. Properties
 * (the switches and the seeds are read by {@link Simulation.Builder#fromSystemProperties} and
 * {@link Simulation.Seeds#fromSystemProperties}, which the H2 and PostgreSQL runs share):
 * <ul>
 *   <li>{@code -Dbackbone.sim.seed=N}: only seed N, with its whole trace if it fails;
 *   <li>{@code -Dbackbone.sim.base=N}: the first seed (replays a build's seeds);
 *   <li>{@code -Dbackbone.sim.seeds=COUNT} seeds from the base, or {@code FIRST..LAST}: a sweep;
 *   <li>{@code -Dbackbone.sim.threads=N}: threads to run on, default all cores;
 *   <li>{@code -Dbackbone.sim.operators=true}: operators delete sync information and lose the
 *       store during the traffic (see {@link Simulation.Builder#operatorActions});
 *   <li>{@code -Dbackbone.sim.imports=true}: with operators, they also export and import rows
 *       (see {@link Simulation.Builder#operatorImports});
 *   <li>{@code -Dbackbone.sim.ignores=true}: with operators, they also set pairs to ignore
 *       incoming changes (see {@link Simulation.Builder#operatorIgnores});
 *   <li>{@code -Dbackbone.sim.backups=true}: with operators, they also restore backups (see
 *       {@link Simulation.Builder#operatorBackups});
 *   <li>{@code -Dbackbone.sim.linkRemovals=true}: people remove links too (see {@link
 *       Simulation.Builder#linkRemovals});
 *   <li>{@code -Dbackbone.sim.worklogs=true}: people log work too (see {@link
 *       Simulation.Builder#worklogs});
 *   <li>{@code -Dbackbone.sim.deletes=true}: people delete issues and move them to another
 *       project too (see {@link Simulation.Builder#deletes}; not with operators);
 *   <li>{@code -Dbackbone.sim.storeFaults=true}: writes to the sync information and message
 *       stores sometimes fail (see {@link Simulation.Builder#storeFaults});
 *   <li>{@code -Dbackbone.sim.webhooks=true}: the trackers' webhooks hint changes, some lost or
 *       repeated (see {@link Simulation.Builder#webhooks});
 *   <li>{@code -Dbackbone.sim.smallPages=true}: polls read pages of two issues, and the trackers'
 *       time moves watermarks (see {@link Simulation.Builder#smallPages});
 *   <li>{@code -Dbackbone.sim.handOver=true}: the connectors talk without transports, handing
 *       messages straight to each other's inbox (see {@link Simulation.Builder#handOver});
 *   <li>{@code -Dbackbone.sim.labelOrder=true}: people write labels in any order (see {@link
 *       Simulation.Builder#labelOrder});
 *   <li>{@code -Dbackbone.sim.siteRestores=true}: a tracker's site is restored from a backup,
 *       its lost issues' keys given again (see {@link Simulation.Builder#siteRestores}; not with
 *       operators or deletes; no build runs it: sweeps do);
 *   <li>{@code -Dbackbone.sim.lastEdits=false}: the checker does not assert that no person's
 *       change is lost (see {@link Simulation.Builder#lastEditChecks}); it does by default;
 *   <li>{@code -Dbackbone.sim.operatorBase=N}: the first of the 1,000 seeds with operators each
 *       build runs from a random base (replays a build's); {@code webhookBase}, {@code
 *       smallPagesBase}, {@code deleteBase} and {@code handOverBase} likewise for the 500 with
 *       webhooks, the 500 with small pages, the 500 with deletes and moves and the 500 handed
 *       over.
 * </ul>
 */
class SimulationTest {
  static final int DEFAULT_SEEDS = 2000;
  /** Bases are drawn below this, so a base plus a sweep's count stays far from overflow. */
  private static final long BASES = 1_000_000_000L;

  @Test
  void everySeedKeepsEveryGuarantee() {
    Long only = Long.getLong("backbone.sim.seed");
    if (only != null) {
      Simulation.Result r = Simulation.Builder.fromSystemProperties().traceEngine(true).build()
          .run(only);
      System.out.println("simulation: seed " + only + (r.ok() ? " ok" : " broke: " + r.failure()
          + "\nwhole trace:\n  " + String.join("\n  ", r.trace())));
      assertTrue(r.ok(), () -> "seed " + only + " broke: " + r.failure() + " (whole trace above)");
      return;
    }
    Simulation simulation = Simulation.Builder.fromSystemProperties().build();
    Simulation.Seeds seeds = Simulation.Seeds.fromSystemProperties(DEFAULT_SEEDS,
        () -> ThreadLocalRandom.current().nextLong(1, BASES));
    int threads = Integer.getInteger("backbone.sim.threads",
        Runtime.getRuntime().availableProcessors());
    long count = seeds.count();
    System.out.println("simulation: seeds " + seeds.first() + ".." + seeds.last() + " on "
        + threads + " threads; this run again: -Dbackbone.sim.base=" + seeds.first()
        + " -Dbackbone.sim.seeds=" + count + simulation.switches());
    List<Simulation.Result> failures = new SeedSweep(simulation, threads)
        .onFailure(r -> System.out.println("simulation: seed " + r.seed() + " broke: "
            + r.failure() + "\n  replay: " + r.replay()))
        .progress(count >= 100_000 ? count / 100 : count, System.out::println)
        .run(seeds.first(), seeds.last());
    if (!failures.isEmpty()) {
      fail(SeedSweep.summary(failures));
    }
  }

  /**
   * The trackers' webhooks hint changes, some lost, repeated or late, while operators act too
   * (see {@link Simulation.Builder#webhooks}): {@value #WEBHOOK_SEEDS} seeds from a base that
   * differs per run ({@code -Dbackbone.sim.webhookBase=N} replays one), printed first.
   */
  @Test
  void webhooksLostRepeatedOrLateKeepEveryGuarantee() {
    sweepFromABase("with webhooks", "backbone.sim.webhookBase", WEBHOOK_SEEDS,
        Simulation.builder().webhooks(true).operatorActions(true).operatorImports(true)
            .operatorIgnores(true).operatorBackups(true).linkRemovals(true).worklogs(true)
            .build());
  }

  /**
   * Polls read pages of two issues, and the tracker's time moves the watermark past issues read
   * again (see {@link Simulation.Builder#smallPages}), while webhooks hint changes and operators
   * act: {@value #WEBHOOK_SEEDS} seeds from a base that differs per run ({@code
   * -Dbackbone.sim.smallPagesBase=N} replays one), printed first.
   */
  @Test
  void smallPagesAndWatermarksMovedByTheTrackersTimeKeepEveryGuarantee() {
    sweepFromABase("with small pages", "backbone.sim.smallPagesBase", WEBHOOK_SEEDS,
        Simulation.builder().smallPages(true).webhooks(true).operatorActions(true)
            .operatorImports(true).operatorIgnores(true).operatorBackups(true).build());
  }

  /**
   * People delete issues and move them to another project, with webhooks, link removals and
   * worklogs (see {@link Simulation.Builder#deletes}): {@value #WEBHOOK_SEEDS} seeds from a base
   * that differs per run ({@code -Dbackbone.sim.deleteBase=N} replays one), printed first.
   */
  @Test
  void deletedAndMovedIssuesKeepEveryGuarantee() {
    sweepFromABase("with deletes and moves", "backbone.sim.deleteBase", WEBHOOK_SEEDS,
        Simulation.builder().deletes(true).webhooks(true).linkRemovals(true).worklogs(true)
            .build());
  }

  /**
   * The connectors hand their messages straight to each other's inbox, as two of one engine
   * without a host's transport do (see {@link Simulation.Builder#handOver}), with store faults,
   * webhooks, deletes, link removals and worklogs: {@value #WEBHOOK_SEEDS} seeds from a base that
   * differs per run ({@code -Dbackbone.sim.handOverBase=N} replays one), printed first.
   */
  @Test
  void messagesHandedOverKeepEveryGuarantee() {
    sweepFromABase("handed over", "backbone.sim.handOverBase", WEBHOOK_SEEDS,
        Simulation.builder().handOver(true).storeFaults(true).webhooks(true).deletes(true)
            .linkRemovals(true).worklogs(true).build());
  }

  /**
   * Operators delete, export and import rows, ignore a pair's changes, restore backups and lose
   * the store mid-traffic (see {@link Simulation.Builder#operatorActions}), and no person's change
   * is lost: {@value #OPERATOR_SEEDS} seeds from a base that differs per run
   * ({@code -Dbackbone.sim.operatorBase=N} replays one), printed first.
   */
  @Test
  void operatorsActingMidTrafficKeepEveryGuarantee() {
    sweepFromABase("with operators", "backbone.sim.operatorBase", OPERATOR_SEEDS,
        Simulation.builder().operatorActions(true).operatorImports(true).operatorIgnores(true)
            .operatorBackups(true).build());
  }

  /**
   * Runs {@code seeds} seeds from a base that differs per run (printed first; the property
   * {@code baseProperty} replays it) and fails naming every seed that broke.
   */
  private static void sweepFromABase(String what, String baseProperty, int seeds,
      Simulation simulation) {
    Long given = Long.getLong(baseProperty);
    long base = given != null ? given : ThreadLocalRandom.current().nextLong(1, BASES);
    System.out.println("simulation " + what + ": seeds " + base + ".." + (base + seeds - 1)
        + "; this run again: -D" + baseProperty + "=" + base);
    List<Simulation.Result> failures = new SeedSweep(simulation,
        Runtime.getRuntime().availableProcessors())
        .onFailure(r -> System.out.println("simulation " + what + ": seed " + r.seed()
            + " broke: " + r.failure() + "\n  replay: " + r.replay()))
        .run(base, base + seeds - 1);
    if (!failures.isEmpty()) {
      fail(SeedSweep.summary(failures));
    }
  }

  /** How many seeds with operators every build runs. */
  private static final int OPERATOR_SEEDS = 1000;
  /** How many seeds with webhooks (and operators) every build runs. */
  private static final int WEBHOOK_SEEDS = 500;

  /**
   * Writes to the sync information and message stores fail at random, inside a poll's or an
   * apply's group commit and alone, and so do commits (see {@link
   * Simulation.Builder#storeFaults}): over a fixed range of seeds, alone, with deletes, webhooks,
   * link removals and worklogs, and with every operator act, every guarantee holds, and the runs
   * met failing writes and commits.
   */
  @Test
  void failingStoreWritesKeepEveryGuarantee() {
    List<Simulation> simulations = List.of(Simulation.builder().storeFaults(true).build(),
        Simulation.builder().storeFaults(true).deletes(true).webhooks(true).linkRemovals(true)
            .worklogs(true).build(),
        Simulation.builder().storeFaults(true).operatorActions(true).operatorImports(true)
            .operatorIgnores(true).operatorBackups(true).webhooks(true).build());
    List<Simulation.Result> failures = new java.util.ArrayList<>();
    Map<String, Long> failed = new TreeMap<>();
    long reported = 0;
    for (Simulation simulation : simulations) {
      for (long seed = 1; seed <= STORE_FAULT_SEEDS; seed++) {
        Simulation.Result r = simulation.run(seed);
        if (!r.ok()) {
          failures.add(r);
        }
        reported += r.storeWriteFailures();
        r.trace().stream().filter(line -> line.startsWith("fault: store "))
            .forEach(line -> failed.merge(line.startsWith("fault: store commit") ? "commits"
                : line.endsWith(" in a transaction") ? "writes in a transaction"
                : "writes alone", 1L, Long::sum));
      }
    }
    System.out.println("simulation with store faults: seeds 1.." + STORE_FAULT_SEEDS
        + " of each kind, failed " + failed);
    if (!failures.isEmpty()) {
      fail(SeedSweep.summary(failures));
    }
    assertEquals(reported, failed.values().stream().mapToLong(Long::longValue).sum());
    assertEquals(Set.of("commits", "writes alone", "writes in a transaction"), failed.keySet());
    assertTrue(failed.values().stream().allMatch(n -> n >= STORE_FAULT_SEEDS / 10), "failed "
        + failed);
  }

  /** How many seeds of each kind {@link #failingStoreWritesKeepEveryGuarantee} runs. */
  private static final int STORE_FAULT_SEEDS = 300;

  @Test
  void storeFaultsReplayWithTheSeedAndAreOffByDefault() {
    Simulation.Result plain = Simulation.builder().build().run(1);
    Simulation.Result faulty = Simulation.builder().storeFaults(true).build().run(1);

    assertEquals(0, plain.storeWriteFailures());
    assertTrue(faulty.storeWriteFailures() > 0, faulty::report);
    assertTrue(faulty.replay().contains(" -Dbackbone.sim.storeFaults=true"), faulty.replay());
    assertEquals(faulty.trace(), Simulation.builder().storeFaults(true).build().run(1).trace());
  }

  @Test
  void deletesRefuseToCombineWithOperatorsNamingTheSwitches() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> Simulation.builder().deletes(true).operatorActions(true).build());
    assertTrue(e.getMessage().contains("backbone.sim.deletes")
        && e.getMessage().contains("backbone.sim.operators"), e.getMessage());
  }

  @Test
  void siteRestoresRefuseToCombineWithOperatorsOrDeletesNamingTheSwitches() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> Simulation.builder().siteRestores(true).operatorActions(true).operatorIgnores(true)
            .build());
    assertEquals("siteRestores (backbone.sim.siteRestores) does not combine with operators"
        + " (backbone.sim.operators) and ignores (backbone.sim.ignores): after a Jira restore the"
        + " rows must be kept (an operator's delete or lost store pairs a new issue under a lost"
        + " key with the lost one's partner again), and the checker does not follow gone pairs"
        + " through restores", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Simulation.builder().siteRestores(true).deletes(true).build());
    assertTrue(e.getMessage().contains("with deletes (backbone.sim.deletes)"), e.getMessage());
    assertTrue(Simulation.builder().siteRestores(true).webhooks(true).storeFaults(true)
        .handOver(true).build().switches().contains(" -Dbackbone.sim.siteRestores=true"));
  }

  @Test
  void withDeletesPeopleDeleteIssuesAndMoveThemAwayOnBothSides() {
    Simulation simulation = Simulation.builder().deletes(true).build();
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (long seed = 1; seed <= 300 && seen.size() < 4; seed++) {
      Simulation.Result r = simulation.run(seed);
      assertTrue(r.replay().contains(" -Dbackbone.sim.deletes=true"), r.replay());
      for (String line : r.trace()) {
        if (line.matches("(alice|bob) deletes P[AB]-\\d+")) {
          seen.add(line.substring(0, line.indexOf(' ')) + " deletes");
        } else if (line.matches("(alice|bob) moves P[AB]-\\d+ to another project as PX-\\d+")) {
          seen.add(line.substring(0, line.indexOf(' ')) + " moves");
        }
      }
    }
    assertEquals(java.util.Set.of("alice deletes", "alice moves", "bob deletes", "bob moves"),
        seen);
  }

  /**
   * With {@link Simulation.Builder#labelOrder}, people write labels in any order, which they never
   * do without it (two of their label writes put two labels in opposite orders), and every
   * guarantee holds, labels compared in their order.
   */
  @Test
  void withLabelOrderPeopleWriteLabelsInAnyOrder() {
    Simulation anyOrder = Simulation.builder().labelOrder(true).build();
    Simulation oneOrder = Simulation.builder().build();
    List<Simulation.Result> failures = new ArrayList<>();
    int reordered = 0;
    for (long seed = 1; seed <= LABEL_ORDER_SEEDS; seed++) {
      Simulation.Result r = anyOrder.run(seed);
      assertTrue(r.labelOrder() && r.replay().contains(" -Dbackbone.sim.labelOrder=true"),
          r.replay());
      if (!r.ok()) {
        failures.add(r);
      }
      if (!labelsWrittenInBothOrders(r.trace()).isEmpty()) {
        reordered++;
      }
      assertEquals(Set.of(), labelsWrittenInBothOrders(oneOrder.run(seed).trace()), "seed " + seed
          + " without labelOrder");
    }
    System.out.println("simulation with labels in any order: seeds 1.." + LABEL_ORDER_SEEDS
        + ", " + reordered + " with two labels written in both orders");
    if (!failures.isEmpty()) {
      fail(SeedSweep.summary(failures));
    }
    assertTrue(reordered > 0, "no seed of " + LABEL_ORDER_SEEDS
        + " wrote two labels in both orders");
  }

  /** How many seeds {@link #withLabelOrderPeopleWriteLabelsInAnyOrder} runs. */
  private static final int LABEL_ORDER_SEEDS = 100;

  /**
   * The labels that people's label writes in a trace put in both orders, each pair as {@code
   * "first/second"} in the order of its first write.
   */
  private static Set<String> labelsWrittenInBothOrders(List<String> trace) {
    Set<String> before = new HashSet<>();
    Set<String> both = new TreeSet<>();
    for (String line : trace) {
      Matcher m = LABEL_WRITE.matcher(line);
      if (!m.matches() || m.group(1).isEmpty()) {
        continue;
      }
      List<String> labels = List.of(m.group(1).split(", "));
      for (int i = 0; i < labels.size(); i++) {
        for (int j = i + 1; j < labels.size(); j++) {
          before.add(labels.get(i) + "/" + labels.get(j));
          if (before.contains(labels.get(j) + "/" + labels.get(i))) {
            both.add(labels.get(j) + "/" + labels.get(i));
          }
        }
      }
    }
    return both;
  }

  /** A person's label write in the trace, e.g. {@code alice sets labels of PA-1 to [red, blue]}. */
  private static final Pattern LABEL_WRITE =
      Pattern.compile("(?:alice|bob) sets labels of \\S+ to \\[(.*)\\]");

  @Test
  void theSameSeedReplaysTheSameRun() {
    Simulation simulation = Simulation.builder().build();
    assertTrue(simulation.run(7).trace().equals(simulation.run(7).trace()));
  }

  @Test
  void aReplayWithTheEnginesEventsTakesTheSameSteps() {
    List<String> plain = Simulation.builder().build().run(7).trace();
    List<String> traced = Simulation.builder().traceEngine(true).build().run(7).trace();

    assertTrue(traced.size() > plain.size(), "the engine's events are in the trace");
    assertEquals(plain, traced.stream().filter(line -> !line.startsWith("  [")).toList());
  }
}
