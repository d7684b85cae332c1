package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * Site A is restored from a backup that lost PA-2, and A gives the key to a copy of bob's new
 * PB-3, then crashes before recording the pair. Alice edits the copy; A's poll finds it under
 * the lost issue's row and, on its way to a newer issue, passed it (that row unlinked as another
 * issue's) or examined it under that row (one that had seen no change), where a copy with no row
 * at all holds the watermark until its pair is recorded. The retried create found the copy by
 * its origin marker and paired it; alice's summary, newer than bob's, won there but never reached
 * PB-3: no later poll looked at her edit again (simulation seed 32531 with site restores).
 */
class EditedCopyPairedByMarkerTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  @Test
  void anEditOfACopyMadeUnderALostKeyReachesTheOriginal() {
    sync.b("bob").create("Printer on fire"); // PB-1
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams"); // PB-2
    sync.runUntilQuiet(); // PA-2 made for it
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.b("bob").create("Order more toner"); // PB-3
    sync.poll("PB");
    sync.deliver("PB");
    crashAfterCreate(sync.a());
    assertThrows(SimulatedCrash.class, () -> sync.apply("PA")); // PA-2 made, not recorded
    sync.restart();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Order more cyan toner");
    sync.advance(Duration.ofMinutes(10));
    sync.a("alice").create("Stapler broken"); // PA-3
    sync.poll("PA"); // PA-2 is not the lost issue's: that row is unlinked
    sync.apply("PA"); // PB-3's create again: PA-2 found by its marker, alice's summary wins

    sync.runUntilQuiet();

    assertEquals("Order more cyan toner", sync.a().value("PA-2", "summary").asText());
    assertEquals("Order more cyan toner", sync.b().value("PB-3", "summary").asText());
  }

  /**
   * As above, with A restored before any poll of A saw PA-2 (its row has seen no change, so the
   * new copy under its key does not look like another issue).
   */
  @Test
  void anEditOfACopyMadeUnderTheKeyOfALostCopyNeverPolledReachesTheOriginal() {
    sync.b("bob").create("Printer on fire"); // PB-1
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams"); // PB-2
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-2 made for it, not polled yet
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.b("bob").create("Order more toner"); // PB-3
    sync.poll("PB");
    sync.deliver("PB");
    crashAfterCreate(sync.a());
    assertThrows(SimulatedCrash.class, () -> sync.apply("PA")); // PA-2 made, not recorded
    sync.restart();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-2", "summary", "Order more cyan toner");
    sync.advance(Duration.ofMinutes(10));
    sync.a("alice").create("Stapler broken"); // PA-3
    sync.poll("PA");
    sync.apply("PA");

    sync.runUntilQuiet();

    assertEquals("Order more cyan toner", sync.a().value("PA-2", "summary").asText());
    assertEquals("Order more cyan toner", sync.b().value("PB-3", "summary").asText());
  }

  private static void crashAfterCreate(InMemoryIssueTracker tracker) {
    tracker.intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("createIssue") && !crashed) {
          crashed = true;
          throw new SimulatedCrash("after createIssue");
        }
      }
    });
  }
}
