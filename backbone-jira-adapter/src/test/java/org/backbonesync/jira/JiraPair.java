package org.backbonesync.jira;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Two fake Jira sites, one per project of a {@link SyncTestDriver}: the engine reaches each
 * project over HTTP through the adapter, while the test edits the projects directly as people
 * on those sites would.
 */
final class JiraPair implements AutoCloseable {
  /** Which flavour each side speaks. */
  enum Flavours {
    CLOUD_CLOUD(FakeJiraServer.Flavour.CLOUD, FakeJiraServer.Flavour.CLOUD),
    SERVER_SERVER(FakeJiraServer.Flavour.SERVER, FakeJiraServer.Flavour.SERVER),
    CLOUD_SERVER(FakeJiraServer.Flavour.CLOUD, FakeJiraServer.Flavour.SERVER);

    final FakeJiraServer.Flavour a;
    final FakeJiraServer.Flavour b;

    Flavours(FakeJiraServer.Flavour a, FakeJiraServer.Flavour b) {
      this.a = a;
      this.b = b;
    }
  }

  final ManualClock clock;
  final SyncTestDriver sync;
  private final Map<String, FakeSite> sites = new LinkedHashMap<>();

  JiraPair(Flavours flavours, Consumer<SyncTestDriver.Builder> adjust) {
    this(flavours, ManualClock.startingAt2026(), adjust, s -> { });
  }

  /** @param adjustServers applied to both fake servers' builders (webhooks, say) */
  JiraPair(Flavours flavours, ManualClock clock, Consumer<SyncTestDriver.Builder> adjust,
      Consumer<FakeJiraServer.Builder> adjustServers) {
    this(flavours, clock, adjust, adjustServers, s -> { });
  }

  /** @param adjustSites applied to both sites' builders (how they take a 404, say) */
  JiraPair(Flavours flavours, ManualClock clock, Consumer<SyncTestDriver.Builder> adjust,
      Consumer<FakeJiraServer.Builder> adjustServers, Consumer<JiraSite.Builder> adjustSites) {
    this.clock = clock;
    SyncTestDriver.Builder builder = SyncTestDriver.builder().clock(clock)
        .trackers((key, project) -> {
          FakeSite site = new FakeSite(sites.isEmpty() ? flavours.a : flavours.b, clock, project,
              adjustServers, adjustSites);
          sites.put(key, site);
          return site.tracker;
        });
    adjust.accept(builder);
    this.sync = builder.build();
  }

  /** Side A's fake site (the first project the driver reaches). */
  FakeSite siteA() {
    return sites.get(sync.keyA());
  }

  /** Side B's fake site. */
  FakeSite siteB() {
    return sites.get(sync.keyB());
  }

  /** Forgets the requests both servers have seen so far. */
  void clearRequests() {
    sites.values().forEach(s -> s.server.clearRequests());
  }

  @Override
  public void close() {
    sites.values().forEach(FakeSite::close);
  }
}
