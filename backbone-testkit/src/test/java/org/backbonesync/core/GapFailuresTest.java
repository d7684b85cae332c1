package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.testkit.InMemoryTransport.Fault;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A message that waits for a gap (the message before it lost) fails after the gap timeout, never
 * silently skipped. One that failed so (the message before it lost, the gap timeout passed) is
 * judged again when what could settle it comes, without an admin: the lost message at last, or a
 * message of a newer partner row that makes it obsolete. Until then it stays failed, once.
 */
class GapFailuresTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .engine(e -> e.gapTimeout(Duration.ofMinutes(10), Duration.ofSeconds(5)))
      .build();
  private SyncMessage lost;

  /** PA-1's second message is lost; its third waits on PB for ten minutes, then fails. */
  @BeforeEach
  void aMessageFailedWaitingForTheOneLostBeforeIt() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").edit("PA-1", "summary", "lost");
    sync.poll("PA");
    sync.transportAtoB().inject(Fault.DROP, 1);
    sync.deliver("PA");
    lost = sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 1).get(0).message();
    sync.stores().messages().removeOutgoing("PA", lost.messageId());
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-1", "summary", "after the lost one");
    sync.poll("PA");
    sync.deliver("PA");
    var waiting = assertInstanceOf(ApplyOutcome.WaitingForGap.class, sync.apply("PB").get(0));
    assertEquals(2, waiting.expectedSequenceId());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "it waits, not failed yet");
    sync.advance(Duration.ofMinutes(10));
    sync.runUntilQuiet();

    List<InboxEntry> failed = sync.engine().failedMessages("PB");
    assertEquals(1, failed.size());
    assertEquals("sequence id 2 of PA-1 never arrived; waited since 2026-01-01T09:00:01Z with"
        + " sequence id 3; judged again when a message of PA-1 comes", failed.get(0).error());
  }

  @Test
  void theLostMessageComingLateIsAppliedAndTheFailedOneAfterIt() {
    sync.engine().receiver("PB").receive(lost); // (judged again after it: no look is due)
    sync.runUntilQuiet();

    assertEquals("after the lost one", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  @Test
  void aMessageOfANewerPartnerRowDropsItAsObsolete() {
    long row = sync.syncInfoA().get(0).id();
    sync.engine().deleteSyncInformation("PA", row); // (an admin rebuilds the pair)
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "after the rebuild");
    sync.runUntilQuiet();

    assertEquals("after the rebuild", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
    assertEquals(1, sync.b().allIssues().size());
  }

  @Test
  void aLaterMessageThatSettlesNothingLeavesItFailedOnceMore() {
    int failedBefore = sync.events().events(Type.FAILED).size();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "third");
    sync.runUntilQuiet();

    List<InboxEntry> failed = sync.engine().failedMessages("PB");
    assertEquals(1, failed.size());
    assertEquals(3, failed.get(0).message().sequenceId());
    assertEquals(failedBefore + 1, sync.events().events(Type.FAILED).size(), "judged again once");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    sync.advance(Duration.ofMinutes(5));
    sync.runUntilQuiet();
    assertEquals(failedBefore + 1, sync.events().events(Type.FAILED).size(),
        "not again while nothing came");

    sync.engine().receiver("PB").receive(lost);
    sync.runUntilQuiet();
    assertEquals("third", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  /** An entry an earlier version failed has the reason without the last clause. */
  @Test
  void oneFailedByAnEarlierVersionIsJudgedAgainToo() {
    InboxEntry failed = sync.engine().failedMessages("PB").get(0);
    sync.stores().messages().updateIncoming(failed.withFailure("sequence id 2 of PA-1 never"
        + " arrived; waited since 2026-01-01T09:00:01Z with sequence id 3"));

    sync.engine().receiver("PB").receive(lost);
    sync.runUntilQuiet();

    assertEquals("after the lost one", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }
}
