package org.backbonesync.jira;

import java.time.Duration;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.kit.IssueTrackerCompatibilityKit;
import org.junit.jupiter.api.AfterEach;

/** The adapter on Jira Server (REST v2, over HTTP to the fake server) passes the tracker kit. */
class ServerTrackerKitTest extends IssueTrackerCompatibilityKit {
  private FakeSite site;

  @Override
  protected IssueTracker newTracker() {
    site = FakeSite.of(FakeJiraServer.Flavour.SERVER);
    return site.tracker;
  }

  @Override
  protected String actingUser() {
    return FakeSite.SYNC_USER;
  }

  @Override
  protected void letTimePass() {
    site.clock.advance(Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    site.close();
  }
}
