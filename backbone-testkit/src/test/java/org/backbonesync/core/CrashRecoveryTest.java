package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Given the process dies in the middle of a step, a restart on the same stores carries on. */
class CrashRecoveryTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  private void crashOnce(InMemoryIssueTracker tracker, String operation, boolean after) {
    tracker.intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void before(TrackerCall call) {
        if (!after) {
          crashIfFirst(call);
        }
      }

      @Override
      public void after(TrackerCall call) {
        if (after) {
          crashIfFirst(call);
        }
      }

      private void crashIfFirst(TrackerCall call) {
        if (call.operation().equals(operation) && !crashed) {
          crashed = true;
          throw new SimulatedCrash((after ? "after " : "before ") + operation);
        }
      }
    });
  }

  @Test
  void aCrashBetweenTheTrackersCreateAndTheStoresCommitMakesNoSecondIssue() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    crashOnce(sync.b(), "createIssue", true);

    assertThrows(SimulatedCrash.class, sync::step);
    assertEquals(1, sync.b().allIssues().size(), "PB-1 was created before the crash");
    assertTrue(sync.syncInfoB().isEmpty(), "but not recorded");

    sync.restart();
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size(), "found by its origin marker, not created again");
    assertEquals(1, sync.b().calls("findByOriginMarker").size());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
    assertEquals("PA-1", sync.syncInfoB().get(0).remoteIssueKey());
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
    assertEquals(1, sync.syncInfoB().get(0).incomingMessageSequenceId());
  }

  @Test
  void aPersonsEditOfTheIssueCreatedJustBeforeTheCrashIsKept() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    crashOnce(sync.b(), "createIssue", true);
    assertThrows(SimulatedCrash.class, sync::step);
    sync.advance(java.time.Duration.ofSeconds(5));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire in room 2");

    sync.restart();
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals("Printer on fire in room 2", sync.b().value("PB-1", "summary").asText());
    assertEquals("Printer on fire in room 2", sync.a().value("PA-1", "summary").asText());
    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
  }

  @Test
  void aCrashBeforeTheFollowUpUpdateAppliesItOnceAfterTheRestart() {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    crashOnce(sync.b(), "updateIssue", false);

    assertThrows(SimulatedCrash.class, sync::step);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
    assertEquals(1, sync.syncInfoB().get(0).incomingMessageSequenceId());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  @Test
  void aCrashWhileSendingLosesNothing() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        throw new SimulatedCrash("in PB");
      }
    });
    assertThrows(SimulatedCrash.class, sync::step);

    sync.b().intercept(null);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
  }
}
