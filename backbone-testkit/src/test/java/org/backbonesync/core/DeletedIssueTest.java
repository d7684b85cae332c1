package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone deletes a synced issue on one side. The next change of its partner finds it gone: the
 * pair is unlinked (its row ignores the partner's changes) with a listener event, instead of the
 * message failing for good and holding up every later one. The partner issue is left as it is.
 */
class DeletedIssueTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low"))
      .build();

  @BeforeEach
  void givenOneSyncedPair() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
  }

  private SyncInfo rowOfPb1() {
    return sync.syncInfoB().stream().filter(r -> r.localIssueKey().equals("PB-1")).findFirst()
        .orElseThrow();
  }

  @Test
  void thePartnersNextChangeUnlinksThePairInsteadOfFailing() {
    sync.b("bob").delete("PB-1");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.a("alice").addComment("PA-1", "Anyone?");
    sync.runUntilQuiet();

    assertTrue(rowOfPb1().incomingChangesIgnored(), "the pair is unlinked");
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "nothing waits for an operator");
    assertTrue(sync.events().events(Type.FAILED).isEmpty(), sync.events().events().toString());
    List<Event> unlinked = sync.events().events(Type.UNLINKED);
    assertEquals(1, unlinked.size(), unlinked.toString());
    assertEquals("PB", unlinked.get(0).connectorKey());
    assertEquals("PB-1 from PA-1", unlinked.get(0).detail());
    Event ignored = sync.events().events(Type.IGNORED).get(0);
    assertEquals("PB-1 no longer exists in PB; the pair is unlinked and its incoming changes"
        + " are ignored", ignored.detail());
    assertEquals("Printer still on fire", sync.a().value("PA-1", "summary").asText(),
        "the partner issue is left as it is");
    assertTrue(sync.b().issue("PB-1").isEmpty(), "nothing made again on B");
    assertEquals(List.of(), sync.b().allIssues());
  }

  @Test
  void laterChangesAreIgnoredWithoutUnlinkingAgain() {
    sync.b("bob").delete("PB-1");
    sync.a("alice").edit("PA-1", "summary", "first");
    sync.runUntilQuiet();
    sync.events().clear();

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "second");
    sync.runUntilQuiet();

    assertEquals(0, sync.events().events(Type.UNLINKED).size());
    assertEquals(1, sync.events().events(Type.IGNORED).size(), sync.events().toString());
    assertEquals("incoming changes of PB-1 are ignored",
        sync.events().events(Type.IGNORED).get(0).detail());
    SyncInfo partner = sync.syncInfoA().get(0);
    assertEquals(partner.outgoingMessageSequenceId(), rowOfPb1().incomingMessageSequenceId(),
        "every message was consumed, nothing waits for a gap");
  }

  @Test
  void anOperatorTakingTheChangesAgainGetsTheUnlinkBackOnTheNextChange() {
    sync.b("bob").delete("PB-1");
    sync.a("alice").edit("PA-1", "summary", "first");
    sync.runUntilQuiet();

    sync.engine().setIncomingChangesIgnored("PB", rowOfPb1().id(), false);
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "second");
    sync.runUntilQuiet();

    assertTrue(rowOfPb1().incomingChangesIgnored());
    assertEquals(2, sync.events().events(Type.UNLINKED).size());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @Test
  void aFailureOnAnIssueThatExistsStillWaitsForAnOperator() {
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();

    assertEquals(1, sync.engine().failedMessages("PB").size());
    assertFalse(rowOfPb1().incomingChangesIgnored(), "an existing issue is not unlinked");
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty());
  }

  @Test
  void aDeletedIssueWhoseMessageFailedBeforeIsUnlinkedOnRetry() {
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();
    String failed = sync.engine().failedMessages("PB").get(0).message().messageId();

    sync.b("bob").delete("PB-1");
    sync.engine().retry("PB", failed);
    sync.runUntilQuiet();

    assertTrue(rowOfPb1().incomingChangesIgnored());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    assertEquals(1, sync.events().events(Type.UNLINKED).size());
  }
}
