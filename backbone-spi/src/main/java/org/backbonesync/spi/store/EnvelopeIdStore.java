package org.backbonesync.spi.store;

/**
 * The ids of the envelopes a transport has taken, each until it expires: an envelope delivered
 * again (a replayed request, a file copied twice) is refused by its id, after a restart too. An
 * envelope older than its expiry is refused by its timestamp instead, so an id need not be kept
 * longer; a transport's time window can thus be as long as a transfer needs.
 *
 * <p>Scopes keep the ids of different receivers apart (a transport uses its synchronization and
 * connector). Each call is a transaction of its own, or joins the current one of {@link
 * Stores#inTransaction}. Thread-safe; ids are at most 100 characters and scopes 200.
 *
 * @since 0.1.0
 */
public interface EnvelopeIdStore {

  /** The longest envelope id a store must hold. */
  int MAX_ID_LENGTH = 100;

  /** The longest scope a store must hold. */
  int MAX_SCOPE_LENGTH = 200;

  /**
   * Records an envelope id as taken until {@code expiresAt}, atomically: of two callers recording
   * one id at once, one gets true.
   *
   * @param now the current time, epoch millis; an entry that expired by then counts as absent
   * @return true when recorded now; false, and nothing changes, when it was recorded already
   */
  boolean remember(String scope, String envelopeId, long expiresAt, long now);

  /** Whether an envelope id is recorded and not expired at {@code now}. */
  boolean isRemembered(String scope, String envelopeId, long now);

  /**
   * Forgets the ids of every scope that expired at {@code now}; transports call it now and then.
   *
   * @return how many were forgotten
   */
  int forgetExpired(long now);
}
