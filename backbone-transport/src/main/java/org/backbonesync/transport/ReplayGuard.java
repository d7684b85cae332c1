package org.backbonesync.transport;

import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * Refuses an envelope the {@link HttpTransportHandler} has taken already: remembers each id taken
 * for as long as the security's window (after which the timestamp refuses it), and forgets the
 * expired ids at most once per window. Thread-safe.
 */
final class ReplayGuard {
  private final EnvelopeSecurity security;
  private final EnvelopeIdStore envelopeIds;
  private final AtomicLong lastForget = new AtomicLong(Long.MIN_VALUE);

  ReplayGuard(EnvelopeSecurity security, EnvelopeIdStore envelopeIds) {
    this.security = security;
    this.envelopeIds = envelopeIds;
  }

  /**
   * Takes an envelope's id, atomically: of two copies arriving at once, one is refused.
   *
   * @throws EnvelopeRejectedException DUPLICATE when it was taken already
   */
  void take(Envelopes.Opened envelope, long now) {
    forgetExpiredIds(now);
    if (!envelopeIds.remember(security.synchronizationId() + "/" + envelope.to(),
        envelope.envelopeId(), envelope.timestamp() + security.window().toMillis() + 1, now)) {
      throw new EnvelopeRejectedException(Reason.DUPLICATE, "envelope "
          + envelope.envelopeId() + " was taken already");
    }
  }

  private void forgetExpiredIds(long now) {
    long last = lastForget.get();
    if (now - last >= security.window().toMillis() && lastForget.compareAndSet(last, now)) {
      envelopeIds.forgetExpired(now);
    }
  }
}
