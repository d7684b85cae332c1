package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.ManualScheduler;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * Change hints (Jira's webhooks) make an edit reach the other side at once: the hinted issues are
 * read and what changed is sent without waiting for a poll, and what arrives is applied at once.
 * The poll stays the safety net.
 */
class ChangeHintsTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final ManualScheduler scheduler = new ManualScheduler(clock);

  /** A started engine whose first periodic run has synced PA-1 - PB-1. */
  private SyncTestDriver started(SyncTestDriver.Builder builder) {
    SyncTestDriver sync = builder.clock(clock)
        .engine(e -> e.scheduler(scheduler).pollInterval(Duration.ofSeconds(30))).build();
    sync.a("alice").create("Printer on fire");
    sync.engine().start();
    scheduler.runDue(); // the first periodic run: poll, deliver, and the apply on arrival
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    clock.advance(Duration.ofSeconds(1));
    sync.a().clearCalls();
    return sync;
  }

  /** Runs {@code step} before the tracker's first call of {@code operation}; whether it ran. */
  private static AtomicBoolean onceBefore(InMemoryIssueTracker tracker, String operation,
      Runnable step) {
    AtomicBoolean ran = new AtomicBoolean();
    tracker.intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals(operation) && ran.compareAndSet(false, true)) {
          step.run();
        }
      }
    });
    return ran;
  }

  @Test
  void anEditReachesTheOtherSideAfterOneHintWithoutAPoll() {
    SyncTestDriver sync = started(SyncTestDriver.builder());

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    scheduler.runDue(); // at the same instant: no periodic run is due

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
    assertEquals(1, sync.a().calls("findChanged").size(), "one read of the hinted issue");
    assertEquals(0, sync.a().calls("findUpdatedSince").size(), "no poll");
  }

  @Test
  void aBurstOfHintsForOneIssueIsReadOnce() {
    SyncTestDriver sync = started(SyncTestDriver.builder());

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    for (int i = 0; i < 50; i++) {
      sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    }
    scheduler.runDue();

    assertEquals(1, sync.a().calls("findChanged").size());
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * A hint read while the connector's apply holds the issue's pair (a scheduler of several
   * threads runs the hinted read beside it) leaves the issue; it is read again once that apply
   * ends, not only by the next poll (helper-153: with a daily poll, the edit waited a day).
   * Here the hinted read runs inside the apply, as PA's apply writes PB's edit to PA-1.
   */
  @Test
  void aHintLeftBecauseAnApplyHeldItsPairIsReadAgainWhenTheApplyEnds() {
    SyncTestDriver sync = started(SyncTestDriver.builder());
    AtomicBoolean hinted = onceBefore(sync.a(), "updateIssue", () -> {
      sync.a("alice").edit("PA-1", "description", "Tray 2 jams");
      sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
      scheduler.runDue(); // the hinted read, while the apply holds PA-1's pair
      assertEquals(1, sync.a().calls("findChanged").size(), "read beside the apply");
    });

    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
    scheduler.runDue(); // B's hinted read, A's apply (and in it A's hinted read), A's again

    assertTrue(hinted.get(), "A's hint came during A's apply");
    assertEquals("Printer on fire, third floor", sync.a().value("PA-1", "summary").asText());
    assertEquals("Tray 2 jams", sync.b().value("PB-1", "description").asText(),
        "read again after the apply, without a poll");
    assertEquals(0, sync.a().calls("findUpdatedSince").size(), "no poll");
  }

  /**
   * A hint whose issue an apply wrote after the hinted read's search read it (the snapshot may
   * be older than the pair's last synced values) leaves the issue, and reads it again at once.
   */
  @Test
  void aHintLeftBecauseAnApplyWroteItsIssueSinceTheSearchIsReadAgainAtOnce() {
    SyncTestDriver sync = started(SyncTestDriver.builder());
    AtomicBoolean applied = onceBefore(sync.a(), "findChanged", () -> {
      sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
      sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
      scheduler.runDue(); // B's read, and A's apply of it, as A's search runs
    });

    sync.a("alice").edit("PA-1", "description", "Tray 2 jams");
    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    scheduler.runDue();

    assertTrue(applied.get(), "A applied during A's hinted read");
    assertEquals("Printer on fire, third floor", sync.a().value("PA-1", "summary").asText());
    assertEquals("Tray 2 jams", sync.b().value("PB-1", "description").asText(),
        "read again at once, without a poll");
    assertEquals(2, sync.a().calls("findChanged").size(), "PA-1 read twice");
  }

  @Test
  void aLostHintIsCaughtByTheNextPoll() {
    SyncTestDriver sync = started(SyncTestDriver.builder());

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    scheduler.runDue();
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(), "no hint yet");
    clock.advance(Duration.ofSeconds(30));
    scheduler.runDue();

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void hintsForIssuesOutsideTheScopeTriggerNothing() {
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock)
        .connectorA(c -> c.withJql("labels = sync"))
        .engine(e -> e.scheduler(scheduler).pollInterval(Duration.ofSeconds(30))).build();
    String outside = sync.a("alice").create("Not for the other side");
    sync.engine().start();
    scheduler.runDue();
    clock.advance(Duration.ofSeconds(1));
    sync.a("alice").edit(outside, "summary", "Still not for the other side");
    sync.a().clearCalls();

    sync.engine().changeHints("PA").issuesChanged(List.of(outside, "XX-1", "PB-1", "PA-1x"));
    scheduler.runDue();

    assertEquals(0, sync.b().allIssues().size(), "nothing created for " + outside);
    assertEquals(1, sync.a().calls("findChanged").size(), "one read, of " + outside + " only");
    assertEquals(0, sync.stores().messages().outgoingCount("PA"), "nothing queued");
  }

  @Test
  void aHintBeforeTheFirstPollPolls() {
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock).build();
    sync.a("alice").create("Printer on fire");

    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    assertEquals(1, sync.engine().detect("PA").messagesQueued());

    assertEquals(1, sync.a().calls("findUpdatedSince").size(), "no watermark yet: a poll");
    assertEquals(0, sync.a().calls("findChanged").size());
    assertTrue(sync.stores().watermarks().watermark("PA").isPresent(), "the poll's watermark");
    sync.engine().apply("PB");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  /** A host that runs the periodic steps itself (the service) and gives the engine a scheduler. */
  @Test
  void anEngineNotStartedButWithASchedulerReactsToo() {
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock)
        .engine(e -> e.scheduler(scheduler)).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    scheduler.runDue();
    clock.advance(Duration.ofSeconds(1));

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    scheduler.runDue();

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void withoutASchedulerHintsWaitForTheHostsDetect() {
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    clock.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");

    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(), "nothing yet");
    assertEquals(1, sync.engine().detect("PA").messagesQueued());
    sync.engine().apply("PB");

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, sync.engine().detect("PA").issuesFound(), "the hint was taken");
  }

  @Test
  void somethingChangedRunsAPoll() {
    SyncTestDriver sync = started(SyncTestDriver.builder());

    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.engine().changeHints("PA").somethingChanged(); // e.g. a link event names issue ids only
    scheduler.runDue();

    assertEquals(1, sync.a().calls("findUpdatedSince").size(), "a poll");
    assertEquals(0, sync.a().calls("findChanged").size());
    assertEquals("Low", sync.b().value("PB-1", "priority").asText());
  }
}
