package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * RestoredSiteCopyTest's aRowThatGaveItsKeyUpIsLinkedWithANewCopyOfItsIssue with a crash while
 * PB applies PA-3's PAIRED: the row has learned PA-3's row by then (PairOrder's learn commits on
 * its own), so after the restart the PAIRED no longer comes from a newer row than the one the
 * row talks with (helper-147's review of faff7491).
 */
class RestoredSiteCopyCrashTest {
  /** The id of a PB inbox message whose removal crashes once; null when unarmed. */
  private final AtomicReference<String> crashAt = new AtomicReference<>();
  private final InMemoryStores durable = new InMemoryStores();
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(crashing())
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();

  private ForwardingStores crashing() {
    return HookedMessages.before(durable, (method, args) -> {
      if (method.equals("removeIncoming") && "PB".equals(args[0])
          && args[1].equals(crashAt.get())) {
        crashAt.set(null);
        throw new SimulatedCrash("before PA-3's PAIRED is consumed");
      }
    });
  }

  @Test
  void aRowThatGaveItsKeyUpIsLinkedWithANewCopyEvenAfterACrash() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync);
    assertEquals("Scanner jams", sync.a().value("PA-3", "summary").asText());
    sync.deliver("PA");
    String paired = durable.messages().incomingFor("PB", "PA-3").stream()
        .map(InboxEntry::message).filter(m -> m.kind() == MessageKind.PAIRED)
        .findFirst().orElseThrow().messageId();
    crashAt.set(paired);
    assertThrows(SimulatedCrash.class, () -> sync.apply("PB"));
    sync.restart();

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    SyncInfo again = ReusedKeyStory.row(sync.syncInfoB(), "PB-2");
    assertEquals("PA-3", again.remoteIssueKey());
    assertFalse(again.incomingChangesIgnored(), "PB-2 is linked with PA-3 both ways: " + again);
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "description", "Tray 2 is empty");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals("Tray 2 is empty", sync.b().value("PB-2", "description").asText());
  }
}
