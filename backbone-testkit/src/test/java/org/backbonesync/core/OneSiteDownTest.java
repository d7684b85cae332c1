package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * One site whose searches fail stops neither the other site's poll nor what reaches either side
 * in the same run: {@code runOnce} (and so the periodic run of {@code start()}) goes on past a
 * failed step and throws its failure at the end. Before, the first failed step ended the run: PA's
 * search down (a 503 at every poll) kept bob's edits on PB from reaching PA for as long.
 */
class OneSiteDownTest {
  private static final RetriableException SEARCH_DOWN =
      new RetriableException("GET /rest/api/3/search/jql answered 503", null);

  @Test
  void aSiteWhoseSearchFailsStillGetsThePartnersChangesInTheSameRun() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince")) {
          throw SEARCH_DOWN;
        }
      }
    });
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");

    assertSame(SEARCH_DOWN, assertThrows(RetriableException.class, sync.engine()::runOnce),
        "the run still fails: PA's poll did");

    assertEquals("Printer fixed", sync.a().value("PA-1", "summary").asText(),
        "PB's poll, the delivery and PA's apply ran after PA's failed poll");
  }
}
