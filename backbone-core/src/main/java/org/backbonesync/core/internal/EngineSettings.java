package org.backbonesync.core.internal;

import java.time.Duration;
import java.util.Set;
import org.backbonesync.core.guarantee.TestOnlySwitch;

/** The engine's tuning knobs, checked by {@code SyncEngine.Builder}. */
public record EngineSettings(
    Duration pollInterval,
    Duration changeDetectionOverlap,
    int pollPageSize,
    int deliveryBatchSize,
    int applyBatchSize,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    Duration gapRecheck,
    Duration gapTimeout,
    Set<TestOnlySwitch> switches,
    String node,
    Duration leaseDuration,
    int traceLength) {

  /** Whether a test dropped this guarantee. */
  boolean off(TestOnlySwitch guarantee) {
    return switches.contains(guarantee);
  }


  /** The wait before attempt number {@code attempts + 1}, doubling from the first backoff. */
  long backoffMillis(int attempts) {
    long first = retryBackoff.toMillis();
    int shift = Math.min(Math.max(attempts - 1, 0), 30);
    long wait = first << shift;
    return Math.min(wait < 0 ? Long.MAX_VALUE : wait, maxRetryBackoff.toMillis());
  }
}
