package org.backbonesync.service;

import java.time.Clock;
import java.time.Instant;

/**
 * Whether a connector works, for {@code /health} and {@code backbone_connector_healthy}: it is
 * healthy while the last step that reached its site succeeded and, with a partner service, the
 * last delivery did. Only work that talked to the other end counts as a success: a poll (it
 * always searches), an apply that applied a message, a message the partner acknowledged. A step
 * with nothing to do tells nothing, so a site or partner that cannot be reached keeps the
 * connector unhealthy until it is reached again. Thread-safe.
 */
final class ConnectorHealth {
  private final Clock clock;
  private final Track steps = new Track();
  private final Track deliveries = new Track();

  ConnectorHealth(Clock clock) {
    this.clock = clock;
  }

  /**
   * The last success and failure of one kind of work, the kind of that failure, and whether the
   * last of them was a success (the times may be equal: a clock does not move between calls).
   */
  private static final class Track {
    Instant success;
    Instant failure;
    String error;
    boolean healthy = true;

    boolean healthy() {
      return healthy;
    }

    void succeeded(Instant now) {
      success = now;
      healthy = true;
    }

    void failed(Instant now, String kind) {
      failure = now;
      error = kind;
      healthy = false;
    }
  }

  /** A step reached the site and succeeded. */
  synchronized void siteReached() {
    steps.succeeded(clock.instant());
  }

  /** A step failed, e.g. {@code JiraException (HTTP 400); see the service log}. */
  synchronized void stepFailed(String kind) {
    steps.failed(clock.instant(), kind);
  }

  /** The partner acknowledged a message. */
  synchronized void delivered() {
    deliveries.succeeded(clock.instant());
  }

  /** A delivery to the partner failed and will be retried. */
  synchronized void deliveryFailed(String kind) {
    deliveries.failed(clock.instant(), kind);
  }

  synchronized boolean healthy() {
    return steps.healthy() && deliveries.healthy();
  }

  synchronized Instant lastSuccess() {
    return later(steps.success, deliveries.success);
  }

  synchronized Instant lastFailure() {
    return later(steps.failure, deliveries.failure);
  }

  /** The kind of the failure that keeps it unhealthy, else of the last failure; null if none. */
  synchronized String lastError() {
    if (!steps.healthy() || !deliveries.healthy()) {
      return !steps.healthy() && (deliveries.healthy()
          || !steps.failure.isBefore(deliveries.failure)) ? steps.error : deliveries.error;
    }
    return steps.failure == null || deliveries.failure != null
        && deliveries.failure.isAfter(steps.failure) ? deliveries.error : steps.error;
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
