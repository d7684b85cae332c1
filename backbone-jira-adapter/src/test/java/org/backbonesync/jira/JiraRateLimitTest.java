package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jira Cloud's three rate limits, enforced by the fake server, each met in its own scope: a
 * burst limit slows one endpoint and method, the per-issue write limit one issue's writes, the
 * quota the whole site until its reset. And the paces that keep requests under the limits in the
 * first place. Waits move the manual clock through the site's sleeper; nothing sleeps.
 */
class JiraRateLimitTest {
  private FakeSite site;
  private final List<String> heard = new ArrayList<>();

  @AfterEach
  void stop() {
    if (site != null) {
      site.close();
    }
  }

  /** What a listener hears of rate limits: 429s, pauses with their scope and wait, give-ups. */
  private final JiraRequestListener listener = new JiraRequestListener() {
    @Override
    public void answered(String method, String endpoint, int status, Duration took) {}

    @Override
    public void rateLimited(String method, String endpoint, int status, String reason) {
      heard.add(status + " " + method + " " + endpoint + " " + reason);
    }

    @Override
    public void paused(String method, String endpoint, String reason, JiraLimitScope scope,
        Duration wait) {
      heard.add("paused " + scope + " " + wait + " after " + method + " " + endpoint);
    }

    @Override
    public void deferred(String method, String endpoint, String reason, JiraLimitScope scope,
        Duration wait) {
      heard.add("deferred " + method + " " + endpoint + ": " + scope + " " + wait);
    }
  };

