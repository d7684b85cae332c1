package org.backbonesync.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.jira.JiraRequestListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's request listener during its sign-in: each request that gets no answer (a timeout, a
 * connection refused or broken) is logged (WARN) with its attempt and whether the adapter tries
 * again, so that a site that never answers shows in the log at each of its {@value
 * Sites#ATTEMPTS} attempts of {@link Sites#TIMEOUT}, not only when the last one gave up (two
 * minutes later). Every event goes on to the metrics' listener, if any; once {@link #done} it
 * only forwards.
 */
final class SignInLog implements JiraRequestListener {
  private static final Logger LOG = LoggerFactory.getLogger(SignInLog.class);

  private final ServiceConfig.Site site;
  private final JiraRequestListener next;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private volatile boolean signingIn = true;

  /** @param next the listener every event goes on to; null for none */
  SignInLog(ServiceConfig.Site site, JiraRequestListener next) {
    this.site = site;
    this.next = next;
  }

  /** The sign-in has ended: nothing more is logged. */
  void done() {
    signingIn = false;
  }

  @Override
  public void answered(String method, String endpoint, int status, Duration took) {
    if (next != null) {
      next.answered(method, endpoint, status, took);
    }
  }

  @Override
  public void rateLimited(String method, String endpoint, int status, String reason) {
    if (next != null) {
      next.rateLimited(method, endpoint, status, reason);
    }
  }

  @Override
  public void paused(String method, String endpoint, String reason,
      org.backbonesync.jira.JiraLimitScope scope, Duration wait) {
    if (next != null) {
      next.paused(method, endpoint, reason, scope, wait);
    }
  }

  @Override
  public void deferred(String method, String endpoint, String reason,
      org.backbonesync.jira.JiraLimitScope scope, Duration wait) {
    if (next != null) {
      next.deferred(method, endpoint, reason, scope, wait);
    }
  }

  @Override
  public void unanswered(String method, String endpoint, String why, Duration took) {
    if (next != null) {
      next.unanswered(method, endpoint, why, took);
    }
    if (!signingIn) {
      return;
    }
    int attempt = attempts.computeIfAbsent(method + " " + endpoint, k -> new AtomicInteger())
        .incrementAndGet();
    LOG.warn("{}: {} {} got no answer ({}) after {} ms, attempt {} of {}{}", site, method,
        endpoint, why, took.toMillis(), attempt, Sites.ATTEMPTS,
        attempt < Sites.ATTEMPTS ? "; trying again" : "");
  }
}
