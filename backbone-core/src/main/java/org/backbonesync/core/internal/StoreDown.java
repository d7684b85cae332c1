package org.backbonesync.core.internal;

import org.backbonesync.spi.store.StoreUnavailableException;

/**
 * Tells a failure of the store as a whole ({@link StoreUnavailableException}: the database is
 * gone, stopping or full) from one issue's: a step that meets it ends at once, since each of its
 * further store calls would wait for the store and fail the same (a poll's page of 50 issues
 * waited a connection pool's 30 s for each, with the step not failed, so its connector healthy,
 * for 25 minutes).
 */
final class StoreDown {
  private StoreDown() {}

  /** Whether {@code failure}, or a cause of it, says the store cannot be used now. */
  static boolean is(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
