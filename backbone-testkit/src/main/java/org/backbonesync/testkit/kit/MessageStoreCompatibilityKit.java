package org.backbonesync.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do. Extend it and implement {@link #newStores()}; each test
 * gets empty stores. Messages must come back equal to what was stored (field values included).
 */
public abstract class MessageStoreCompatibilityKit extends StoresKit<MessageStore> {

  @Override
  final MessageStore storeOf(Stores fresh) {
    return fresh.messages();
  }

  private static SyncMessage message(String source, long sequence) {
    return message("PA:" + source + ":1:" + sequence, source, sequence);
  }

  private static SyncMessage message(String id, String source, long sequence) {
    return message(id, source, sequence, "v" + sequence, "alice");
  }

  private static SyncMessage message(String id, String source, long sequence, String value,
      String author) {
    return SyncMessage.builder().formatVersion(1).messageId(id).synchronizationId("s")
        .fromConnector("PA").toConnector("PB").sourceIssueKey(source).sequenceId(sequence)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(100 + sequence)
        .fields(Map.of("m1", new FieldValue(JsonNodeFactory.instance.textNode(value), 5, author)))
        .build();
  }

  @Test
  void severalMessagesAtOnceBehaveAsOneByOne() {
    store.addOutgoing(List.of(message("PA-1", 1), message("PA-2", 1), message("PA-1", 2)), 10);
    assertEquals(List.of(message("PA-1", 1), message("PA-2", 1), message("PA-1", 2)),
        store.dueOutgoing("PA", 100, 10).stream().map(OutboxEntry::message).toList());

    store.removeOutgoing("PA", List.of(message("PA-1", 1).messageId(),
        message("PA-1", 2).messageId(), "PA:unknown:1:1"));
    assertEquals(List.of(message("PA-2", 1)),
        store.dueOutgoing("PA", 100, 10).stream().map(OutboxEntry::message).toList());

    assertTrue(store.addIncoming(message("PA-3", 1), 10));
    assertEquals(Set.of(message("PA-3", 2).messageId(), message("PA-4", 1).messageId()),
        store.addIncoming(List.of(message("PA-3", 1), message("PA-3", 2), message("PA-4", 1)),
            11), "the one already there is not stored again");
    assertEquals(3, store.incomingCount("PB"));

    store.removeIncoming("PB", List.of(message("PA-3", 1).messageId(),
        message("PA-4", 1).messageId()));
    assertEquals(List.of(message("PA-3", 2)), store.nextIncoming("PB", 100, 10).stream()
        .map(InboxEntry::message).toList());
  }

  @Test
  void textBeyondAsciiComesBackAsWritten() {
    // (accents, a CJK character, an emoji's surrogate pair, a control character; alone and
    // several at once, which a store may write another way)
    String text = "café 日本 😀 \u0001 \\ \" end";
    SyncMessage one = message("PA:PA-1:1:1", "PA-1", 1, text, "zoë");
    SyncMessage two = message("PA:PA-2:1:1", "PA-2", 1, text + " 2", "zoë");
    SyncMessage three = message("PA:PA-3:1:1", "PA-3", 1, text + " 3", "zoë");

    store.addOutgoing(one, 10);
    store.addOutgoing(List.of(two, three), 10);
    store.addIncoming(one, 10);
    store.addIncoming(List.of(two, three), 10);

    assertEquals(List.of(one, two, three),
        store.dueOutgoing("PA", 100, 10).stream().map(OutboxEntry::message).toList());
    assertEquals(Set.of(one, two, three), store.nextIncoming("PB", 100, 10).stream()
        .map(InboxEntry::message).collect(Collectors.toSet()));
    assertEquals(text, store.incomingFor("PB", "PA-1").get(0).message().fields().get("m1")
        .value().asText());
  }

  @Test
  void theInboxOfSeveralIssuesIsReadAtOnce() {
    store.addIncoming(List.of(message("PA-1", 2), message("PA-2", 1), message("PA-1", 1),
        message("PA-3", 1)), 10);
    List<String> keys = new java.util.ArrayList<>(List.of("PA-2", "PA-1", "PA-9"));
    for (int i = 100; i < 250; i++) { // (more than a store may read at once)
      keys.add("PA-" + i);
    }
    store.addIncoming(message("PA-200", 1), 10);

    Map<String, List<InboxEntry>> found = store.incomingFor("PB", keys);

    assertEquals(Set.of("PA-1", "PA-2", "PA-200"), found.keySet());
    assertEquals(store.incomingFor("PB", "PA-1"), found.get("PA-1"), "by sequence id");
    assertEquals(List.of(message("PA-2", 1)),
        found.get("PA-2").stream().map(InboxEntry::message).toList());
    assertEquals(Map.of(), store.incomingFor("PA", keys), "another connector's inbox");
    assertEquals(Map.of("PA-1", store.incomingFor("PB", "PA-1")),
        store.incomingFor("PB", List.of("PA-1")), "one issue, by sequence id");
    assertEquals(Map.of(), store.incomingFor("PB", List.of("PA-9")));
    assertEquals(Map.of(), store.incomingFor("PA", List.of("PA-1")));
  }

  @Test
  void theInboxReadAgainAfterItsHeadsShowsTheBookkeepingOfNow() {
    store.addIncoming(List.of(message("PA-1", 1), message("PA-2", 1), message("PA-3", 1),
        message("PA-4", 1)), 10);
    List<String> keys = new java.util.ArrayList<>(List.of("PA-1", "PA-2", "PA-3", "PA-4",
        "PA-9"));
    for (int i = 100; i < 250; i++) { // (more than a store may read at once)
      keys.add("PA-" + i);
      store.addIncoming(message("PA-" + i, 1), 10);
    }
    List<InboxEntry> heads = store.nextIncoming("PB", 100, 1000);
    assertEquals(154, heads.size());

    InboxEntry retried = store.incoming("PB", message("PA-2", 1).messageId()).orElseThrow();
    store.updateIncoming(retried.withRetryAt(500, "PB is down"));
    InboxEntry failed = store.incoming("PB", message("PA-120", 1).messageId()).orElseThrow();
    store.updateIncoming(failed.withFailure("no such issue"));
    store.removeIncoming("PB", message("PA-3", 1).messageId());
    store.addIncoming(message("PA-1", 2), 20);
    store.addIncoming(message("PA-9", 1), 20);
    // an id given again with other content (a sender restored from a backup), received anew
    store.removeIncoming("PB", message("PA-130", 1).messageId());
    SyncMessage again1 = message(message("PA-130", 1).messageId(), "PA-130", 1, "other", "bob");
    store.addIncoming(again1, 30);
    List<InboxEntry> elsewhere = List.of(InboxEntry.received(SyncMessage.builder()
        .formatVersion(1).messageId(message("PA-4", 1).messageId()).synchronizationId("s")
        .fromConnector("PB").toConnector("PA").sourceIssueKey("PA-4").sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(101).fields(Map.of()).build(), 10));

    Map<String, List<InboxEntry>> again = store.incomingFor("PB", keys, heads);

    assertEquals(store.incomingFor("PB", keys), again);
    assertEquals(2, again.get("PA-1").size(), "a message received since is read");
    assertEquals(500, again.get("PA-2").get(0).notBefore(), "a retry's time is read now");
    assertEquals(InboxEntry.Status.FAILED, again.get("PA-120").get(0).status());
    assertFalse(again.containsKey("PA-3"), "a head removed since is gone");
    assertEquals(List.of(again1), again.get("PA-130").stream().map(InboxEntry::message)
        .toList(), "an entry received again since is read whole");
    assertEquals(List.of(message("PA-4", 1)), store.incomingFor("PB", List.of("PA-4"),
        elsewhere).get("PA-4").stream().map(InboxEntry::message).toList(),
        "another connector's entry of that id is not taken for PB's");
    assertEquals(Map.of(), store.incomingFor("PB", List.of(), heads));
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> store.incomingFor("PB", keys, Arrays.asList(heads.get(0), null)));
    assertEquals("known[1]", e.getMessage());
    e = assertThrows(NullPointerException.class, () -> store.incomingFor("PB", keys, null));
    assertEquals("known", e.getMessage());
    e = assertThrows(NullPointerException.class,
        () -> store.incomingFor("PB", Arrays.asList("PA-1", null), heads));
    assertEquals("sourceIssueKeys[1]", e.getMessage());
  }

  @Test
  void aNullAmongSeveralIssuesIsRefusedByItsIndex() {
    store.addIncoming(message("PA-1", 1), 10);

    NullPointerException e = assertThrows(NullPointerException.class,
        () -> store.incomingFor("PB", Arrays.asList("PA-1", null)));
    assertEquals("sourceIssueKeys[1]", e.getMessage());
    e = assertThrows(NullPointerException.class,
        () -> store.incomingFor("PB", Arrays.asList((String) null)));
    assertEquals("sourceIssueKeys[0]", e.getMessage());
    e = assertThrows(NullPointerException.class,
        () -> store.incomingFor("PB", (Collection<String>) null));
    assertEquals("sourceIssueKeys", e.getMessage());
  }

  @Test
  void anOutboxEntryIsFoundByItsIdWhereverItIs() {
    store.addOutgoing(List.of(message("PA-1", 1), message("PA-2", 1)), 10);
    OutboxEntry later = store.dueOutgoing("PA", 100, 10).get(1).withFailedAttempt(
        Long.MAX_VALUE, "parked");
    store.updateOutgoing(later);

    assertEquals(later, store.outgoing("PA", message("PA-2", 1).messageId()).orElseThrow());
    assertEquals(message("PA-1", 1),
        store.outgoing("PA", message("PA-1", 1).messageId()).orElseThrow().message());
    assertTrue(store.outgoing("PA", "PA:PA-9:1:1").isEmpty());
    assertTrue(store.outgoing("PB", message("PA-1", 1).messageId()).isEmpty(),
        "another connector's outbox");
  }

  @Test
  void theOutboxKeepsMessagesInOrderUntilRemoved() {
    store.addOutgoing(message("PA-1", 1), 10);
    store.addOutgoing(message("PA-2", 1), 11);
    store.addOutgoing(message("PA-1", 2), 12);

    List<OutboxEntry> due = store.dueOutgoing("PA", 100, 10);
    assertEquals(List.of(message("PA-1", 1), message("PA-2", 1), message("PA-1", 2)),
        due.stream().map(OutboxEntry::message).toList());
    assertEquals(new OutboxEntry(message("PA-1", 1), 10, 0, 10, null), due.get(0));
    assertEquals(2, store.dueOutgoing("PA", 100, 2).size());
    assertEquals(List.of(), store.dueOutgoing("PB", 100, 10), "outbox of the sender only");

    store.removeOutgoing("PA", message("PA-2", 1).messageId());
    assertEquals(2, store.outgoingCount("PA"));
  }

  @Test
  void aFailedDeliveryIsDueAgainOnlyAfterItsBackoff() {
    store.addOutgoing(message("PA-1", 1), 10);
    OutboxEntry entry = store.dueOutgoing("PA", 10, 1).get(0);

    store.updateOutgoing(entry.withFailedAttempt(1010, "down"));

    assertEquals(List.of(), store.dueOutgoing("PA", 1009, 10));
    assertFalse(store.hasDueOutgoing("PA", 1009), "waiting for its backoff: none due");
    assertTrue(store.hasDueOutgoing("PA", 1010));
    assertFalse(store.hasDueOutgoing("PB", 1010), "another connector's outbox");
    OutboxEntry again = store.dueOutgoing("PA", 1010, 10).get(0);
    assertEquals(1, again.attempts());
    assertEquals("down", again.lastError());
  }

  @Test
  void theInboxRefusesAMessageIdItAlreadyHolds() {
    assertTrue(store.addIncoming(message("PA-1", 1), 10));
    assertFalse(store.addIncoming(message("PA-1", 1), 20));

    assertEquals(1, store.incomingCount("PB"));
    assertEquals(Optional.of(InboxEntry.received(message("PA-1", 1), 10)),
        store.incoming("PB", message("PA-1", 1).messageId()));
  }

  @Test
  void nextIncomingGivesTheLowestSequenceIdPerSourceIssueEarliestFirst() {
    store.addIncoming(message("PA-2", 1), 10);
    store.addIncoming(message("PA-1", 3), 11);
    store.addIncoming(message("PA-1", 2), 12);

    List<InboxEntry> heads = store.nextIncoming("PB", 100, 10);

    assertEquals(List.of(message("PA-2", 1), message("PA-1", 2)),
        heads.stream().map(InboxEntry::message).toList());
    assertEquals(1, store.nextIncoming("PB", 100, 1).size());
    assertEquals(List.of(message("PA-1", 2), message("PA-1", 3)),
        store.incomingFor("PB", "PA-1").stream().map(InboxEntry::message).toList());
  }

  @Test
  void aTieOfSequenceIdsGoesToTheEarliestReceivedThenToTheFirstAdded() {
    SyncMessage later = message("later", "PA-1", 1);
    SyncMessage earlier = message("earlier", "PA-1", 1);
    store.addIncoming(later, 20);
    store.addIncoming(earlier, 10);
    assertEquals(List.of(earlier),
        store.nextIncoming("PB", 100, 10).stream().map(InboxEntry::message).toList());

    store.removeIncoming("PB", "earlier");
    store.addIncoming(message("added-after", "PA-1", 1), 20);

    assertEquals(List.of(later),
        store.nextIncoming("PB", 100, 10).stream().map(InboxEntry::message).toList());
  }

  @Test
  void aFailedOrDeferredHeadHoldsBackItsWholeIssue() {
    store.addIncoming(message("PA-1", 1), 10);
    store.addIncoming(message("PA-1", 2), 11);
    store.addIncoming(message("PA-2", 1), 12);
    store.addIncoming(message("PA-3", 1), 13);
    InboxEntry head1 = store.incomingFor("PB", "PA-1").get(0);
    InboxEntry head3 = store.incomingFor("PB", "PA-3").get(0);

    store.updateIncoming(head1.withFailure("refused"));
    store.updateIncoming(head3.withRetryAt(500, "429"));

    assertEquals(List.of(message("PA-2", 1)),
        store.nextIncoming("PB", 100, 10).stream().map(InboxEntry::message).toList());
    assertEquals(2, store.nextIncoming("PB", 500, 10).size());
    List<InboxEntry> failed = store.failedIncoming("PB");
    assertEquals(1, failed.size());
    assertEquals("refused", failed.get(0).error());
    assertEquals(InboxEntry.Status.FAILED, failed.get(0).status());
    assertEquals(1, failed.get(0).attempts());
  }

  @Test
  void theStatusCountsAndOldestTimesFollowTheQueues() {
    assertEquals(OptionalLong.empty(), store.oldestOutgoing("PA"));
    assertEquals(OptionalLong.empty(), store.oldestIncoming("PB"));
    assertEquals(0, store.failedIncomingCount("PB"));
    store.addOutgoing(message("PA-1", 1), 20);
    store.addOutgoing(message("PA-2", 1), 10);
    store.addIncoming(message("PA-1", 2), 30);
    store.addIncoming(message("PA-1", 1), 40);
    store.addIncoming(message("PA-2", 1), 50);
    store.updateIncoming(store.incoming("PB", message("PA-2", 1).messageId()).orElseThrow()
        .withFailure("refused"));

    assertEquals(OptionalLong.of(10), store.oldestOutgoing("PA"));
    assertEquals(OptionalLong.of(30), store.oldestIncoming("PB"),
        "the earliest received, even when it is not its issue's next");
    assertEquals(1, store.failedIncomingCount("PB"));
    assertEquals(OptionalLong.empty(), store.oldestOutgoing("PB"), "the sender's outbox only");

    store.removeOutgoing("PA", message("PA-2", 1).messageId());
    store.removeIncoming("PB", message("PA-1", 2).messageId());
    assertEquals(OptionalLong.of(20), store.oldestOutgoing("PA"));
    assertEquals(OptionalLong.of(40), store.oldestIncoming("PB"));
  }

  @Test
  void removedMessagesLeaveTheInbox() {
    store.addIncoming(message("PA-1", 1), 10);

    store.removeIncoming("PB", message("PA-1", 1).messageId());

    assertEquals(0, store.incomingCount("PB"));
    assertEquals(List.of(), store.nextIncoming("PB", 100, 10));
  }

  @Test
  void messageWritesRollBackWithTheirTransaction() {
    store.addIncoming(message("PA-1", 1), 10);

    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.removeIncoming("PB", message("PA-1", 1).messageId());
      store.addIncoming(message("PA-1", 2), 11);
      store.addIncoming(message("PA-2", 1), 11);
      store.addOutgoing(message("PA-9", 1), 10);
      throw new IllegalStateException("boom");
    }));

    assertEquals(1, store.incomingCount("PB"));
    assertEquals(0, store.outgoingCount("PA"));
    assertEquals(List.of(message("PA-1", 1)),
        store.incomingFor("PB", "PA-1").stream().map(InboxEntry::message).toList());
    assertEquals(List.of(), store.incomingFor("PB", "PA-2"));
    assertEquals(List.of(message("PA-1", 1)),
        store.nextIncoming("PB", 100, 10).stream().map(InboxEntry::message).toList());
  }

  @Test
  void aMessageHandedOverArrivesWithItsTransactionsCommit() {
    stores.inTransaction(() -> {
      store.handOver(message("PA-1", 1), 10);
      store.handOver(message("PA-2", 1), 10);
      store.addOutgoing(message("PA-3", 1), 10);
      return null;
    });

    assertEquals(2, store.incomingCount("PB"));
    assertEquals(List.of(message("PA-1", 1), message("PA-2", 1)),
        store.nextIncoming("PB", 100, 10).stream().map(InboxEntry::message).toList());
    assertEquals(10, store.incoming("PB", message("PA-1", 1).messageId()).orElseThrow()
        .receivedAt());
    assertEquals(1, store.outgoingCount("PA"), "only the message added to the outbox");
  }

  @Test
  void aMessageHandedOverGoesWithItsTransactionsRollback() {
    assertThrows(IllegalStateException.class, () -> stores.inTransaction(() -> {
      store.handOver(message("PA-1", 1), 10);
      throw new IllegalStateException("boom");
    }));

    assertEquals(0, store.incomingCount("PB"));
    assertEquals(List.of(), store.incomingFor("PB", "PA-1"));
  }

  @Test
  void aMessageHandedOverAgainLeavesTheOneThereAsItIs() {
    store.addIncoming(message("PA-1", 1), 10);
    InboxEntry before = store.incoming("PB", message("PA-1", 1).messageId()).orElseThrow();
    store.updateIncoming(before.withRetryAt(50, "the issue is locked"));

    stores.inTransaction(() -> {
      store.handOver(message("PA-1", 1), 20);
      return null;
    });

    InboxEntry after = store.incoming("PB", message("PA-1", 1).messageId()).orElseThrow();
    assertEquals(1, store.incomingCount("PB"));
    assertEquals(10, after.receivedAt());
    assertEquals(1, after.attempts());
    assertEquals("the issue is locked", after.error());
  }
}
