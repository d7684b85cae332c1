package org.backbonesync.jira.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * At most a number of requests per second to one site, shared by every project (connector) on
 * it: each request takes the next free slot and waits until it comes. Thread-safe.
 */
public final class RequestBudget {
  private final long intervalMicros;
  private long nextFreeMicros = Long.MIN_VALUE;

  /** @param perSecond requests per second; 0 for no limit */
  public RequestBudget(double perSecond) {
    if (perSecond < 0 || Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("requestsPerSecond must be 0 (no limit) or positive, was "
          + perSecond);
    }
    this.intervalMicros = perSecond == 0 ? 0 : (long) (1_000_000 / perSecond);
  }

  /** Waits for the next slot. */
  public void acquire(Clock clock, JiraHttp.Sleeper sleeper) throws InterruptedException {
    if (intervalMicros == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = clock.millis() * 1000;
      long slot = Math.max(now, nextFreeMicros);
      nextFreeMicros = slot + intervalMicros;
      wait = slot - now;
    }
    if (wait > 0) {
      sleeper.sleep(Duration.ofNanos(wait * 1000));
    }
  }
}
