package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.backbonesync.jira.JiraLimitScope;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.Test;

/** The arithmetic of paces and pauses, on a manual clock. */
class RateLimitsTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private static final RateLimits.Pace NONE = RateLimits.Pace.NONE;

  private RateLimits limits(RateLimits.Pace endpoint, RateLimits.Pace issue) {
    return new RateLimits(clock, NONE, endpoint, issue, NONE, NONE);
  }

  @Test
  void eachReasonPausesItsScope() {
    assertEquals(JiraLimitScope.ENDPOINT, RateLimits.scopeOf("jira-burst-based", "PA-1"));
    assertEquals(JiraLimitScope.ISSUE, RateLimits.scopeOf("jira-per-issue-on-write", "PA-1"));
    assertEquals(JiraLimitScope.ENDPOINT, RateLimits.scopeOf("jira-per-issue-on-write", null),
        "a per-issue limit on a request that names no issue: its endpoint");
    assertEquals(JiraLimitScope.SITE, RateLimits.scopeOf("jira-quota-global-based", null));
    assertEquals(JiraLimitScope.SITE, RateLimits.scopeOf("jira-quota-tenant-based", "PA-1"));
    assertEquals(JiraLimitScope.SITE, RateLimits.scopeOf("unknown", null));
    assertEquals(JiraLimitScope.SITE, RateLimits.scopeOf("other", null));
  }

  @Test
  void aBurstPassesAtOnceThenRequestsFollowAtThePace() {
    RateLimits limits = limits(new RateLimits.Pace(4, 3), null);
    long waited = 0;
    for (int i = 0; i < 3; i++) {
      waited += limits.hold("GET /a", null).delay().toMillis();
    }
    assertEquals(0, waited);
    assertEquals(Duration.ofMillis(250), limits.hold("GET /a", null).delay());
    assertEquals(Duration.ZERO, limits.hold("GET /b", null).delay(), "another endpoint");
    assertEquals(Duration.ZERO, limits.hold("PUT /a", null).delay(), "another method");
  }

  @Test
  void issuePaceCountsWritesOnly() {
    RateLimits limits = limits(null, new RateLimits.Pace(1, 1));
    assertEquals(Duration.ZERO, limits.hold("PUT /issue/{key}", "PA-1").delay());
    assertEquals(Duration.ZERO, limits.hold("GET /issue/{key}", null).delay());
    assertEquals(Duration.ZERO, limits.hold("PUT /issue/{key}", "PA-2").delay());
    assertEquals(Duration.ofSeconds(1), limits.hold("POST /issue/{key}/comment", "PA-1")
        .delay());
  }

  @Test
  void aPauseWaitedForOnceNoLongerHoldsTheRequestEvenIfTheClockStoodStill() {
    RateLimits limits = limits(null, null);
    RateLimits.Pause pause = limits.pause("jira-quota-global-based", "GET /a", null,
        Duration.ofSeconds(30));

    RateLimits.Hold first = limits.hold("GET /b", null, null);
    assertSame(pause, first.pause());
    assertEquals(Duration.ofSeconds(30), first.delay());
    assertNull(limits.hold("GET /b", null, pause).pause(), "a sleeper that does not move the"
        + " clock cannot make the request spin");
    RateLimits.Pause longer = limits.pause("jira-quota-global-based", "GET /a", null,
        Duration.ofSeconds(60));
    assertSame(longer, limits.hold("GET /b", null, pause).pause(), "a longer pause since holds");
  }

  @Test
  void idleIssuesAreForgottenSoTheMapStaysBounded() throws Exception {
    RateLimits limits = limits(null, new RateLimits.Pace(1000, 1));
    for (int i = 0; i < RateLimits.SWEEP_AT * 3; i++) {
      limits.hold("PUT /issue/{key}", "PA-" + i);
      clock.advance(Duration.ofMillis(1));
    }
    var field = RateLimits.class.getDeclaredField("issues");
    field.setAccessible(true);
    assertTrue(((java.util.Map<?, ?>) field.get(limits)).size() <= RateLimits.SWEEP_AT + 1);
  }

  @Test
  void aPaceIsCheckedWhenMade() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RateLimits.Pace.of("issueWritesPerSecond", -1, 1));
    assertEquals("issueWritesPerSecond must be 0 (no pace) or from 0.01 to 10000, was -1.0",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RateLimits.Pace.of("endpointRequestsPerSecond", 5, 0));
  }

  /**
   * A burst's tolerance is an interval per request of it: at 0.01 a second a burst of 2^31 - 1
   * wrapped round, and the second request waited 209 years. The largest burst taken keeps it
   * within a long.
   */
  @Test
  void theLargestBurstAtTheSmallestRateStaysABurst() {
    assertEquals("endpointRequestsPerSecond burst must be from 1 to 1000000, was 2147483647",
        assertThrows(IllegalArgumentException.class, () -> RateLimits.Pace.of(
            "endpointRequestsPerSecond", 0.01, Integer.MAX_VALUE)).getMessage());
    RateLimits limits = limits(RateLimits.Pace.of("endpointRequestsPerSecond",
        JiraSite.MIN_RATE, JiraSite.MAX_BURST), null);

    for (int i = 0; i < 3; i++) {
      assertEquals(Duration.ZERO, limits.hold("GET /a", null).delay(), "request " + i);
    }
  }

  @Test
  void aPauseBeyondWhatALongHoldsEndsAtTheEndOfTheLongRatherThanInThePast() {
    RateLimits limits = limits(null, null);
    for (Duration wait : new Duration[] {Duration.ofSeconds(9_000_000_000L),
        Duration.ofSeconds(999_999_999_999L), Duration.ofSeconds(Long.MAX_VALUE)}) {
      RateLimits.Pause pause = limits.pause("unknown", "GET /a", null, wait);

      RateLimits.Hold hold = limits.hold("GET /a", null);

      assertSame(pause, hold.pause(), wait.toString());
      assertTrue(hold.delay().compareTo(Duration.ofDays(365 * 100)) > 0, hold.delay().toString());
    }
    assertEquals(Long.MAX_VALUE, RateLimits.later(Long.MAX_VALUE - 5, Duration.ofNanos(6)));
    assertEquals(7, RateLimits.later(7, Duration.ofSeconds(-1)));
  }
}
