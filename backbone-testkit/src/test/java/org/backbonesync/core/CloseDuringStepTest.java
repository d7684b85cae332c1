package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A host closes the engine while a step runs (the service on SIGTERM with a backlog: Kubernetes
 * kills it 30 s later). The step ends at the next issue pair or search page instead of working
 * through its whole batch; what it did not reach stays queued and a new engine does it, once. A
 * hinted detection and a resync task stop the same way, and the trace keeps the last pair.
 */
class CloseDuringStepTest {
  /** Runs {@code hook}, once armed, after PB's tracker has done a call of {@code method}. */
  private static SyncTestDriver.Builder hookedB(String method, AtomicReference<Runnable> hook) {
    return TrackerProxies.hooked("PB", method, hook);
  }

  @Test
  void anApplyClosedMeanwhileEndsAfterThePairItIsApplying() {
    AtomicReference<Runnable> afterCreate = new AtomicReference<>();
    SyncTestDriver sync = hookedB("createIssue", afterCreate).build();
    for (int i = 1; i <= 5; i++) {
      sync.a("alice").create("Printer " + i + " on fire");
    }
    sync.poll(sync.keyA());
    sync.deliver(sync.keyA());
    assertEquals(5, sync.stores().messages().incomingCount(sync.keyB()));
    SyncEngine first = sync.engine();
    afterCreate.set(first::close); // (the apply runs on; close() does not wait for it)

    List<ApplyOutcome> outcomes = first.apply(sync.keyB());

    assertEquals(1, outcomes.size(), "one pair applied, then no further one begun");
    assertEquals(1, sync.b().allIssues().size());
    assertEquals(4, sync.stores().messages().incomingCount(sync.keyB()),
        "the other messages stay queued");
    sync.restart();
    assertEquals(List.of(), sync.engine().failedMessages(sync.keyB()), "nothing failed");
    sync.runUntilQuiet();
    assertEquals(5, sync.b().allIssues().size(), "each issue once in PB");
    assertEquals(5, sync.syncInfoB().size());
    assertEquals(0, sync.stores().messages().incomingCount(sync.keyB()));
  }

  @Test
  void aPollClosedMeanwhileReadsNoFurtherPageAndKeepsItsWatermark() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = hookedB("findUpdatedSince", afterSearch)
        .engine(e -> e.pollPageSize(2)).build();
    for (int i = 1; i <= 5; i++) {
      sync.b("bob").create("Printer " + i + " on fire");
    }
    SyncEngine first = sync.engine();
    afterSearch.set(first::close);

    PollResult result = first.poll(sync.keyB());

    assertEquals(1, result.pages(), "no page read after the close");
    assertEquals(2, result.messagesQueued());
    assertTrue(sync.stores().watermarks().watermark(sync.keyB()).isEmpty(),
        "the watermark stays: the next poll searches the rest again");
    sync.restart();
    sync.runUntilQuiet();
    assertEquals(5, sync.a().allIssues().size(), "each issue once in PA");
    assertEquals(5, sync.syncInfoA().size());
  }

  @Test
  void aHintedDetectionClosedMeanwhileReadsNoFurtherBatchAndTheNextPollFindsTheRest() {
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = hookedB("findChanged", afterSearch)
        .engine(e -> e.pollPageSize(2)).build();
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      keys.add(sync.b("bob").create("Printer " + i + " on fire"));
    }
    sync.runUntilQuiet(); // a watermark: detect() reads the hinted keys, not a poll
    sync.advance(Duration.ofMinutes(1));
    keys.forEach(k -> sync.b("bob").edit(k, "summary", k + " on fire, again"));
    SyncEngine first = sync.engine();
    first.changeHints(sync.keyB()).issuesChanged(keys);
    afterSearch.set(first::close);

    PollResult result = first.detect(sync.keyB());

    assertEquals(1, result.pages(), "no batch read after the close");
    assertEquals(2, result.messagesQueued());
    sync.restart();
    sync.runUntilQuiet();
    for (int i = 1; i <= 6; i++) {
      assertEquals("PB-" + i + " on fire, again", sync.a().value("PA-" + i, "summary").asText());
    }
  }

  /**
   * The close stops the task after the issue it is on, not after its page (a page of a hundred
   * issues outlasted the service's wait for the task thread at a stop, which closed the stores
   * under it); the page it was on is done again at the next start.
   */
  @Test
  void aResyncTaskClosedMeanwhileStopsAfterItsIssueAndResumesAtTheNextStart() {
    ManualExecutor tasks = new ManualExecutor();
    AtomicReference<Runnable> afterSearch = new AtomicReference<>();
    SyncTestDriver sync = hookedB("findUpdatedSince", afterSearch)
        .engine(e -> e.taskExecutor(tasks).pollPageSize(2)).build();
    for (int i = 1; i <= 6; i++) {
      sync.b("bob").create("Printer " + i + " on fire");
    }
    sync.runUntilQuiet();
    SyncEngine first = sync.engine();
    AsyncTask task = first.resync(sync.keyB(), ResyncRequest.all(), "admin");
    afterSearch.set(first::close);

    tasks.runAll();

    AsyncTask stopped = sync.stores().tasks().find(task.id()).orElseThrow();
    assertFalse(stopped.finished(), "unfinished, to resume: " + stopped.message());
    assertEquals(0, stopped.progress(), "closed while it read its first page: none recorded");
    sync.restart();
    sync.engine().resumeTasks(); // (what start() does on a scheduler)
    tasks.runAll();
    AsyncTask resumed = sync.stores().tasks().find(task.id()).orElseThrow();
    assertTrue(resumed.finished());
    assertEquals("Resync of 6 issues finished", resumed.message());
  }

  @Test
  void thePairAppliedWhileClosingIsInTheTrace() {
    AtomicReference<Runnable> afterCreate = new AtomicReference<>();
    SyncTestDriver sync = hookedB("createIssue", afterCreate).build();
    for (int i = 1; i <= 3; i++) {
      sync.a("alice").create("Printer " + i + " on fire");
    }
    sync.poll(sync.keyA());
    sync.deliver(sync.keyA());
    SyncEngine first = sync.engine();
    afterCreate.set(first::close); // (close() writes the trace while the apply runs on)

    assertEquals(1, first.apply(sync.keyB()).size());

    assertEquals(List.of(Outcome.RECEIVED, Outcome.CREATED), sync.stores().trace()
        .list(sync.keyB(), TraceEntry.Direction.IN, "PA-1", 20).stream().map(TraceEntry::outcome).toList(),
        "the pair created while closing is traced");
  }
}
