package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One issue whose update lies far ahead (a tracker node's clock years off, an import with a
 * wrong date) does not move the watermark there: every later search would start after every
 * real change, and nothing would sync again for that long (helper-90, on the Jira adapter's
 * fake sites).
 */
class FutureUpdateTest {
  @ParameterizedTest(name = "an issue {0} days ahead")
  @ValueSource(longs = {0, 1, 3650})
  void laterEditsStillSyncAfterAnIssueDatedAhead(long days) {
    ManualClock clock = ManualClock.startingAt2026();
    AtomicLong ahead = new AtomicLong();
    Clock trackerA = new Clock() {
      @Override
      public ZoneId getZone() {
        return clock.getZone();
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clock.instant().plusMillis(ahead.get());
      }
    };
    InMemoryIssueTracker a = InMemoryIssueTracker.builder("PA").clock(trackerA)
        .syncUser("sync-a").users("alice", "bob").build();
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock)
        .trackers((key, project) -> key.equals("PA") ? a : project).build();
    String pa1 = a.as("alice").create("Printer on fire");
    sync.runUntilQuiet();

    ahead.set(Duration.ofDays(days).toMillis());
    String dated = a.as("alice").create("Imported with a wrong date");
    ahead.set(0);
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(5));
    a.as("alice").edit(pa1, "summary", "Printer on fire, second floor");
    sync.advance(Duration.ofMinutes(5));
    sync.runUntilQuiet();

    assertEquals("Printer on fire, second floor", sync.b().value("PB-1", "summary").asText());
    assertEquals(2, sync.b().allIssues().size(), dated + " arrives too");
  }
}
