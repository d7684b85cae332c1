package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * A synced issue is deleted, or moved to another project, on one side. That side unlinks the
 * pair and tells the other, whose connector leaves its issue, marks it (a comment and a label) or
 * deletes it, as its {@code onPartnerGone} says; both rows then ignore the other's changes. Found
 * by the partner's next message or by a change hint (Jira's webhook) naming the issue. An issue
 * whose project was renamed (a new key in the same project) keeps its pair.
 */
class PartnerGoneTest {

  /** PA-1 synced to PB-1, with connector A doing {@code gone} when its partner is gone. */
  private static SyncTestDriver synced(PartnerGone gone) {
    return synced(c -> c.withOnPartnerGone(gone));
  }

  private static SyncTestDriver synced(UnaryOperator<ConnectorConfig> connectorA) {
    SyncTestDriver sync = SyncTestDriver.builder().connectorA(connectorA).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    return sync;
  }

  private static SyncInfo row(List<SyncInfo> rows) {
    assertEquals(1, rows.size(), rows.toString());
    return rows.get(0);
  }

  /** B learns PB-1 is gone from the hint Jira's webhook sends, and tells A. */
  private static void hinted(SyncTestDriver sync, String key) {
    sync.engine().changeHints("PB").issuesChanged(List.of(key));
    sync.engine().detect("PB");
    sync.runUntilQuiet();
  }

