package org.backbonesync.transport;

import java.util.EnumMap;
import java.util.Map;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;

/**
 * Counts refused envelopes by reason and logs them: the first of each reason and then each
 * tenfold count at WARN (with the count so far), the others at DEBUG, so that a flood of
 * garbage cannot flood the log. Thread-safe.
 */
final class Rejections {
  private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);

  synchronized void count(Logger log, String where, EnvelopeRejectedException e) {
    long count = counts.merge(e.reason(), 1L, Long::sum);
    if (Long.toString(count).matches("10*")) {
      log.warn("{}: refused an envelope ({} refused for {} so far): {}", where, count,
          e.reason(), e.getMessage());
    } else {
      log.debug("{}: refused an envelope: {}", where, e.getMessage());
    }
  }

  synchronized Map<Reason, Long> snapshot() {
    return Map.copyOf(counts);
  }
}
