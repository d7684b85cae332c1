package org.backbonesync.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.jira.JiraRateLimitedException;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** Jira's requests and rate limits as meters, with bounded tags, after real requests. */
class MicrometerJiraListenerTest {
  @Test
  void requestsAndRateLimitsAreCountedByEndpointTemplate() {
    ManualClock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker project = InMemoryIssueTracker.builder("PA").clock(clock)
        .syncUser("sync").users("alice").build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakeJiraServer server = FakeJiraServer.builder(project)
        .flavour(FakeJiraServer.Flavour.CLOUD).credential("sync", "secret").start()) {
      IssueTracker tracker = JiraSite.builder(server.url())
          .flavour(JiraFlavour.CLOUD)
          .credentials(JiraCredentials.apiToken("sync@example.com", "secret"))
          .requestsPerSecond(0).clock(clock).sleeper(clock::advance)
          .requestListener(new MicrometerJiraListener(registry, "support"))
          .build().project("PA");
      String pa1 = project.create("Printer on fire");
      String pa2 = project.create("Stapler missing");
      tracker.issue(pa1);
      tracker.issue(pa2);
      server.enqueue(FakeJiraServer.Fault.rateLimited(1));
      tracker.issue(pa1);
      server.enqueue(FakeJiraServer.Fault.status(429, java.util.Map.of("Retry-After", "3600",
          "RateLimit-Reason", "jira-quota-tenant-based"), ""));
      assertThrows(JiraRateLimitedException.class, () -> tracker.issue(pa2));

      assertEquals(1, registry.get("backbone.jira.paused").tags("site", "support", "scope",
          "endpoint", "reason", "jira-burst-based").timer().count());
      assertEquals(1.0, registry.get("backbone.jira.paused").tags("scope", "site", "reason",
          "jira-quota-tenant-based").timer().totalTime(java.util.concurrent.TimeUnit.HOURS));
      assertEquals(1.0, registry.get("backbone.jira.deferred").tags("site", "support", "scope",
          "site", "reason", "jira-quota-tenant-based").counter().count());
      assertEquals(3.0, registry.get("backbone.jira.requests")
          .tags("site", "support", "method", "GET", "endpoint", "/rest/api/3/issue/{key}",
              "status", "200").counter().count(), "two issues, one endpoint");
      assertEquals(1.0, registry.get("backbone.jira.ratelimited")
          .tags("site", "support", "status", "429", "reason", "jira-burst-based").counter()
          .count());
      assertEquals(5, registry.get("backbone.jira.request.latency")
          .tags("endpoint", "/rest/api/3/issue/{key}").timer().count());
      for (Meter meter : registry.getMeters()) {
        for (var tag : meter.getId().getTags()) {
          assertTrue(!tag.getValue().contains("PA-") && !tag.getValue().contains("secret"),
              meter.getId().toString());
        }
      }
    }
  }
}
