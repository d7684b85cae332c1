package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * PB's PAIRED for PA-1 fails once at A after A learnt PB-1's row (a deadlock as it is consumed;
 * {@code PairOrder} commits what it learns on its own), then alice deletes PA-1 and A's poll
 * unlinks the pair. The PAIRED, tried again, records PB-1's key and leaves the row unlinked: the
 * row looks like one that gave its key up to a restored site's copy, which a PAIRED links again,
 * but its own issue is gone, and the link is undone at once (the simulation with hand-over,
 * webhooks, link removals, worklogs, deletes and store faults, seeds 10989, 33078, 479925548:
 * linked again, the deleted issue's row stayed linked with the copy, which B deleted for the
 * GONE).
 */
class PairedAfterIssueDeletedTest {
  /** The id of a PA inbox message whose removal fails once; null when unarmed. */
  private final AtomicReference<String> failAt = new AtomicReference<>();
  /** Whether the next GONE put in an outbox fails. */
  private final AtomicBoolean failGone = new AtomicBoolean();
  private final InMemoryStores durable = new InMemoryStores();
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(failing())
      .connectorA(c -> c.withOnPartnerGone(PartnerGone.mark()))
      .connectorB(c -> c.withOnPartnerGone(PartnerGone.delete())).build();

  private ForwardingStores failing() {
    return HookedMessages.before(durable, (method, args) -> {
      if (method.equals("removeIncoming") && "PA".equals(args[0])
          && args[1].equals(failAt.get())) {
        failAt.set(null);
        throw new RetriableException("deadlock detected (SQL state 40001)", null);
      }
      if (method.equals("addOutgoing") && ((SyncMessage) args[0]).kind() == MessageKind.GONE
          && failGone.compareAndSet(true, false)) {
        throw new RetriableException("deadlock detected (SQL state 40001)", null);
      }
    });
  }

  @Test
  void aPairedTriedAgainAfterItsIssueWasDeletedLeavesThePairUnlinked() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");
    sync.deliver("PB");
    String paired = durable.messages().incomingFor("PA", "PB-1").stream()
        .map(InboxEntry::message).filter(m -> m.kind() == MessageKind.PAIRED)
        .findFirst().orElseThrow().messageId();
    failAt.set(paired);
    sync.apply("PA");
    assertEquals(null, failAt.get(), "the PAIRED's first try failed");

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").delete("PA-1");
    sync.engine().changeHints("PA").issuesChanged(List.of("PA-1"));
    sync.engine().detect("PA");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    SyncInfo a = ReusedKeyStory.row(sync.syncInfoA(), "PA-1");
    assertTrue(a.incomingChangesIgnored(), "PA-1 is deleted: its pair stays unlinked: " + a);
    assertEquals("PB-1", a.remoteIssueKey(), "the PAIRED was applied: " + a);
    assertTrue(sync.b().issue("PB-1").isEmpty(), "B deleted PB-1 for the GONE");
    assertTrue(ReusedKeyStory.row(sync.syncInfoB(), "PB-1").incomingChangesIgnored());
    assertEquals(List.of("PB-1 DELETE"), sync.events().events(Type.PARTNER_GONE).stream()
        .map(Event::detail).toList(), "B acted once");
    assertTrue(sync.engine().failedMessages("PA").isEmpty());

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertTrue(ReusedKeyStory.row(sync.syncInfoA(), "PA-1").incomingChangesIgnored(), "still unlinked");
    assertEquals("Scanner jams", sync.a().value("PA-2", "summary").asText());
  }

  /**
   * The same check for a row that did give its key up (a restore of A lost PA-2; PB-2's create,
   * sent again, made PA-3), whose issue bob deleted before PA-3's PAIRED came: no poll looks at
   * an unlinked row's issue, so only this PAIRED can tell A. Linked again and left so, PA-3 stayed
   * paired with a deleted issue until its next change reached B. The GONE to A fails once: the
   * PAIRED stays queued, and nothing of its apply is written (linked, then unlinked in a step of
   * its own, the failed unlink left the pair linked).
   */
  @Test
  void aRowThatGaveItsKeyUpIsNotLinkedAgainWithItsIssueDeleted() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync);
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP_ACK, 1); // (PA-2's PAIRED)
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1); // (PA-3's PAIRED)
    sync.deliver("PA");
    sync.apply("PB");
    assertTrue(ReusedKeyStory.row(sync.syncInfoB(), "PB-2").incomingChangesIgnored(), "PB-2 gave PA-2 up");
    sync.b("bob").delete("PB-2");
    sync.transportAtoB().releaseHeld();
    failGone.set(true);

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertTrue(ReusedKeyStory.row(sync.syncInfoB(), "PB-2").incomingChangesIgnored());
    assertEquals("PA-3", ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertTrue(ReusedKeyStory.row(sync.syncInfoA(), "PA-3").incomingChangesIgnored(), "A was told");
    assertFalse(failGone.get(), "the GONE failed once");
    assertEquals(List.of("The synced partner issue PB-2 was deleted; this issue is no longer"
        + " synced."), sync.a().comments("PA-3").stream().map(c -> c.body()).toList());
  }
}
