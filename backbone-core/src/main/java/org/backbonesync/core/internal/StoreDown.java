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

  /**
   * Whether {@code failure}, a cause of it, or an exception suppressed in one of them (and its
   * causes) says the store cannot be used now: a step that failed on the tracker and then could
   * not give its lease back to the store (the release's failure suppressed in the tracker's) met
   * the store down too.
   */
  static boolean is(Throwable failure) {
    return is(failure, true);
  }

  private static boolean is(Throwable failure, boolean withSuppressed) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
      if (withSuppressed) {
        for (Throwable s : t.getSuppressed()) {
          if (is(s, false)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
