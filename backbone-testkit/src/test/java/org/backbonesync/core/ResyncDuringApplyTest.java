package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * An admin's resync of a pair while an apply writes the same pair (a task thread and a step
 * thread of one host): the apply commits between the resync reading the issue and queueing its
 * message. Both sides must end with the same value.
 */
class ResyncDuringApplyTest {
  private final ManualExecutor tasks = new ManualExecutor();

  /** Runs {@code hook}, once armed, after PA's tracker has done a call of {@code method}. */
  private static IssueTracker hooked(InMemoryIssueTracker project, String method,
      AtomicReference<Runnable> hook) {
    return TrackerProxies.answering(project, (m, args, own) -> {
      Object result = own.call();
      Runnable armed = m.equals(method) ? hook.getAndSet(null) : null;
      if (armed != null) {
        armed.run();
      }
      return result;
    });
  }

  @Test
  void anApplyBetweenTheResyncsReadAndItsMessageLeavesBothSidesEqual() {
    AtomicReference<Runnable> afterRead = new AtomicReference<>();
    SyncTestDriver sync = SyncTestDriver.builder()
        .trackers((key, project) -> key.equals("PA")
            ? hooked(project, "findUpdatedSince", afterRead) : project)
        .engine(e -> e.taskExecutor(tasks))
        .build();
    sync.a("alice").create("one");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "from B");
    sync.poll("PB");
    sync.deliver("PB"); // (in PA's inbox, not applied yet)
    sync.advance(Duration.ofSeconds(1));

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
    sync.a("alice").create("one");
    sync.a("alice").create("two");
    sync.runUntilQuiet();
    sync.b().edit("PB-2", "summary", "drifted"); // (the sync user's edit: never sent back)
    long now = sync.clock().millis();
    // another node applies to PB-2's pair now (its lease on the pair, for five minutes)
    sync.stores().leases().tryLeases("inbox:PA", List.of("PB-2"), "other-node", now,
        now + Duration.ofMinutes(5).toMillis());

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
}