  private FakeSite site(FakeJiraServer.Flavour flavour, Consumer<FakeJiraServer.Builder> server,
      Consumer<JiraSite.Builder> adjust) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { }, server,
        b -> adjust.accept(b.requestListener(listener)));
    return site;
  }

  /** Issues made directly in the project; the session warmed up and the limits' windows past. */
  private List<String> issues(String... summaries) {
    List<String> keys = new ArrayList<>();
    for (String s : summaries) {
      keys.add(site.project.create(s));
    }
    site.tracker.issue(keys.get(0));
    site.clock.advance(Duration.ofHours(2));
    site.server.clearRequests();
    site.waits.clear();
    heard.clear();
    return keys;
  }

  private long hits(String method, String pathPart) {
    return site.server.count(method, pathPart);
  }

  /** How long the call took on the manual clock: what it waited. */
  private Duration took(Runnable call) {
    Instant before = site.clock.instant();
    call.run();
    return Duration.between(before, site.clock.instant());
  }

  @Test
  void aBurstOnOneEndpointDoesNotSlowAnother() {
    site(FakeJiraServer.Flavour.CLOUD, s -> s.burstLimit(3, Duration.ofSeconds(10)),
        b -> b.maxRetryAfter(Duration.ofSeconds(5)));
    List<String> keys = issues("Printer on fire", "Toner low");
    String hot = keys.get(0);
    for (int i = 0; i < 3; i++) {
      site.tracker.issue(hot);
    }

    JiraRateLimitedException e = assertThrows(JiraRateLimitedException.class,
        () -> site.tracker.issue(hot));

    assertEquals(JiraLimitScope.ENDPOINT, e.scope());
    assertEquals("jira-burst-based", e.reason());
    assertEquals(Optional.of(Duration.ofSeconds(10)), e.retryAfter(), "the window's end");
    assertEquals(List.of(
        "429 GET /rest/api/3/issue/{key} jira-burst-based",
        "paused ENDPOINT PT10S after GET /rest/api/3/issue/{key}",
        "deferred GET /rest/api/3/issue/{key}: ENDPOINT PT10S"), heard);

    assertEquals(Duration.ZERO, took(() -> site.tracker.comments(hot)), "another endpoint");
    assertEquals(Duration.ZERO, took(() -> site.tracker.updateIssue(hot,
        Map.of("summary", text("Printer on fire, really")))), "the same path with PUT");
    long gets = hits("GET", "/issue/");
    heard.clear();
    JiraRateLimitedException held = assertThrows(JiraRateLimitedException.class,
        () -> site.tracker.issue(keys.get(1)));
    assertEquals(gets, hits("GET", "/issue/"), "not sent: the endpoint is paused for any issue");
    assertEquals(JiraLimitScope.ENDPOINT, held.scope());
    assertEquals(List.of("deferred GET /rest/api/3/issue/{key}: ENDPOINT PT10S"), heard);
    assertTrue(held.getMessage().contains("GET /rest/api/3/issue/{key} is paused for 10 s"),
        held.getMessage());
    assertEquals(List.of(), site.waits);

    site.clock.advance(Duration.ofSeconds(10));
    assertEquals("Toner low", site.tracker.issue(keys.get(1)).orElseThrow().field("summary")
        .asText());
  }

  @Test
  void aShortBurstPauseIsWaitedOutInsideTheCallAndHeardWithItsWait() {
    site(FakeJiraServer.Flavour.CLOUD, s -> s.burstLimit(2, Duration.ofSeconds(1)), b -> { });
    String key = issues("Printer on fire").get(0);
    site.tracker.issue(key);
    site.tracker.issue(key);

    assertEquals(Duration.ofSeconds(1), took(() -> site.tracker.issue(key)));

    assertEquals(List.of(Duration.ofSeconds(1)), site.waits);
    assertEquals(List.of("429 GET /rest/api/3/issue/{key} jira-burst-based",
        "paused ENDPOINT PT1S after GET /rest/api/3/issue/{key}"), heard);
    assertEquals(1, site.server.rateLimited());
  }

  @Test
  void writesToOneHotIssueDoNotDelayWritesToOtherIssues() {
    site(FakeJiraServer.Flavour.CLOUD, s -> s.issueWriteLimit(2, Duration.ofSeconds(30)),
        b -> b.maxRetryAfter(Duration.ofSeconds(5)));
    List<String> keys = issues("Printer on fire", "Toner low");
    String hot = keys.get(0);
    String cool = keys.get(1);
    site.tracker.updateIssue(hot, Map.of("summary", text("Printer on fire!")));
    site.tracker.addComment(hot, "smoke everywhere");

    JiraRateLimitedException e = assertThrows(JiraRateLimitedException.class,
        () -> site.tracker.addComment(hot, "call the fire brigade"));

    assertEquals(JiraLimitScope.ISSUE, e.scope());
    assertEquals(Optional.of(Duration.ofSeconds(30)), e.retryAfter());
    assertEquals("paused ISSUE PT30S after POST /rest/api/3/issue/{key}/comment", heard.get(1));
    assertEquals(Duration.ZERO, took(() -> site.tracker.updateIssue(cool,
        Map.of("summary", text("Toner low!")))), "another issue's writes");
    assertEquals(Duration.ZERO, took(() -> site.tracker.addComment(cool, "ordered")));
    assertEquals("Printer on fire!", site.tracker.issue(hot).orElseThrow().field("summary")
        .asText(), "the hot issue is still read");
    long puts = hits("PUT", "/issue/" + hot);
    JiraRateLimitedException held = assertThrows(JiraRateLimitedException.class,
        () -> site.tracker.updateIssue(hot, Map.of("summary", text("Printer ok"))));
    assertEquals(JiraLimitScope.ISSUE, held.scope());
    assertTrue(held.getMessage().contains("writes to " + hot + " is paused for 30 s"),
        held.getMessage());
    assertEquals(puts, hits("PUT", "/issue/" + hot), "not sent");
    assertEquals(List.of(), site.waits);

    site.clock.advance(Duration.ofSeconds(30));
    site.tracker.updateIssue(hot, Map.of("summary", text("Printer ok")));
    assertEquals("Printer ok", site.project.value(hot, "summary").asText());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FakeJiraServer.Flavour.class)
  void aQuotaPausesEveryRequestToTheSiteUntilTheReset(FakeJiraServer.Flavour flavour) {
    site(flavour, s -> s.quota(12, Duration.ofHours(1)), b -> { });
    List<String> keys = issues("Printer on fire", "Toner low");
    Instant start = site.clock.instant();
    JiraRateLimitedException e = null;
    for (int i = 0; i < 20 && e == null; i++) {
      try {
        site.tracker.issue(keys.get(0));
      } catch (JiraRateLimitedException limited) {
        e = limited;
      }
    }

    assertTrue(e != null, "the quota was reached");
    assertEquals(JiraLimitScope.SITE, e.scope());
    assertEquals(flavour == FakeJiraServer.Flavour.CLOUD ? "jira-quota-global-based" : "unknown",
        e.reason(), "Server/Data Center names no reason: its limit is the user's, site-wide");
    assertEquals(Optional.of(Duration.ofHours(1)), e.retryAfter(), "until the window's reset");
    assertFalse(e.getMessage().contains(FakeSite.SECRET), e.getMessage());
    String api = flavour == FakeJiraServer.Flavour.CLOUD ? "/rest/api/3" : "/rest/api/2";
    assertEquals(List.of("429 GET " + api + "/issue/{key} "
            + (flavour == FakeJiraServer.Flavour.CLOUD ? "jira-quota-global-based" : "unknown"),
        "paused SITE PT1H after GET " + api + "/issue/{key}",
        "deferred GET " + api + "/issue/{key}: SITE PT1H"), heard);

    int sent = site.server.requests().size();
    List<Runnable> others = List.of(
        () -> site.tracker.updateIssue(keys.get(1), Map.of("summary", text("Toner out"))),
        () -> site.tracker.comments(keys.get(1)),
        () -> site.tracker.findUpdatedSince(0, null, 50, null),
        () -> site.tracker.addComment(keys.get(0), "still burning"));
    for (Runnable call : others) {
      JiraRateLimitedException held = assertThrows(JiraRateLimitedException.class, call::run);
      assertEquals(JiraLimitScope.SITE, held.scope());
      assertEquals(Optional.of(Duration.ofHours(1)), held.retryAfter());
    }
    assertEquals(sent, site.server.requests().size(), "nothing sent while the site is paused");
    assertEquals(start, site.clock.instant(), "and nothing waited for");
    assertEquals(4, heard.stream().filter(h -> h.startsWith("deferred")
        && h.endsWith("SITE PT1H")).count() - 1);

    site.clock.advance(Duration.ofHours(1));
    site.tracker.updateIssue(keys.get(1), Map.of("summary", text("Toner out")));
    assertEquals("Toner out", site.project.value(keys.get(1), "summary").asText());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FakeJiraServer.Flavour.class)
  void aQuotaResetWithinTheLongestWaitIsWaitedForAndHeard(FakeJiraServer.Flavour flavour) {
    site(flavour, s -> s.quota(3, Duration.ofSeconds(40)), b -> { });
    String key = issues("Printer on fire").get(0);
    site.tracker.issue(key);
    site.clock.advance(Duration.ofSeconds(10));
    site.tracker.issue(key);
    site.tracker.issue(key);

    assertEquals(Duration.ofSeconds(30), took(() -> site.tracker.addComment(key, "smoke")));

    assertEquals(List.of(Duration.ofSeconds(30)), site.waits, "to the reset, once");
    assertEquals(1, heard.stream().filter(h -> h.startsWith("paused SITE PT30S")).count(),
        heard.toString());
    assertEquals(1, site.project.comments(key).size());
  }

  @Test
  void writesToAHotIssueArePacedBelowTheLimitWhileOtherIssuesGoOn() {
    site(FakeJiraServer.Flavour.CLOUD, s -> s.issueWriteLimit(1, Duration.ofSeconds(1)),
        b -> b.issueWritesPerSecond(1, 1));
    List<String> keys = issues("Printer on fire", "Toner low", "Paper jam");
    String hot = keys.get(0);
    List<Duration> hotWaits = new ArrayList<>();
    List<Duration> otherWaits = new ArrayList<>();

    for (int i = 0; i < 3; i++) {
      int n = i;
      hotWaits.add(took(() -> site.tracker.addComment(hot, "smoke " + n)));
      otherWaits.add(took(() -> site.tracker.addComment(keys.get(1 + n % 2), "noted " + n)));
    }

    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)), hotWaits);
    assertEquals(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO), otherWaits);
    assertEquals(0, site.server.rateLimited(), "paced, never refused");
    assertEquals(3, site.project.comments(hot).size());
  }

  @Test
  void anEndpointIsPacedBelowItsBurstLimitWithoutSlowingTheOthers() {
    site(FakeJiraServer.Flavour.CLOUD, s -> s.burstLimit(10, Duration.ofSeconds(1)),
        b -> b.endpointRequestsPerSecond(5, 5));
    String key = issues("Printer on fire").get(0);
    Duration reads = Duration.ZERO;
    Duration others = Duration.ZERO;

    for (int i = 0; i < 20; i++) {
      reads = reads.plus(took(() -> site.tracker.issue(key)));
      others = others.plus(took(() -> site.tracker.comments(key)));
    }

    assertEquals(0, site.server.rateLimited(), "paced, never refused");
    assertEquals(Duration.ofSeconds(3), reads, "five at once, then one each 200 ms");
    assertTrue(others.compareTo(Duration.ofSeconds(1)) < 0, "the comments' own pace: " + others);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FakeJiraServer.Flavour.class)
  void cloudIsPacedByDefaultAndServerOnlyWhenConfigured(FakeJiraServer.Flavour flavour) {
    site(flavour, s -> { }, b -> { });
    String key = issues("Printer on fire").get(0);
    List<Duration> waits = new ArrayList<>();
    ManualClock clock = site.clock;
    IssueTracker detected = JiraSite.builder(site.server.url())
        .credentials(flavour == FakeJiraServer.Flavour.CLOUD
            ? JiraCredentials.apiToken("sync@example.com", FakeSite.SECRET)
            : JiraCredentials.personalAccessToken(FakeSite.SECRET))
        .requestsPerSecond(0) // the site's own pace apart
        .clock(clock)
        .sleeper(d -> {
          waits.add(d);
          clock.advance(d);
        })
        .build().project("PA"); // flavour detected: the paces follow it
    Instant start = clock.instant();

    for (int i = 0; i < 13; i++) {
      detected.addComment(key, "smoke " + i);
    }

    Duration took = Duration.between(start, clock.instant());
    if (flavour == FakeJiraServer.Flavour.CLOUD) {
      assertEquals(Duration.ofSeconds(1), took,
          "ten at once, then three a second");
    } else {
      assertEquals(Duration.ZERO, took);
      assertEquals(List.of(), waits);
    }
  }
}
