package org.backbonesync.jira;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;

/**
 * A fake Jira site for a test: an in-memory project behind a {@link FakeJiraServer}, and a
 * {@link JiraSite} reaching it as the sync user. Waits of the adapter move the manual clock
 * (and are recorded) instead of sleeping.
 */
final class FakeSite implements AutoCloseable {
  static final String SYNC_USER = "sync";
  static final String SECRET = "s3cret-token";

  final FakeJiraServer.Flavour flavour;
  final ManualClock clock;
  final InMemoryIssueTracker project;
  final FakeJiraServer server;
  final JiraSite site;
  final IssueTracker tracker;
  final List<Duration> waits = new ArrayList<>();

  FakeSite(FakeJiraServer.Flavour flavour, ManualClock clock,
      Consumer<InMemoryIssueTracker.Builder> adjustProject,
      Consumer<FakeJiraServer.Builder> adjustServer, Consumer<JiraSite.Builder> adjustSite) {
    this(flavour, clock, InMemoryIssueTracker.builder("PA").clock(clock).syncUser(SYNC_USER)
        .users("alice", "bob").with(adjustProject).build(), adjustServer, adjustSite);
  }

  FakeSite(FakeJiraServer.Flavour flavour, ManualClock clock, InMemoryIssueTracker project,
      Consumer<FakeJiraServer.Builder> adjustServer, Consumer<JiraSite.Builder> adjustSite) {
    this.flavour = flavour;
    this.clock = clock;
    this.project = project;
    FakeJiraServer.Builder sb = FakeJiraServer.builder(project).flavour(flavour)
        .credential(project.user(), SECRET);
    adjustServer.accept(sb);
    this.server = sb.start();
    JiraSite.Builder b = JiraSite.builder(server.url())
        .credentials(flavour == FakeJiraServer.Flavour.CLOUD
            ? JiraCredentials.apiToken(project.user() + "@example.com", SECRET)
            : JiraCredentials.personalAccessToken(SECRET))
        .flavour(flavour == FakeJiraServer.Flavour.CLOUD ? JiraFlavour.CLOUD : JiraFlavour.SERVER)
        .clock(clock)
        .requestsPerSecond(0)
        .endpointRequestsPerSecond(0, 1) // paced only where a test says so
        .issueWritesPerSecond(0, 1)
        .timeout(Duration.ofSeconds(10))
        .random(new java.util.Random(1))
        .sleeper(d -> {
          synchronized (waits) {
            waits.add(d);
          }
          clock.advance(d);
        });
    adjustSite.accept(b);
    this.site = b.build();
    this.tracker = site.project(project.projectKey());
  }

  static FakeSite of(FakeJiraServer.Flavour flavour) {
    return new FakeSite(flavour, ManualClock.startingAt2026(), p -> { }, s -> { }, s -> { });
  }

  @Override
  public void close() {
    server.close();
  }
}
