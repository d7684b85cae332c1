package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An admin's resync of a pair while an apply writes the same pair (a task thread and a step
 * thread of one host): the apply commits between the resync reading the issue and queueing its
 * message. Both sides must end with the same value.
 */
class ResyncDuringApplyTest {
  private final ManualExecutor tasks = new ManualExecutor();

  /** A pair with a resync's hook after PA's tracker answered a call of {@code method}. */
  private SyncTestDriver hookedA(String method, AtomicReference<Runnable> hook,
      int pollPageSize) {
    return TrackerProxies.hooked("PA", method, hook)
        .engine(e -> e.taskExecutor(tasks).pollPageSize(pollPageSize))
        .build();
  }

  /**
   * PA-1 and PA-2 synced, then {@code drifted}'s summary changed by the sync user (never sent
   * back), and its pair held by another node applying to it (its lease, for five minutes).
   */
  private static void driftedWhileAnotherNodeHolds(SyncTestDriver sync, String drifted) {
    sync.a("alice").create("one");
    sync.a("alice").create("two");
    sync.runUntilQuiet();
    sync.b().edit(drifted, "summary", "drifted");
    long now = sync.clock().millis();
    sync.stores().leases().tryLeases("inbox:PA", List.of(drifted), "other-node", now,
        now + Duration.ofMinutes(5).toMillis());
  }

  /** A pair whose stores run a hook after a read of PA's rows by local key. */
  private SyncTestDriver rowReadsHooked(AtomicReference<Runnable> afterRowRead) {
    return SyncTestDriver.builder()
        .stores(SyncInfoHooks.after(new InMemoryStores(), "findByLocalKey", afterRowRead))
        .engine(e -> e.taskExecutor(tasks)).build();
  }

  /**
   * Resyncs PA's summaries with PA's inbox applied right after the resync read PA-1's row; then
   * PA-1 and its partner must agree.
   */
  private void resyncApplyingAfterTheRowRead(SyncTestDriver sync,
      AtomicReference<Runnable> afterRowRead, String partner) {
    resyncSummary(sync);
    afterRowRead.set(() -> sync.apply("PA"));
    tasks.runAll();
    sync.runUntilQuiet();

    assertNull(afterRowRead.get(), "the apply ran during the resync");
    assertEquals(sync.a().value("PA-1", "summary"), sync.b().value(partner, "summary"));
  }

  /** PA-1 synced as "one", then bob's "from B" waiting in PA's inbox. */
  private static void bobsEditWaitsInPasInbox(SyncTestDriver sync) {
    sync.a("alice").create("one");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PB");
    sync.deliver("PB"); // (in PA's inbox, not applied yet)
    sync.advance(Duration.ofSeconds(1));
  }

  @Test
  void anApplyBetweenTheResyncsReadAndItsMessageLeavesBothSidesEqual() {
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = hookedA("findUpdatedSince", afterRead, 100);
    bobsEditWaitsInPasInbox(sync);

    sync.engine().resync("PA", new ResyncRequest(null, List.of(SyncTestDriver.SUMMARY), false,
        false), "admin");
    afterRead.set(() -> sync.apply("PA")); // (the resync's search read PA-1 as "one")
    tasks.runAll();
    sync.runUntilQuiet();

    assertEquals(sync.a().value("PA-1", "summary"), sync.b().value("PB-1", "summary"),
        "PA-1 and PB-1 agree");
  }

  @Test
  void aPairAnotherNodeHoldsThroughoutIsReportedNotSentStale() {
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    driftedWhileAnotherNodeHolds(sync, "PB-2");

    AsyncTask task = sync.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll();
    sync.runUntilQuiet();

    AsyncTask done = sync.engine().task(task.id()).orElseThrow();
    assertEquals(1, done.result().path("failed").asInt(), done.result().toString());
    assertEquals("PA-2", done.result().path("failures").get(0).path("issueKey").asText());
    assertEquals("its pair was being synced by another step (an apply, or another node's"
        + " poll); resync it again",
        done.result().path("failures").get(0).path("error").asText());
    assertEquals("drifted", sync.b().value("PB-2", "summary").asText(), "not sent");
    assertEquals(1, done.result().path("sent").asInt(), "the other pair resynced");
  }

  private static void resyncSummary(SyncTestDriver sync) {
    sync.engine().resync("PA", new ResyncRequest(null, List.of(SyncTestDriver.SUMMARY), false,
        false), "admin");
  }

  @Test
  void aRowGivenItsPartnerDuringTheResyncLeavesBothSidesEqual() {
    AtomicReference<Runnable> afterRowRead = new AtomicReference<>();
    SyncTestDriver sync = rowReadsHooked(afterRowRead);
    sync.a("alice").create("one");
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB"); // PB-1 made; PA's row learns its partner with B's next message
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PB");
    sync.deliver("PB");
    assertNull(sync.syncInfoA().get(0).remoteIssueKey());
    sync.advance(Duration.ofSeconds(1));

    resyncApplyingAfterTheRowRead(sync, afterRowRead, "PB-1");
  }

