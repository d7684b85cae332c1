package org.backbonesync.jira.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.backbonesync.jira.JiraLimitScope;
import org.backbonesync.jira.JiraSite;

/**
 * The rate limits of one site as the adapter keeps them, shared by every project (connector) on
 * it. Paces space requests out before Jira would refuse them: one for the whole site, one per
 * endpoint and method, one per issue for writes. Pauses hold requests back after Jira refused
 * one, each in the scope Jira's {@code RateLimit-Reason} names (see {@link JiraLimitScope}), until
 * the wait Jira gave has passed. Thread-safe.
 *
 * <p>{@link #hold} tells a request what to do before it is sent: wait out a pause and ask again
 * (or, when the pause is too long, give up), or wait its paced slot, which is then taken.
 */
public final class RateLimits {
  /** Beyond this many issues (or paused scopes) remembered, idle ones are forgotten. */
  static final int SWEEP_AT = 4096;

  /**
   * On average {@code perSecond} requests a second, with up to {@code burst} at once; {@code
   * perSecond} 0 for no pace. Kept as the generic cell rate algorithm: a theoretical arrival
   * time that each request moves on by one interval, and that may run ahead of now by the burst.
   */
  public record Pace(double perSecond, int burst) {
    /** No pace. */
    public static final Pace NONE = new Pace(0, 1);

    /**
     * A pace within the bounds of {@link JiraSite#MIN_RATE}, {@link JiraSite#MAX_RATE} and {@link
     * JiraSite#MAX_BURST}.
     *
     * @throws IllegalArgumentException naming {@code what} and the bad value
     */
    public static Pace of(String what, double perSecond, int burst) {
      rate(what, perSecond, "no pace");
      if (burst < 1 || burst > JiraSite.MAX_BURST) {
        throw new IllegalArgumentException(what + " burst must be from 1 to 1000000, was "
            + burst);
      }
      return new Pace(perSecond, burst);
    }

    /**
     * The rate, unless outside 0 and [{@value JiraSite#MIN_RATE}, {@value JiraSite#MAX_RATE}]: a
     * rate so small that its interval is beyond what a long counts in nanoseconds (1e-300)
     * wrapped round and paced nothing, the opposite of what was asked, and NaN, infinities and
     * negatives mean none.
     *
     * @param zero what 0 means, e.g. {@code no limit}
     * @throws IllegalArgumentException naming {@code what} and the bad value
     */
    public static double rate(String what, double perSecond, String zero) {
      if (!(perSecond == 0
          || perSecond >= JiraSite.MIN_RATE && perSecond <= JiraSite.MAX_RATE)) {
        throw new IllegalArgumentException(what + " must be 0 (" + zero + ") or from 0.01 to"
            + " 10000, was " + perSecond);
      }
      return perSecond;
    }

    long intervalNanos() {
      return perSecond == 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    long toleranceNanos() {
      return intervalNanos() * (burst - 1);
    }
  }

  /** Jira's pause of a scope: what it holds back, why (its reason), and until when. */
  public record Pause(JiraLimitScope scope, String subject, String reason, long untilNanos) {
    /** E.g. {@code the site}, {@code GET /rest/api/3/search/jql}, {@code writes to PA-1}. */
    public String described() {
      return switch (scope) {
        case SITE -> "the site";
        case ENDPOINT -> subject;
        case ISSUE -> "writes to " + subject;
      };
    }
  }

  /**
   * What a request does before it is sent: sleep {@code delay}; when {@code pause} is not null it
   * is waiting for that pause and must ask again afterwards (no paced slot was taken).
   */
  public record Hold(Duration delay, Pause pause) {}

  /** One pace's state: the theoretical arrival time of the next request. */
  private static final class Bucket {
    long tat = Long.MIN_VALUE;

    long earliest(Pace pace, long at) {
      return tat == Long.MIN_VALUE ? at : Math.max(at, tat - pace.toleranceNanos());
    }

    void take(Pace pace, long at) {
      tat = (tat == Long.MIN_VALUE ? at : Math.max(tat, at)) + pace.intervalNanos();
    }

    boolean idle(long now) {
      return tat == Long.MIN_VALUE || tat <= now;
    }
  }

  private final Clock clock;
  private final Pace site;
  private final Pace endpointSet;
  private final Pace issueSet;
  private final Pace cloudEndpoint;
  private final Pace cloudIssue;
  private Pace endpoint;
  private Pace issue;
  private final Bucket siteBucket = new Bucket();
  private final Map<String, Bucket> endpoints = new HashMap<>();
  private final Map<String, Bucket> issues = new HashMap<>();
  private Pause sitePause;
  private final Map<String, Pause> endpointPauses = new HashMap<>();
  private final Map<String, Pause> issuePauses = new HashMap<>();

  /**
   * @param site the pace of all requests
   * @param endpoint the pace per endpoint and method; null for the flavour's default
   * @param issue the pace of writes per issue; null for the flavour's default
   * @param cloudEndpoint the default per endpoint on Cloud (Server has none)
   * @param cloudIssue the default per issue on Cloud (Server has none)
   */
  public RateLimits(Clock clock, Pace site, Pace endpoint, Pace issue, Pace cloudEndpoint,
      Pace cloudIssue) {
    this.clock = clock;
    this.site = site;
    this.endpointSet = endpoint;
    this.issueSet = issue;
    this.cloudEndpoint = cloudEndpoint;
    this.cloudIssue = cloudIssue;
    this.endpoint = endpoint == null ? Pace.NONE : endpoint;
    this.issue = issue == null ? Pace.NONE : issue;
  }

