package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.ManualScheduler;
import org.backbonesync.testkit.SyncTestDriver;
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
