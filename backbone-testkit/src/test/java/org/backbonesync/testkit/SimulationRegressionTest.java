package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every simulation seed that ever failed, run on every build: the list is {@code
 * simulation-regressions.txt} next to this class, one seed per line with what broke (a note that
 * starts with {@code operators:} runs the seed with operators acting, {@code imports:} with
 * operators who import rows too, {@code all acts:} with every operator act, {@code webhooks:}
 * with every operator act and the trackers' webhooks, {@code small pages:} with these and polls
 * of small pages, {@code everything:} with every act, webhooks and people removing links and
 * logging work, as the webhook sweep runs, {@code site restores:} with trackers' sites restored
 * from backups, {@code restores and faults:} with these, webhooks and store faults (as the
 * sweep in docs/SIMULATION.md runs), {@code restores and worklogs:} with sites restored, people
 * removing links and logging work, {@code restores, worklogs and faults:} with all of these,
 * webhooks and store faults, {@code restores and label order:} with sites restored and people
 * writing labels in any order, {@code deletes:} with deletes and moves, webhooks, link removals
 * and worklogs, as the build's deletes sweep runs, {@code handed over:} with these, store faults
 * and messages handed straight to the partner's inbox, as the build's hand-over sweep runs). A
 * seed that fails in a sweep or a build goes in
 * the list with the fix.
 */
class SimulationRegressionTest {
  private static final String LIST = "simulation-regressions.txt";
  private static final Simulation SIMULATION = Simulation.builder().build();
  private static final Simulation WITH_OPERATORS =
      Simulation.builder().operatorActions(true).build();
  private static final Simulation WITH_IMPORTS = Simulation.builder().operatorActions(true)
      .operatorImports(true).build();
  private static final Simulation WITH_ALL_ACTS = Simulation.builder().operatorActions(true)
      .operatorImports(true).operatorIgnores(true).operatorBackups(true).build();
  private static final Simulation WITH_WEBHOOKS = Simulation.builder().operatorActions(true)
      .operatorImports(true).operatorIgnores(true).operatorBackups(true).webhooks(true).build();
  private static final Simulation WITH_SMALL_PAGES = Simulation.builder().operatorActions(true)
      .operatorImports(true).operatorIgnores(true).operatorBackups(true).webhooks(true)
      .smallPages(true).build();
  private static final Simulation WITH_DELETES = Simulation.builder().deletes(true).webhooks(true)
      .linkRemovals(true).worklogs(true).build();
  private static final Simulation HANDED_OVER = Simulation.builder().handOver(true)
      .storeFaults(true).webhooks(true).deletes(true).linkRemovals(true).worklogs(true).build();
  private static final Simulation WITH_SITE_RESTORES =
      Simulation.builder().siteRestores(true).build();
  private static final Simulation WITH_RESTORES_AND_FAULTS = Simulation.builder()
      .siteRestores(true).webhooks(true).storeFaults(true).build();
  private static final Simulation WITH_RESTORES_AND_WORKLOGS = Simulation.builder()
      .siteRestores(true).linkRemovals(true).worklogs(true).build();
  private static final Simulation WITH_RESTORES_WORKLOGS_AND_FAULTS = Simulation.builder()
      .siteRestores(true).linkRemovals(true).worklogs(true).webhooks(true).storeFaults(true)
      .build();
  private static final Simulation WITH_RESTORES_AND_LABEL_ORDER = Simulation.builder()
      .siteRestores(true).labelOrder(true).build();
  private static final Simulation WITH_EVERYTHING = Simulation.builder().operatorActions(true)
      .operatorImports(true).operatorIgnores(true).operatorBackups(true).webhooks(true)
      .linkRemovals(true).worklogs(true).build();

  @ParameterizedTest(name = "seed {0}: {1}")
  @MethodSource("seeds")
  void aSeedThatOnceFailedKeepsEveryGuarantee(long seed, String broke) {
    Simulation.Result r = (broke.startsWith("operators:") ? WITH_OPERATORS
        : broke.startsWith("imports:") ? WITH_IMPORTS
        : broke.startsWith("all acts:") ? WITH_ALL_ACTS
        : broke.startsWith("webhooks:") ? WITH_WEBHOOKS
        : broke.startsWith("small pages:") ? WITH_SMALL_PAGES
        : broke.startsWith("everything:") ? WITH_EVERYTHING
        : broke.startsWith("site restores:") ? WITH_SITE_RESTORES
        : broke.startsWith("restores and faults:") ? WITH_RESTORES_AND_FAULTS
        : broke.startsWith("restores and worklogs:") ? WITH_RESTORES_AND_WORKLOGS
        : broke.startsWith("restores, worklogs and faults:") ? WITH_RESTORES_WORKLOGS_AND_FAULTS
        : broke.startsWith("restores and label order:") ? WITH_RESTORES_AND_LABEL_ORDER
        : broke.startsWith("deletes:") ? WITH_DELETES
        : broke.startsWith("handed over:") ? HANDED_OVER : SIMULATION).run(seed);
    assertTrue(r.ok(), r::report);
  }

  /** The listed seeds; an empty list fails the test (JUnit runs no case, and says so). */
  static List<Arguments> seeds() throws IOException {
    List<Arguments> seeds = new ArrayList<>();
    for (String[] line : read()) {
      seeds.add(Arguments.of(Long.parseLong(line[0]), line[1]));
    }
    return seeds;
  }

  /** The list's lines as seed and note; blank lines and lines starting with # are left out. */
  private static List<String[]> read() throws IOException {
    List<String[]> lines = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(
            SimulationRegressionTest.class.getResourceAsStream(LIST), LIST);
        BufferedReader reader = new BufferedReader(
            new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+", 2);
        lines.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
      }
    }
    return lines;
  }
}
