package org.backbonesync.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rate limits of {@link FakeJiraServer}, as Jira Cloud applies them: a burst limit per
 * endpoint and method, a write limit per issue (both sliding windows) and a quota for the whole
 * site (a fixed window, each request one point). Each is off unless configured. A request over a
 * limit is answered 429 and not counted. Thread-safe; time is the project's clock.
 */
final class FakeJiraLimits {
  /** At most {@code count} in any {@code per}; count 0 for no limit. */
  record Window(int count, Duration per) {
    static final Window NONE = new Window(0, Duration.ZERO);

    static Window of(String what, int count, Duration per) {
      if (count < 1) {
        throw new IllegalArgumentException(what + " must allow at least 1, was " + count);
      }
      if (per == null || per.isZero() || per.isNegative()) {
        throw new IllegalArgumentException(what + " window must be positive, was " + per);
      }
      return new Window(count, per);
    }
  }

  /** A refusal: the reason Jira names and the instant the limit frees up. */
  record Refusal(String reason, int limit, Instant reset, boolean retryAfter) {
    /** The headers of the 429, as Cloud sends them (Server names no reason). */
    Map<String, String> headers(boolean cloud, Instant now) {
      Map<String, String> h = new LinkedHashMap<>();
      long seconds = Math.max(1, (Duration.between(now, reset).toMillis() + 999) / 1000);
      if (retryAfter || !cloud) {
        h.put("Retry-After", String.valueOf(seconds));
      }
      h.put("X-RateLimit-Reset", reset.toString());
      h.put("X-RateLimit-Limit", String.valueOf(limit));
      h.put("X-RateLimit-Remaining", "0");
      if (cloud) {
        h.put("RateLimit-Reason", reason);
      }
      return h;
    }
  }

  static final String BURST = "jira-burst-based";
  static final String ISSUE = "jira-per-issue-on-write";
  static final String QUOTA = "jira-quota-global-based";
  private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*-[0-9]+");
  private static final Pattern ID = Pattern.compile("[0-9]+");

  private final Clock clock;
  private final Window burst;
  private final Window issueWrites;
  private final Window quota;
  private final Map<String, Deque<Instant>> endpoints = new HashMap<>();
  private final Map<String, Deque<Instant>> issues = new HashMap<>();
  private Instant quotaStart;
  private int quotaUsed;
  private long refused;

  FakeJiraLimits(Clock clock, Window burst, Window issueWrites, Window quota) {
    this.clock = clock;
    this.burst = burst;
    this.issueWrites = issueWrites;
    this.quota = quota;
  }


  /** Counts a request, or refuses it (then it counts for nothing). */
  synchronized Refusal take(String method, String path, String api) {
    Instant now = clock.instant();
    if (quota.count() > 0 && (quotaStart == null
        || !now.isBefore(quotaStart.plus(quota.per())))) {
      quotaStart = now;
      quotaUsed = 0;
    }
    if (quota.count() > 0 && quotaUsed >= quota.count()) {
      refused++;
      return new Refusal(QUOTA, quota.count(), quotaStart.plus(quota.per()), false);
    }
    Deque<Instant> e = null;
    if (burst.count() > 0) {
      e = endpoints.computeIfAbsent(method + " " + template(path), k -> new ArrayDeque<>());
      Instant free = full(e, burst, now);
      if (free != null) {
        refused++;
        return new Refusal(BURST, burst.count(), free, true);
      }
    }
    Deque<Instant> i = null;
    String issue = method.equals("GET") ? null : writtenIssue(path, api);
    if (issueWrites.count() > 0 && issue != null) {
      i = issues.computeIfAbsent(issue, k -> new ArrayDeque<>());
      Instant free = full(i, issueWrites, now);
      if (free != null) {
        refused++;
        return new Refusal(ISSUE, issueWrites.count(), free, true);
      }
    }
    if (quota.count() > 0) {
      quotaUsed++;
    }
    if (e != null) {
      e.addLast(now);
    }
    if (i != null) {
      i.addLast(now);
    }
    return null;
  }

  synchronized long refused() {
    return refused;
  }

  /** When a full window frees a place, or null when it has one now. */
  private static Instant full(Deque<Instant> stamps, Window w, Instant now) {
    while (!stamps.isEmpty() && !stamps.peekFirst().plus(w.per()).isAfter(now)) {
      stamps.removeFirst();
    }
    return stamps.size() < w.count() ? null : stamps.peekFirst().plus(w.per());
  }

  /** The issue key of {@code <api>/issue/{key}[/...]}, or null. */
  private static String writtenIssue(String path, String api) {
    if (!path.startsWith(api + "/issue/")) {
      return null;
    }
    String[] p = path.substring(api.length() + "/issue/".length()).split("/");
    return p.length > 0 && KEY.matcher(p[0]).matches() ? p[0] : null;
  }

  /** The path with issue keys and ids as placeholders: one endpoint whatever the issue. */
  private static String template(String path) {
    StringBuilder out = new StringBuilder();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.append('/').append(KEY.matcher(s).matches() ? "{key}"
            : ID.matcher(s).matches() ? "{id}" : s);
      }
    }
    return out.toString();
  }
}
