package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * The seeded fault simulation of the testkit with both projects behind fake Jira servers, A on
 * Cloud and B on Server, reached through the adapter: the tracker faults of the simulation come
 * back as HTTP 429 with Retry-After and 500, and a crash after a tracker call becomes a lost
 * answer (the call happened, the connection closes without an answer); the Server site does not
 * index the origin marker's property, as a Jira without an app. Fewer seeds than the in-memory run:
 * every call is a real HTTP request. {@code -Dbackbone.jiraSim.seeds=N} runs more; {@code
 * -Dbackbone.jiraSim.worklogs=true} has people log work too; {@code
 * -Dbackbone.jiraSim.deletes=true} has them delete and move issues ({@link
 * Simulation.Builder#deletes}; off in the build). Cloud's 404 cannot tell a deleted issue from a
 * hidden one, so the partner of an issue deleted on A is marked, never deleted; {@code
 * -Dbackbone.jiraSim.notFoundIsDeleted=true} builds the Cloud site with {@code
 * notFoundIsDeleted(true)}, and the checker then expects such a partner deleted where its {@code
 * onPartnerGone} says so.
 */
class JiraSimulationTest {
  private static final int SEEDS = Integer.getInteger("backbone.jiraSim.seeds", 40);
  private static final boolean NOT_FOUND_IS_DELETED =
      Boolean.getBoolean("backbone.jiraSim.notFoundIsDeleted");

  @Test
  void everySeedKeepsEveryGuaranteeOverHttp() {
    List<FakeSite> sites = new ArrayList<>();
    Simulation simulation = Simulation.builder()
        .trackers((key, project) -> {
          boolean cloud = key.equals("PA");
          // the Server site does not index the origin property: a create whose answer was lost
          // is found among the sync user's newest issues instead
          FakeSite site = new FakeSite(cloud ? FakeJiraServer.Flavour.CLOUD
              : FakeJiraServer.Flavour.SERVER, ManualClock.startingAt2026(), project,
              s -> s.originPropertyIndexed(cloud),
              s -> s.sleeper(d -> { }).notFoundIsDeleted(cloud && NOT_FOUND_IS_DELETED));
          sites.add(site);
          return site.tracker;
        })
        // Jira shows no workflow to a sync user: a preference that goes round the default one
        .statusVia("Start Progress", "Send to Review", "Done", "Reopen")
        .worklogs(Boolean.getBoolean("backbone.jiraSim.worklogs"))
        .deletes(Boolean.getBoolean("backbone.jiraSim.deletes"))
        .deletionsUnconfirmed(!NOT_FOUND_IS_DELETED, false)
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