  @Test
  void aDeletedIssueFoundByTheNextMessageUnlinksBothSidesAndLeavesThePartner() {
    SyncTestDriver sync = synced(PartnerGone.leave());
    sync.b("bob").delete("PB-1");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored());
    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored(), "A was told and unlinked too");
    List<Event> gone = sync.events().events(Type.PARTNER_GONE);
    assertEquals(1, gone.size(), sync.events().toString());
    assertEquals("PA", gone.get(0).connectorKey());
    assertEquals("PA-1 LEAVE", gone.get(0).detail());
    assertEquals("Printer still on fire", sync.a().value("PA-1", "summary").asText());
    assertEquals(List.of(), sync.a().comments("PA-1"));
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());

    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "Out at last");
    sync.runUntilQuiet();
    assertTrue(sync.b().allIssues().isEmpty(), "nothing made again on B");
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @Test
  void markingPutsACommentAndALabelOnThePartnerOnce() {
    SyncTestDriver sync = synced(PartnerGone.mark());
    sync.a("alice").edit("PA-1", "labels", JsonNodeFactory.instance.arrayNode().add("printers"));
    sync.runUntilQuiet();
    sync.b("bob").delete("PB-1");

    hinted(sync, "PB-1");

    List<Comment> comments = sync.a().comments("PA-1");
    assertEquals(1, comments.size(), comments.toString());
    assertEquals("The synced partner issue PB-1 was deleted; this issue is no longer synced.",
        comments.get(0).body());
    assertEquals("[\"printers\",\"sync-partner-gone\"]",
        sync.a().value("PA-1", "labels").toString());
    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored());
    assertEquals(1, sync.events().events(Type.UNLINKED).size(), "B unlinked once");

    hinted(sync, "PB-1"); // Jira's webhook again: the pair is unlinked already
    assertEquals(1, sync.a().comments("PA-1").size());
  }

  @Test
  void deletingDeletesThePartnerToo() {
    SyncTestDriver sync = synced(PartnerGone.delete());
    sync.b("bob").delete("PB-1");

    hinted(sync, "PB-1");

    assertTrue(sync.a().issue("PA-1").isEmpty(), "PA-1 deleted by the sync");
    assertTrue(row(sync.syncInfoA()).incomingChangesIgnored());
    assertEquals("PA-1 DELETE", sync.events().events(Type.PARTNER_GONE).get(0).detail());
  }

  @Test
  void aMarkWritesNothingOfThePartnersMessageButIssueKeys() {
    SyncTestDriver sync = synced(PartnerGone.mark());
    sync.transportBtoA().setDown(true);
    sync.b("bob").move("PB-1", "PX-1");
    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
    sync.engine().detect("PB");
    SyncMessage gone = sync.stores().messages().dueOutgoing("PB", Long.MAX_VALUE, 10).stream()
        .map(OutboxEntry::message).filter(m -> m.kind() == MessageKind.GONE).findFirst()
        .orElseThrow();
    Map<String, JsonNode> hostile = Map.of("reason", TextNode.valueOf("moved"),
        "movedTo", TextNode.valueOf("[click here|https://evil.example] {html}<b>"));

    sync.engine().receiver("PA").receive(gone.withValues(gone.formatVersion(), gone.fields(),
        hostile));
    sync.transportBtoA().setDown(false);
    sync.runUntilQuiet(); // (the GONE as sent comes too, as a duplicate)

    assertEquals("The synced partner issue PB-1 was moved; this issue is no longer synced.",
        sync.a().comments("PA-1").get(0).body());
  }

  /** Rows that talk with each other follow a new key of the partner's only in its project. */
  @Test
  void aMessageNamingAKeyOfAnotherProjectDoesNotMoveThePair() {
    SyncTestDriver sync = synced(PartnerGone.leave());
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.poll("PA");
    SyncMessage m = sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 10).get(0)
        .message();
    SyncMessage elsewhere = SyncMessage.builder().formatVersion(m.formatVersion())
        .messageId("forged-1").synchronizationId(m.synchronizationId())
        .fromConnector(m.fromConnector()).toConnector(m.toConnector()).sourceIssueKey("ZZ-9")
        .partnerIssueKey(m.partnerIssueKey()).sequenceId(m.sequenceId()).kind(m.kind())
        .issueType(m.issueType()).createdAt(m.createdAt()).fields(m.fields())
        .parentIssueKey(m.parentIssueKey()).seenSequenceId(m.seenSequenceId())
        .senderEpoch(m.senderEpoch()).receiverEpoch(m.receiverEpoch())
        .partnerSince(m.partnerSince()).content(m.content()).build();

    sync.engine().receiver("PB").receive(elsewhere);
    sync.apply("PB");

    assertEquals("PA-1", row(sync.syncInfoB()).remoteIssueKey());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aHintForAnIssueThatIsStillThereUnlinksNothing() {
    SyncTestDriver sync = synced(PartnerGone.delete());

    hinted(sync, "PB-1");

    assertTrue(sync.a().issue("PA-1").isPresent());
    assertEquals(false, row(sync.syncInfoB()).incomingChangesIgnored());
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty());
  }

  @Test
  void anIssueMovedToAnotherProjectIsUnlinkedAndNeverWritten() {
    SyncTestDriver sync = synced(PartnerGone.mark());
    sync.b("bob").move("PB-1", "PX-1");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.a("alice").addComment("PA-1", "Anyone?");
    sync.runUntilQuiet();

    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "the moved issue (PX-1, which PB-1 leads to) is not written");
    assertEquals(List.of(), sync.b().comments("PX-1"));
    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored());
    Event ignored = sync.events().events(Type.IGNORED).get(0);
    assertEquals("PB-1 moved to PX-1, out of project PB; the pair is unlinked and its incoming"
        + " changes are ignored", ignored.detail());
    assertEquals("The synced partner issue PB-1 was moved to PX-1; this issue is no longer"
        + " synced.", sync.a().comments("PA-1").get(1).body());
  }

  @Test
  void anIssueMovedAwayIsFoundByTheHintUnderItsOldKeyAndItsPartnerMarkedNotDeleted() {
    SyncTestDriver sync = synced(PartnerGone.delete());
    sync.b("bob").move("PB-1", "PX-1");

    hinted(sync, "PB-1");

    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString(),
        "a move may be a project's key renamed: marked, never deleted");
    assertEquals("PA-1 MARK", sync.events().events(Type.PARTNER_GONE).get(0).detail());
    assertTrue(sync.b().issue("PX-1").isPresent(), "the moved issue stays where it went");
  }

  /** A project whose key is renamed looks like every issue moving out of it: nothing deleted. */
  @Test
  void aRenamedProjectDeletesNothingOnThePartnerSide() {
    SyncTestDriver sync = synced(PartnerGone.delete());
    sync.a("alice").create("Second");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").move("PB-1", "PC-1");
    sync.b("bob").move("PB-2", "PC-2");

    sync.a("alice").edit("PA-1", "summary", "x");
    sync.a("alice").edit("PA-2", "summary", "y");
    sync.runUntilQuiet();

    assertEquals(2, sync.a().allIssues().size(), "A's issues are all there");
  }

  @Test
  void takingTheChangesAgainOnTheMovedSideSendsNothingOfTheOtherProject() {
    SyncTestDriver sync = synced(PartnerGone.leave());
    sync.b("bob").move("PB-1", "PX-1");
    sync.b("bob").edit("PX-1", "summary", "Confidential PX text");
    hinted(sync, "PB-1");
    assertTrue(row(sync.syncInfoB()).incomingChangesIgnored());

    sync.transportBtoA().setDown(true);
    sync.engine().setIncomingChangesIgnored("PB", row(sync.syncInfoB()).id(), false);

    List<String> queued = sync.stores().messages().dueOutgoing("PB", Long.MAX_VALUE, 50).stream()
        .map(e -> e.message().fields().toString()).toList();
    assertTrue(queued.stream().noneMatch(m -> m.contains("Confidential")), queued.toString());
  }

  @Test
  void aCrashBetweenTheMarksCommentAndItsLabelCommentsOnce() {
    SyncTestDriver sync = synced(PartnerGone.mark());
    boolean[] crashed = {false};
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("addComment") && !crashed[0]) {
          crashed[0] = true;
          throw new SimulatedCrash("after the mark's comment");
        }
      }
    });
    sync.b("bob").delete("PB-1");
    sync.engine().changeHints("PB").issuesChanged(List.of("PB-1"));
    sync.engine().detect("PB");
    assertThrows(SimulatedCrash.class, sync::runUntilQuiet);
    sync.restart();
    sync.advance(Duration.ofMinutes(5));
    sync.runUntilQuiet();

    assertTrue(crashed[0]);
    assertEquals(1, sync.a().comments("PA-1").size(), sync.a().comments("PA-1").toString());
    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString());
  }

  @Test
  void anIssueWithANewKeyInItsProjectKeepsItsPairBothWays() {
    SyncTestDriver sync = synced(PartnerGone.delete());
    sync.b("bob").move("PB-1", "PB-7");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();
    assertEquals("Printer still on fire", sync.b().value("PB-7", "summary").asText());
    assertEquals("PB-7", row(sync.syncInfoB()).localIssueKey());

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-7", "summary", "Fixed");
    sync.runUntilQuiet();

    assertEquals("Fixed", sync.a().value("PA-1", "summary").asText());
    assertEquals("PB-7", row(sync.syncInfoA()).remoteIssueKey());
    assertEquals(1, sync.a().allIssues().size(), "no second issue on A");
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty());
  }
}
