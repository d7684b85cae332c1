package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/**
 * Which failures are the store's as a whole. A poll that failed on Jira and then could not give
 * its lease back (the store gone meanwhile) carries the store's failure suppressed in Jira's: it
 * met the store down too, and its run ends there instead of waiting for the store again at the
 * next step (found by a review: only causes were looked at).
 */
class StoreDownTest {
  private static final StoreUnavailableException DOWN =
      new StoreUnavailableException("connection refused", null);

  @Test
  void theStoresFailureSuppressedInATrackersIsTheStoreDown() {
    RetriableException jira = new RetriableException("search answered 503", null);
    jira.addSuppressed(new SyncException("lease release failed", DOWN));

    assertTrue(StoreDown.is(jira));
    assertTrue(StoreDown.is(new SyncException("poll of PA failed", jira)), "under a cause too");
  }

  @Test
  void aTrackersFailureAloneIsNot() {
    RetriableException jira = new RetriableException("search answered 503", null);
    jira.addSuppressed(new IllegalArgumentException("another"));

    assertFalse(StoreDown.is(jira));
    assertTrue(StoreDown.is(new SyncException("commit failed", DOWN)), "a cause, as before");
  }
}
