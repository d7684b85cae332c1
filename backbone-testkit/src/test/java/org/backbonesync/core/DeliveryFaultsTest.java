package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.InMemoryTransport.Fault;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** Given a transport that loses, repeats and reorders messages, each change is applied once. */
class DeliveryFaultsTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  @Test
  void aMessageDeliveredTwiceIsAppliedOnce() {
    sync.transportAtoB().inject(Fault.DUPLICATE, 1);
    sync.a("alice").create("Printer on fire");

    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    assertEquals(1, sync.events().count(Type.DUPLICATE, "PB"));
    assertEquals(1, sync.events().count(Type.APPLIED, "PB"));
    assertEquals(1, sync.syncInfoB().get(0).incomingMessageSequenceId());
  }

  @Test
  void aLostAcknowledgementMakesTheSenderResendAndTheReceiverDropsIt() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.transportAtoB().inject(Fault.DROP_ACK, 1);

    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals("Printer fixed", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, sync.stores().messages().outgoingCount("PA"), "acknowledged at last");
    assertEquals(2, sync.events().count(Type.APPLIED, "PB"), "the create and the edit, once each");
    assertTrue(sync.events().count(Type.DUPLICATE, "PB") >= 1);
  }

  @Test
  void aLostMessageIsSentAgainAfterTheBackoff() {
    sync.transportAtoB().inject(Fault.DROP, 1);
    sync.a("alice").create("Printer on fire");

    sync.step();
    assertTrue(sync.b().allIssues().isEmpty());
    assertEquals(1, sync.stores().messages().outgoingCount("PA"), "kept until acknowledged");
    sync.step();
    assertTrue(sync.b().allIssues().isEmpty(), "not due before the backoff");

    sync.advance(Duration.ofSeconds(1));
    sync.step();

    assertEquals(1, sync.b().allIssues().size());
  }

  @Test
  void messagesArrivingOutOfOrderAreAppliedInOrder() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").edit("PA-1", "summary", "second");
    sync.poll("PA");
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-1", "summary", "third");
    sync.poll("PA");

    // #2 is held back, #3 arrives first; then #2 arrives late.
    sync.transportAtoB().inject(Fault.HOLD, 1);
    sync.deliver("PA");
    var waiting = sync.apply("PB");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertInstanceOf(ApplyOutcome.WaitingForGap.class, waiting.get(0));
    assertEquals(2, ((ApplyOutcome.WaitingForGap) waiting.get(0)).expectedSequenceId());

    sync.transportAtoB().releaseHeld();
    var outcomes = sync.apply("PB");

    assertEquals(List.of(2L, 3L), outcomes.stream()
        .map(o -> o.message().sequenceId()).toList());
    assertEquals("third", sync.b().value("PB-1", "summary").asText());
    assertEquals(3, sync.syncInfoB().get(0).incomingMessageSequenceId());
  }

  @Test
  void aPartnerThatIsDownGetsTheMessagesWhenItComesBack() {
    sync.transportAtoB().setDown(true);
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    for (int i = 0; i < 5; i++) {
      sync.step();
      sync.advance(Duration.ofSeconds(30));
    }
    assertTrue(sync.b().allIssues().isEmpty());
    assertEquals(2, sync.stores().messages().outgoingCount("PA"));

    sync.transportAtoB().setDown(false);
    sync.runUntilQuiet();

    assertEquals(List.of("Printer on fire", "Coffee machine empty"),
        sync.b().allIssues().stream().map(i -> i.field("summary").asText()).toList());
  }

  @Test
  void aMessageForAnotherConnectorIsRefusedAndNotStored() {
    SyncMessage stray = SyncMessage.builder().formatVersion(1).messageId("m-1")
        .synchronizationId("another-sync").fromConnector("PA").toConnector("PB")
        .sourceIssueKey("PA-9").sequenceId(1).kind(org.backbonesync.spi.message.MessageKind.CHANGE)
        .issueType("Task").build();

    var e = assertThrows(SyncException.class, () -> sync.engine().receiver("PB").receive(stray));

    assertTrue(e.getMessage().contains("another-sync"), e.getMessage());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  @Test
  void aBatchIsStoredWholeOrNotAtAll() {
    SyncMessage first = SyncMessage.builder().formatVersion(1).messageId("PA:PA-1:1:1")
        .synchronizationId("sync-pa-pb").fromConnector("PA").toConnector("PB")
        .sourceIssueKey("PA-1").sequenceId(1).kind(org.backbonesync.spi.message.MessageKind.CHANGE)
        .issueType("Task").build();
    SyncMessage second = SyncMessage.builder().formatVersion(1).messageId("PA:PA-2:2:1")
        .synchronizationId("sync-pa-pb").fromConnector("PA").toConnector("PB")
        .sourceIssueKey("PA-2").sequenceId(1).kind(org.backbonesync.spi.message.MessageKind.CHANGE)
        .issueType("Task").build();
    SyncMessage stray = SyncMessage.builder().formatVersion(1).messageId("m-1")
        .synchronizationId("another-sync").fromConnector("PA").toConnector("PB")
        .sourceIssueKey("PA-9").sequenceId(1).kind(org.backbonesync.spi.message.MessageKind.CHANGE)
        .issueType("Task").build();
    var receiver = sync.engine().receiver("PB");

    var e = assertThrows(SyncException.class,
        () -> receiver.receiveAll(List.of(first, stray, second)));
    assertTrue(e.getMessage().contains("another-sync"), e.getMessage());
    assertEquals(0, sync.stores().messages().incomingCount("PB"), "none of the batch stored");

    assertEquals(java.util.Set.of(first.messageId()), receiver.receiveAll(List.of(first)));
    assertEquals(java.util.Set.of(first.messageId(), second.messageId()),
        receiver.receiveAll(List.of(first, second)), "one again, one new: both may be forgotten");
    assertEquals(2, sync.stores().messages().incomingCount("PB"));
    assertEquals(2, sync.events().events(Type.RECEIVED).size());
    assertEquals(1, sync.events().events(Type.DUPLICATE).size());
  }
}
