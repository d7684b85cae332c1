package org.backbonesync.spi.store;

import org.backbonesync.spi.RetriableException;

/**
 * The store as a whole cannot be used now, whatever the call: no connection could be had (the
 * database is down, or no pooled connection came within the pool's wait), the database is
 * stopping or starting, or it has no room left to write. Every store call fails alike until it
 * is back, so a step of the engine that meets it ends at once, leaving what it had not committed
 * to its next run, instead of going on with its other issues, each of which would wait and fail
 * the same. A failure of one call only (a deadlock, a constraint, a value the store refuses) is
 * not one. Stores that cannot tell throw a plain {@link RetriableException} or {@link
 * org.backbonesync.spi.SyncException}: the engine then goes on with the step's other issues.
 *
 * @since 0.1.0
 */
public class StoreUnavailableException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /** The store cannot be used now, as {@code cause} tells. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
