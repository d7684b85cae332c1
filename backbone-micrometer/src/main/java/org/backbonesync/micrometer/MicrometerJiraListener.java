package org.backbonesync.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.backbonesync.jira.JiraLimitScope;
import org.backbonesync.jira.JiraRequestListener;

/**
 * Meters a Jira site's requests: give it to {@code JiraSite.builder(...).requestListener(...)}.
 * Every meter is tagged {@code site} (the name given here) and, but for the rate limits' meters,
 * {@code
 * method} and {@code endpoint} (the adapter's path template, e.g. {@code
 * /rest/api/3/issue/{key}}: no issue key, id or name, so the series stay bounded).
 *
 * <table>
 * <caption>The meters</caption>
 * <tr><th>name</th><th>type</th><th>extra tags</th><th>counts</th></tr>
 * <tr><td>{@code backbone.jira.requests}</td><td>counter</td><td>{@code status} (the HTTP
 *     status, or {@code timeout}, {@code connect} or {@code io} for no answer)</td><td>requests,
 *     retries included</td></tr>
 * <tr><td>{@code backbone.jira.request.latency}</td><td>timer</td><td></td><td>from sending to
 *     the answer's headers</td></tr>
 * <tr><td>{@code backbone.jira.ratelimited}</td><td>counter</td><td>{@code status}, {@code
 *     reason} (Jira's {@code RateLimit-Reason}, {@code unknown} or {@code other})</td><td>429s,
 *     and 503s with a reason</td></tr>
 * <tr><td>{@code backbone.jira.paused}</td><td>timer</td><td>{@code scope} ({@code endpoint},
 *     {@code issue} or {@code site}), {@code reason}</td><td>the pauses Jira's rate limits set,
 *     and how long</td></tr>
 * <tr><td>{@code backbone.jira.deferred}</td><td>counter</td><td>{@code scope}, {@code
 *     reason}</td><td>calls failed rather than wait for a pause longer than {@code
 *     maxRetryAfter} (the engine retries them later)</td></tr>
 * </table>
 */
public final class MicrometerJiraListener implements JiraRequestListener {
  private final MeterRegistry registry;
  private final String site;

  /**
   * @param site the site's name for the {@code site} tag, e.g. {@code support}
   */
  public MicrometerJiraListener(MeterRegistry registry, String site) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.site = Objects.requireNonNull(site, "site");
  }

  @Override
  public void answered(String method, String endpoint, int status, Duration took) {
    Counter.builder("backbone.jira.requests")
        .description("HTTP requests to Jira, by answer status; retries count")
        .tags("site", site, "method", method, "endpoint", endpoint, "status",
            String.valueOf(status))
        .register(registry).increment();
    Timer.builder("backbone.jira.request.latency")
        .description("Jira's answer time, to the headers")
        .tags("site", site, "method", method, "endpoint", endpoint)
        .register(registry).record(took);
  }

  @Override
  public void unanswered(String method, String endpoint, String why, Duration took) {
    Counter.builder("backbone.jira.requests")
        .description("HTTP requests to Jira, by answer status; retries count")
        .tags("site", site, "method", method, "endpoint", endpoint, "status", why)
        .register(registry).increment();
  }

  @Override
  public void rateLimited(String method, String endpoint, int status, String reason) {
    Counter.builder("backbone.jira.ratelimited")
        .description("Jira's rate-limit answers, by RateLimit-Reason")
        .tags("site", site, "status", String.valueOf(status), "reason", reason)
        .register(registry).increment();
  }

  @Override
  public void paused(String method, String endpoint, String reason, JiraLimitScope scope,
      Duration wait) {
    Timer.builder("backbone.jira.paused")
        .description("Pauses set by Jira's rate limits, by scope and RateLimit-Reason")
        .tags("site", site, "scope", scope.name().toLowerCase(Locale.ROOT), "reason", reason)
        .register(registry).record(wait);
  }

  @Override
  public void deferred(String method, String endpoint, String reason, JiraLimitScope scope,
      Duration wait) {
    Counter.builder("backbone.jira.deferred")
        .description("Calls given back to the engine rather than wait for a rate-limit pause")
        .tags("site", site, "scope", scope.name().toLowerCase(Locale.ROOT), "reason", reason)
        .register(registry).increment();
  }
}
