package org.backbonesync.service;

import java.time.Clock;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;

/**
 * The two fake Jira sites most service tests run against: project PA on a Cloud site (sync user
 * sync-a with the API token {@code cloud-token-4711}, person alice) and PB on a Server site
 * (sync-b with the personal access token {@code server-pat-0815}, person bob), on the wall clock.
 */
final class FakeSitePair implements AutoCloseable {
  final InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
      .syncUser("sync-a").users("alice").build();
  final InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC())
      .syncUser("sync-b").users("bob").build();
  final FakeJiraServer cloud = FakeJiraServer.builder(pa).flavour(FakeJiraServer.Flavour.CLOUD)
      .credential("sync-a", "cloud-token-4711").start();
  final FakeJiraServer server = FakeJiraServer.builder(pb)
      .flavour(FakeJiraServer.Flavour.SERVER).credential("sync-b", "server-pat-0815").start();

  @Override
  public void close() {
    cloud.close();
    server.close();
  }
}
