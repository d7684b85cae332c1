package org.backbonesync.jira;

import java.time.Duration;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.kit.IssueTrackerCompatibilityKit;
import org.junit.jupiter.api.AfterEach;

/** The adapter on Jira Cloud (REST v3, over HTTP to the fake server) passes the tracker kit. */
class CloudTrackerKitTest extends IssueTrackerCompatibilityKit {
  private FakeSite site;

  @Override
  protected IssueTracker newTracker() {
    site = FakeSite.of(FakeJiraServer.Flavour.CLOUD);
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
