package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
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

  /**
   * A resync task of PA that a dead node held is taken over once its lease expired, by the next
   * run, also while PB's search fails: the run's retry of such tasks comes after its steps,
   * failed or not. Before, PB's failed poll ended the run before it, at every run.
   */
  @Test
  void aTaskADeadNodeHeldIsTakenOverWhileTheOtherSiteIsDown() {
    ManualExecutor tasks = new ManualExecutor();
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Printer fixed");
    sync.runUntilQuiet();
    AsyncTask started = sync.engine().resync("PA", ResyncRequest.all(), "admin");
    sync.stores().leases().tryLease("task", started.id(), "node-dead", sync.clock().millis(),
        sync.clock().millis() + Duration.ofMinutes(1).toMillis()); // it died running it
    tasks.runAll();
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince")) {
          throw SEARCH_DOWN;
        }
      }
    });
    sync.advance(Duration.ofSeconds(61));

    assertSame(SEARCH_DOWN, assertThrows(RetriableException.class, sync.engine()::runOnce));
    tasks.runAll();

    AsyncTask done = sync.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished(), "taken over: " + done);
    assertEquals(2, done.result().path("issues").asInt());
  }

  /**
   * A site's failure that is an {@code IllegalStateException} (a tracker's own, or the Jira
   * adapter's refusal to send credentials to another origin) stops only that site's steps, as
   * any other failure: only the engine's refusal while it closes ends the run at once. Before,
   * any {@code IllegalStateException} did.
   */
  @Test
  void aSitesIllegalStateStopsOnlyThatSite() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    IllegalStateException refused = new IllegalStateException(
        "credentials are for https://a.example.com only, not for https://cdn.example.com");
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince")) {
          throw refused;
        }
      }
    });
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");

    assertSame(refused, assertThrows(IllegalStateException.class, sync.engine()::runOnce));

    assertEquals("Printer fixed", sync.a().value("PA-1", "summary").asText(),
        "PB's poll, the delivery and PA's apply ran after PA's failed poll");
  }
}
