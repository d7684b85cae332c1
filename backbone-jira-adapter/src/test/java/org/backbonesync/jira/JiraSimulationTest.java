package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * The seeded fault simulation of the testkit with both projects behind fake Jira servers, one
 * Cloud and one Server, reached through the adapter: the tracker faults of the simulation come
 * back as HTTP 429 with Retry-After and 500, and a crash after a tracker call becomes a lost
 * answer (the call happened, the connection closes without an answer); the Server site does not
 * index the origin marker's property, as a Jira without an app. Fewer seeds than the in-memory run:
 * every call is a real HTTP request. {@code -Dbackbone.jiraSim.seeds=N} runs more; {@code
 * -Dbackbone.jiraSim.worklogs=true} has people log work too.
 */
class JiraSimulationTest {
  private static final int SEEDS = Integer.getInteger("backbone.jiraSim.seeds", 40);

  @Test
  void everySeedKeepsEveryGuaranteeOverHttp() {
    List<FakeSite> sites = new ArrayList<>();
    Simulation simulation = Simulation.builder()
        .trackers((key, project) -> {
          boolean cloud = sites.size() % 2 == 0;
          // the Server site does not index the origin property: a create whose answer was lost
          // is found among the sync user's newest issues instead
          FakeSite site = new FakeSite(cloud ? FakeJiraServer.Flavour.CLOUD
              : FakeJiraServer.Flavour.SERVER, ManualClock.startingAt2026(), project,
              s -> s.originPropertyIndexed(cloud), s -> s.sleeper(d -> { }));
          sites.add(site);
          return site.tracker;
        })
        // Jira shows no workflow to a sync user: a preference that goes round the default one
        .statusVia("Start Progress", "Send to Review", "Done", "Reopen")
        .worklogs(Boolean.getBoolean("backbone.jiraSim.worklogs"))
        .build();
    Long only = Long.getLong("backbone.jiraSim.seed");
    long first = only != null ? only : 1;
    long last = only != null ? only : SEEDS;
    for (long seed = first; seed <= last; seed++) {
      Simulation.Result result;
      try {
        result = simulation.run(seed);
      } finally {
        sites.forEach(FakeSite::close);
        sites.clear();
      }
      if (!result.ok()) {
        fail("over Jira (-Dbackbone.jiraSim.seed=" + seed + "): " + result.report());
      }
    }
  }
}
