package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Every engine step's log lines carry the SLF4J MDC of the synchronization, the connector and,
 * within it, the issue and message it works on; nothing is left behind after the step. (Tested
 * here, where Logback keeps the MDC; the testkit logs with slf4j-simple, which keeps none.)
 */
class EngineLogContextTest {
  private final List<String> seen = new ArrayList<>();
  private boolean adminInStep;
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .listener(new SyncListener() {
        @Override
        public void queued(String connectorKey, SyncMessage message) {
          seen.add("queued " + context());
          if (adminInStep) { // (an admin's change made on the step's thread, and refused)
            assertThrows(IllegalArgumentException.class, () -> sync.engine().retry("PB", "none"));
            seen.add("after the admin " + context());
          }
        }

        @Override
        public void applied(String connectorKey, SyncMessage message, String localIssueKey,
            boolean created) {
          seen.add("applied " + context());
        }
      })
      .build();

  private static String context() {
    return MDC.get("backbone.synchronization") + " " + MDC.get("backbone.connector") + " "
        + MDC.get("backbone.issue") + " " + MDC.get("backbone.message");
  }

  @Test
  void aChangeCarriesItsConnectorIssueAndMessageFromDetectionToApply() {
    sync.a("alice").create("Printer on fire");

    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");

    String id = sync.events().events(org.backbonesync.testkit.RecordingListener.Type.QUEUED)
        .get(0).message().messageId();
    assertEquals(List.of(
        "queued sync-pa-pb PA PA-1 null",
        "queued sync-pa-pb PB PA-1 " + id, // B's PAIRED, while it applies A's message
        "applied sync-pa-pb PB PA-1 " + id), seen);
    assertNull(MDC.get("backbone.connector"), "nothing left behind");
    assertNull(MDC.get("backbone.issue"));
  }

  /**
   * Found by trying the service from outside: a take-back through the admin API queued the issue
   * whole on the HTTP thread, its lines without the connector's context.
   */
  @Test
  void anAdminsChangeOnItsOwnThreadCarriesTheConnector() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    long row = sync.syncInfoA().get(0).id();
    sync.engine().setIncomingChangesIgnored("PA", row, true);
    seen.clear();

    sync.engine().setIncomingChangesIgnored("PA", row, false); // (sent whole: queued here)

    assertEquals(List.of("queued sync-pa-pb PA null null"), seen);
    assertNull(MDC.get("backbone.connector"), "nothing left behind");
  }

  /** One opened inside a step gives the step's values back when it closes. */
  @Test
  void anAdminsChangeInsideAStepLeavesTheStepsContext() {
    adminInStep = true;
    sync.a("alice").create("Printer on fire");

    sync.poll("PA");

    assertEquals(List.of("queued sync-pa-pb PA PA-1 null",
        "after the admin sync-pa-pb PA PA-1 null"), seen);
    assertNull(MDC.get("backbone.connector"), "nothing left behind");
  }
}
