package org.backbonesync.transport;

import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * The bytes of envelope bodies one handler holds at once, read before their signatures can be
 * checked: a bound on the heap that requests nobody signed can take. Without it 60 unsigned
 * POSTs of 8 MiB ran a service of 384 MiB of heap out of memory (helper-91); now a request that
 * would pass the bound is refused as {@link Reason#BUSY} (503: the partner sends it again
 * later) and the heap they take stays at the bound. Thread-safe.
 */
final class BodyBudget {
  private final long max;
  private final AtomicLong held = new AtomicLong();

  /** @param max the most bytes held at once; at least one envelope of the largest size */
  BodyBudget(long max) {
    this.max = max;
  }

  /** One request's share, given back when closed. Used by one thread. */
  Share share() {
    return new Share();
  }

  /** What one request holds. */
  final class Share implements AutoCloseable {
    private long taken;

    /** Takes {@code bytes} more, or refuses the request as busy (taking none). */
    void take(int bytes) {
      if (held.addAndGet(bytes) > max) {
        held.addAndGet(-bytes);
        throw new EnvelopeRejectedException(Reason.BUSY, "other envelopes are being read now"
            + " (" + max + " bytes at once); send it again later");
      }
      taken += bytes;
    }

    @Override
    public void close() {
      held.addAndGet(-taken);
      taken = 0;
    }
  }
}
