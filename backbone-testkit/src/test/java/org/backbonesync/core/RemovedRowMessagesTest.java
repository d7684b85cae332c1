package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A restore of A's site loses PA-1, the copy of PB-1, and PB-2's copy takes the key: A removes
 * the lost pair's row (ReusedKeys). A change of PB-1 that reaches A after that finds no row of
 * PB-1 and names none of ours: without a record of the removed row it waits for good for a
 * sequence id 1 the removed row applied (the simulation with site restores, seeds 1580, 1627,
 * 5005 and 7547). With the record it is dropped, visibly, and nothing waits for an operator.
 */
class RemovedRowMessagesTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();

  /** PB-1 copied to PA-1, whose PAIRED is not delivered yet; returns the backup's time. */
  private long pairCopiedAfterBackup() {
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-1
    return backup;
  }

  /**
   * Restores A's site, then PB-2's copy takes PA-1 (the lost pair's row removed); PB-1's change,
   * queued at B before PB-2's create, is held back until then.
   */
  private void restoreAndCopyUnderTheLostKey(long backup) {
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-2", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-1's change)
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-2
    sync.transportBtoA().releaseHeld();
  }

  /**
   * Runs until quiet: nothing waits for an operator, and PB-1's change is dropped with a warning
   * saying why; it does not reach PB-2's copy under the lost key.
   */
  private void thenPb1sChangeIsDropped(String why) {
    List<InboxEntry> failed = new ArrayList<>();
    String log = Stderr.of(() -> failed.addAll(sync.runUntilQuietExpectingFailures()));

    assertEquals(List.of(), failed, "nothing waits for an operator");
    assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("of \"PB-1\" is not"
        + " applied: its sender row talked with a row of ours paired with PB-1, removed when our"
        + " restored site gave its issue's key to another issue (ReusedKeys): " + why)),
        "an operator sees the drop: " + log);
    assertTrue(sync.events().events(Type.DUPLICATE).stream()
        .anyMatch(e -> e.connectorKey().equals("PA") && e.message().sourceIssueKey().equals("PB-1")
            && e.message().sequenceId() == 2), "a listener sees it: " + sync.events());
    assertEquals("Order more toner", sync.a().value("PA-1", "summary").asText(),
        "PB-1's change does not reach PB-2's copy under the lost key");
    assertEquals(1, sync.a().allIssues().size());
  }

  @Test
  void aChangeSentBeforeItsSenderHeardFromTheRemovedRowIsDropped() {
    long backup = pairCopiedAfterBackup();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Scanner jams again");
    sync.poll("PB"); // PB-1 #2, its row never heard from PA-1's
    restoreAndCopyUnderTheLostKey(backup);
    sync.apply("PA");
    assertEquals(1, sync.stores().messages().incomingFor("PA", "PB-1").size(),
        "until the gap timeout it waits (PB-1's create, sent again, would make a copy first)");

    thenPb1sChangeIsDropped("it comes after sequence id 1, the last that row applied, and"
        + " nothing is left to apply it to");
    assertEquals("Scanner jams again", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aChangeSentAgainAfterItsAcknowledgementWasLostIsDropped() {
    long backup = pairCopiedAfterBackup();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Scanner jams again");
    sync.poll("PB"); // PB-1 #2, its row never heard from PA-1's
    sync.transportBtoA().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.deliver("PB"); // PB-1 #2 delivered, to be sent again
    sync.apply("PA"); // applied to PA-1
    restoreAndCopyUnderTheLostKey(backup); // PB-1 #2 sent again

    thenPb1sChangeIsDropped("that row applied it (up to sequence id 2)");
  }
}
