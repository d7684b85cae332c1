package org.backbonesync.transport;

import java.util.EnumMap;
import java.util.Map;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;

/** Counts refused envelopes by reason and logs each. Thread-safe. */
final class Rejections {
  private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);

  synchronized void count(Logger log, String where, EnvelopeRejectedException e) {
    counts.merge(e.reason(), 1L, Long::sum);
    log.warn("{}: refused an envelope: {}", where, e.getMessage());
  }

  synchronized Map<Reason, Long> snapshot() {
    return Map.copyOf(counts);
  }
}