  /**
   * The site's flavour is known: the paces left to their default take the flavour's (until
   * then, only the site's pace applies: the only request is the one that detects it).
   */
  public synchronized void flavour(boolean cloud) {
    endpoint = endpointSet != null ? endpointSet : cloud ? cloudEndpoint : Pace.NONE;
    issue = issueSet != null ? issueSet : cloud ? cloudIssue : Pace.NONE;
  }

  /** {@link #hold(String, String, Pause)} for a request that has waited for no pause yet. */
  Hold hold(String endpoint, String writtenIssue) {
    return hold(endpoint, writtenIssue, null);
  }

  /**
   * What a request must do before it is sent.
   *
   * @param endpoint the method and path template, e.g. {@code GET /rest/api/3/issue/{key}}
   * @param writtenIssue the issue a write changes; null for a read or a write to none
   * @param waited a pause the request has already waited for (its sleep may have ended before
   *     the clock says so), or null: that pause, and any ending no later, no longer hold it
   */
  public synchronized Hold hold(String endpoint, String writtenIssue, Pause waited) {
    long now = nanos();
    Pause pause = longest(Math.max(now, waited == null ? Long.MIN_VALUE : waited.untilNanos()),
        sitePause, endpointPauses.get(endpoint),
        writtenIssue == null ? null : issuePauses.get(writtenIssue));
    if (pause != null) {
      return new Hold(millis(pause.untilNanos() - now), pause);
    }
    Bucket e = this.endpoint.perSecond() == 0 ? null
        : endpoints.computeIfAbsent(endpoint, k -> new Bucket());
    Bucket i = writtenIssue == null || issue.perSecond() == 0 ? null
        : issues.computeIfAbsent(writtenIssue, k -> new Bucket());
    long at = now;
    if (site.perSecond() > 0) {
      at = Math.max(at, siteBucket.earliest(site, now));
    }
    if (e != null) {
      at = Math.max(at, e.earliest(this.endpoint, now));
    }
    if (i != null) {
      at = Math.max(at, i.earliest(issue, now));
    }
    if (site.perSecond() > 0) {
      siteBucket.take(site, at);
    }
    if (e != null) {
      e.take(this.endpoint, at);
    }
    if (i != null) {
      i.take(issue, at);
      if (issues.size() > SWEEP_AT) {
        issues.values().removeIf(b -> b.idle(now));
      }
    }
    return new Hold(millis(at - now), null);
  }

  /** Rounded up to whole milliseconds, as clocks and sleeps count: a wait never ends early. */
  private static Duration millis(long nanos) {
    return Duration.ofMillis(nanos / 1_000_000 + (nanos % 1_000_000 > 0 ? 1 : 0));
  }

  /**
   * Jira refused a request for a while: pauses the scope its reason names (the request's issue
   * for a per-issue limit on a write, its endpoint for a burst limit, else the site), unless
   * already paused for longer.
   *
   * @param reason Jira's {@code RateLimit-Reason}, made safe to show
   * @param writtenIssue the issue the request writes to, or null
   * @return the scope's pause from now on
   */
  public synchronized Pause pause(String reason, String endpoint, String writtenIssue,
      Duration wait) {
    long now = nanos();
    long until = later(now, wait);
    JiraLimitScope scope = scopeOf(reason, writtenIssue);
    return switch (scope) {
      case SITE -> sitePause = later(sitePause, new Pause(scope, "", reason, until));
      case ENDPOINT -> remember(endpointPauses, new Pause(scope, endpoint, reason, until), now);
      case ISSUE -> remember(issuePauses, new Pause(scope, writtenIssue, reason, until), now);
    };
  }

  /**
   * The clock's nanoseconds {@code wait} after {@code now}, saturating: a wait beyond what a long
   * holds (or that would carry the sum past it) pauses until the end of the long, never wraps
   * round to the past, which would lose the pause.
   */
  static long later(long now, Duration wait) {
    if (wait.isNegative() || wait.isZero()) {
      return now;
    }
    long nanos = wait.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE
        : wait.toNanos();
    return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
  }

  /** The scope Jira's reason names; per issue only for a write to a known issue. */
  static JiraLimitScope scopeOf(String reason, String writtenIssue) {
    return switch (reason) {
      case "jira-burst-based" -> JiraLimitScope.ENDPOINT;
      case "jira-per-issue-on-write" -> writtenIssue == null ? JiraLimitScope.ENDPOINT
          : JiraLimitScope.ISSUE;
      default -> JiraLimitScope.SITE; // the quotas, Server's per-user limit, anything unknown
    };
  }

  private static Pause remember(Map<String, Pause> pauses, Pause pause, long now) {
    if (pauses.size() > SWEEP_AT) {
      pauses.values().removeIf(p -> p.untilNanos() <= now);
    }
    return pauses.merge(pause.subject(), pause, RateLimits::later);
  }

  private static Pause later(Pause a, Pause b) {
    return a == null || b.untilNanos() > a.untilNanos() ? b : a;
  }

  /** The pause that ends last, of those that end after {@code after}; or null. */
  private static Pause longest(long after, Pause... pauses) {
    Pause out = null;
    for (Pause p : pauses) {
      if (p != null && p.untilNanos() > after && (out == null || p.untilNanos() > out.untilNanos())) {
        out = p;
      }
    }
    return out;
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
