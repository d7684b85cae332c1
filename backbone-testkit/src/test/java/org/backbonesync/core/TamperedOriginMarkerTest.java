package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The origin marker is an issue property on the tracker, which anyone who may edit the issue can
 * change (on Jira, through the REST API). A marker naming a partner key that no message could
 * carry (a line break in it, none at all, longer than a key may be) is not the sync's own: the
 * issue is sent whole as one the sync did not make, and the partner, which still has its row,
 * pairs it again. Before, a poll restored a pair with that key, logged it as given ("restoring
 * the pair PB-1 - PA-1\n2026-12-06 ERROR forged from its origin marker", a forged log line) and
 * sent PA a message for an issue that cannot exist, which PA refuses.
 */
class TamperedOriginMarkerTest {
  private static final String MARKER_B = "backbone:sync-pa-pb:PB:";
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  /** PB-1, the sync's copy of PA-1, with its marker changed and PB's rows lost. */
  private void givenACopyWhoseMarkerWasChangedTo(String marker) {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b().setOriginMarker("PB-1", marker);
    sync.engine().deleteAllSyncInformation("PB");
  }

  private List<String> partnersOfPb1() {
    return sync.syncInfoB().stream().filter(r -> r.localIssueKey().equals("PB-1"))
        .map(SyncInfo::remoteIssueKey).toList();
  }

  @Test
  void aMarkerWithALineBreakIsNotTheSyncsOwn() {
    givenACopyWhoseMarkerWasChangedTo(MARKER_B + "PA-1\n2026-12-06 ERROR forged");

    sync.b("bob").edit("PB-1", "summary", "Printer on fire!");
    sync.runUntilQuiet();

    assertEquals(List.of("PA-1"), partnersOfPb1(), "sent whole as PB's own; PA knows it still");
    assertEquals(List.of(), sync.engine().failedMessages("PA"));
  }

  @Test
  void aMarkerWithAnOverlongKeyIsNotTheSyncsOwn() {
    givenACopyWhoseMarkerWasChangedTo(MARKER_B + "PA-" + "1".repeat(300));

    sync.b("bob").edit("PB-1", "summary", "Printer on fire!");
    sync.runUntilQuiet();

    assertEquals(List.of("PA-1"), partnersOfPb1());
  }

  @Test
  void anUntouchedMarkerStillRestoresThePair() {
    givenACopyWhoseMarkerWasChangedTo(MARKER_B + "PA-1");

    sync.b("bob").edit("PB-1", "summary", "Printer on fire!");
    sync.runUntilQuiet();

    assertEquals(List.of("PA-1"), partnersOfPb1(), "paired again, not copied");
  }
}