  @Test
  void anApplyUnderARenamedPartnersKeyDuringTheResyncLeavesBothSidesEqual() {
    AtomicReference<Runnable> afterRowRead = new AtomicReference<>();
    SyncTestDriver sync = rowReadsHooked(afterRowRead);
    sync.a("alice").create("one");
    sync.runUntilQuiet();
    sync.b().renameProject("PX");
    sync.poll("PA");
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PX-1", "summary", "from B");
    sync.poll(sync.keyB());
    sync.poll(sync.keyB());
    sync.deliver(sync.keyB());
    sync.advance(Duration.ofSeconds(1));

    // after the resync read the row (partner PB-1), before it claims "PB-1": the apply claims
    // "PX-1", which the resync's claim does not keep out, follows the key and writes PA-1
    resyncApplyingAfterTheRowRead(sync, afterRowRead, "PX-1");
  }

  @Test
  void anIssueMovedOutOfTheProjectSinceTheSearchIsNotSent() {
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = hookedA("findUpdatedSince", afterRead, 100);
    bobsEditWaitsInPasInbox(sync);

    AsyncTask task = sync.engine().resync("PA", new ResyncRequest(null,
        List.of(SyncTestDriver.SUMMARY), false, false), "admin");
    afterRead.set(() -> {
      sync.apply("PA"); // (the row is written since the search: PA-1 is read again)
      sync.a("alice").move("PA-1", "QX-1");
    });
    tasks.runAll();

    AsyncTask done = sync.engine().task(task.id()).orElseThrow();
    assertEquals(0, done.result().path("sent").asInt(), done.result().toString());
    assertEquals(1, done.result().path("notSent").asInt(), done.result().toString());
  }

  @Test
  void aPairBusyOnItsPageIsSentAtTheTasksEndOnceFree() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = hookedA("findUpdatedSince", afterSearch, 1);
    driftedWhileAnotherNodeHolds(sync, "PB-1");

    AsyncTask task = sync.engine().resync("PA", ResyncRequest.all(), "admin");
    afterSearch.set(() -> afterSearch.set( // (after the second page's search: PA-1 was busy)
        () -> sync.stores().leases().release("inbox:PA", List.of("PB-1"), "other-node")));
    tasks.runAll();
    sync.runUntilQuiet();

    AsyncTask done = sync.engine().task(task.id()).orElseThrow();
    assertEquals(2, done.result().path("sent").asInt(), done.result().toString());
    assertEquals(0, done.result().path("failed").asInt(), done.result().toString());
    assertEquals("one", sync.b().value("PB-1", "summary").asText(), "sent once free");
  }

  /**
   * The engine closing stops the retries of busy pairs at a task's end as it stops a page (they
   * ran on after the close, each a few of the tracker's requests, while the service waited a
   * second for the task thread): the second is left for the next start, which does the last page
   * again and sends both.
   */
  @Test
  void aCloseDuringTheBusyRetriesLeavesTheRestForTheNextStart() {
    AtomicReference<Runnable> afterIssueRead = new AtomicReference<>();
    SyncTestDriver sync = hookedA("issue", afterIssueRead, 100);
    driftedWhileAnotherNodeHolds(sync, "PB-1");
    sync.b().edit("PB-2", "summary", "drifted");
    long now = sync.clock().millis();
    sync.stores().leases().tryLeases("inbox:PA", List.of("PB-2"), "other-node", now,
        now + Duration.ofMinutes(5).toMillis());

    sync.events().clear();
    AsyncTask task = sync.engine().resync("PA", ResyncRequest.all(), "admin");
    afterIssueRead.set(() -> { // (the first retry's read of its issue: both pairs free now)
      sync.stores().leases().release("inbox:PA", List.of("PB-1", "PB-2"), "other-node");
      sync.engine().close();
    });
    tasks.runAll();

    AsyncTask stopped = sync.engine().task(task.id()).orElseThrow();
    assertFalse(stopped.finished(), "not failed: " + stopped.failureMessage());
    assertEquals(1, sync.events().count(RecordingListener.Type.QUEUED, "PA"),
        "the first retry only");
    sync.restart();
    sync.engine().resumeTasks();
    tasks.runAll();
    sync.runUntilQuiet();
    AsyncTask done = sync.engine().task(task.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(0, done.result().path("failed").asInt(), done.result().toString());
    assertEquals("one", sync.b().value("PB-1", "summary").asText());
    assertEquals("two", sync.b().value("PB-2", "summary").asText());
  }
}
