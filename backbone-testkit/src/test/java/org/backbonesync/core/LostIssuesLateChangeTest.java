package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.InMemoryTransport.Fault;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A person's change of an issue a restore of its site then lost, sent by the sync before the
 * restore and late on the way ({@link ReusedKeyStory}: bob's PB-2 is copied to PA-2, where alice
 * edits its summary; the message is lost on the way and sent again after A's restore lost PA-2,
 * whose key went to a copy of PB-3). It reaches PB after PB learned that PA-2 is PB-3's partner
 * now, and PB-2's row gave the key up: alice's change goes on in PB-2 all the same, and in PA-3,
 * the copy made again for PB-2 (the simulation with site restores, worklogs, link removals,
 * webhooks and store faults, seeds 18251 and 19959: consumed unapplied, it was lost on both
 * sides).
 */
class LostIssuesLateChangeTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  /** Plays the story up to PB-2's row unlinked by PA-2's new PAIRED, alice's change not sent. */
  private void pb2GaveItsKeyUpBeforeAlicesChangeCame() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync, s -> {
      s.advance(Duration.ofSeconds(1));
      s.a("alice").edit("PA-2", "summary", "Scanner jams at tray 2");
      s.poll("PA");
      s.transportAtoB().inject(Fault.DROP, 1);
      s.deliver("PA"); // lost on the way, sent again later
    });
    sync.advance(Duration.ofMinutes(10));
    // alice's change (sent again), PA-2's new PAIRED, PA-3's PAIRED: only the second arrives
    sync.transportAtoB().inject(Fault.DROP, 1).inject(Fault.DUPLICATE, 1)
        .inject(Fault.DROP, 1);
    sync.deliver("PA");
    sync.apply("PB");
    SyncInfo pb2 = ReusedKeyStory.row(sync.syncInfoB(), "PB-2");
    assertTrue(pb2.incomingChangesIgnored(), "PB-2's pair is unlinked");
    assertNull(pb2.remoteIssueKey(), "PB-2's row gave PA-2 up");
    sync.advance(Duration.ofMinutes(10));
  }

  @Test
  void aliceChangeReachesPb2AndItsNewCopy() {
    pb2GaveItsKeyUpBeforeAlicesChangeCame();
    sync.transportAtoB().inject(Fault.DUPLICATE, 1).inject(Fault.DROP, 1); // PA-3's PAIRED later
    sync.deliver("PA");
    List<ApplyOutcome> applied = sync.apply("PB");
    assertEquals(List.of(ApplyOutcome.Applied.class), applied.stream()
        .map(ApplyOutcome::getClass).toList(), applied.toString());
    assertEquals("Scanner jams at tray 2", sync.b().value("PB-2", "summary").asText(),
        "PB-2, unlinked, takes alice's change of its lost partner");
    assertNull(ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey(),
        "and names no partner: PA-2 is PB-3's");
    sync.a("alice").edit("PA-2", "description", "Black and cyan");

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertAll(
        () -> assertEquals("Scanner jams at tray 2", sync.b().value("PB-2", "summary").asText(),
            "PB-2's summary"),
        () -> assertEquals("Scanner jams at tray 2", sync.a().value("PA-3", "summary").asText(),
            "PA-3's summary"),
        () -> assertEquals("PA-3", ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey(),
            "PB-2 is linked with PA-3"),
        () -> assertEquals("Black and cyan", sync.b().value("PB-3", "description").asText(),
            "PB-3's description"));
  }

  /**
   * Alice's change and PA-3's PAIRED arrive together, and are applied in one round: the change
   * to PB-2's row while it gave its key up, then the PAIRED links the row with PA-3, committed
   * first. The change's outcome, recorded after, once set the row's count of PA-3's messages to
   * its own sequence id, and alice's next change of PA-3 was dropped as applied before.
   */
  @Test
  void aliceNextChangeOfPa3ReachesPb2WhenBothCameInOneRound() {
    pb2GaveItsKeyUpBeforeAlicesChangeCame();
    sync.deliver("PA"); // alice's change, then PA-3's PAIRED
    sync.apply("PB");
    assertEquals("PA-3", ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "description", "Only with duplex on");
    sync.b("bob").edit("PB-2", "priority", "Low");

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertAll(
        () -> assertEquals("Scanner jams at tray 2", sync.a().value("PA-3", "summary").asText(),
            "PA-3's summary"),
        () -> assertEquals("Scanner jams at tray 2", sync.b().value("PB-2", "summary").asText(),
            "PB-2's summary"),
        () -> assertEquals("Only with duplex on", sync.b().value("PB-2", "description").asText(),
            "PB-2's description"),
        () -> assertEquals("Low", sync.a().value("PA-3", "priority").asText(),
            "PA-3's priority"));
  }
}
