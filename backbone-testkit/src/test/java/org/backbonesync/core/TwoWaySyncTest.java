package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Given two projects in sync, changes on either side reach the other. */
class TwoWaySyncTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  private String createInA(String summary) {
    return sync.a("alice").createIssue(new IssueCreate("Task", Map.of(
        "summary", text(summary),
        "description", text("It smokes."),
        "priority", text("High")), null));
  }

  @Test
  void anIssueCreatedInPaAppearsInPbWithItsFields() {
    String pa1 = createInA("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware", "urgent"),
        "assignee", text("bob")));

    sync.runUntilQuiet();

    assertEquals("PA-1", pa1);
    assertEquals(1, sync.b().allIssues().size());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals("It smokes.", sync.b().value("PB-1", "description").asText());
    assertEquals("High", sync.b().value("PB-1", "priority").asText());
    assertEquals(strings("hardware", "urgent"), sync.b().value("PB-1", "labels"));
    assertEquals("bob", sync.b().value("PB-1", "assignee").asText());
    assertEquals("Task", sync.b().issue("PB-1").orElseThrow().issueType());
  }

  @Test
  void fieldsNotOnTheCreateScreenArriveInOneUpdateRightAfterTheCreate() {
    String pa1 = createInA("Printer on fire");
    sync.a("alice").updateIssue(pa1, Map.of("labels", strings("hardware")));
    sync.b().clearCalls();

    sync.runUntilQuiet();

    List<TrackerCall> writes = sync.b().calls().stream()
        .filter(c -> c.operation().equals("createIssue") || c.operation().equals("updateIssue"))
        .toList();
    assertEquals(List.of(
        new TrackerCall("createIssue", null, "sync-b"),
        new TrackerCall("updateIssue", "PB-1", "sync-b")), writes);
    assertEquals(strings("hardware"), sync.b().value("PB-1", "labels"));
  }

  @Test
  void anEditInPbComesBackToPa() {
    createInA("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(5));

    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    sync.b("bob").edit("PB-1", "priority", "Low");
    sync.runUntilQuiet();

    assertEquals("Printer on fire, third floor", sync.a().value("PA-1", "summary").asText());
    assertEquals("Low", sync.a().value("PA-1", "priority").asText());
    assertEquals(1, sync.a().allIssues().size(), "no new issue in PA");
    assertEquals(1, sync.b().allIssues().size(), "no new issue in PB");
  }

  @Test
  void anIssueCreatedInPbAppearsInPa() {
    sync.b("bob").create("Coffee machine empty");
    sync.runUntilQuiet();

    assertEquals("Coffee machine empty", sync.a().value("PA-1", "summary").asText());
    assertEquals("PB-1", sync.syncInfoA().get(0).remoteIssueKey());
    assertEquals("PA-1", sync.syncInfoB().get(0).remoteIssueKey());
  }

  @Test
  void clearingAFieldClearsItOnTheOtherSide() {
    createInA("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").edit("PA-1", "description", (String) null);
    sync.runUntilQuiet();

    assertTrue(sync.b().value("PB-1", "description").isNull());
  }

  @Test
  void syncInformationOfBothConnectorsHasAllFieldsFilled() {
    createInA("Printer on fire");
    sync.advance(Duration.ofSeconds(10));
    long sentAt = sync.clock().millis();
    sync.runUntilQuiet();

    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    long editedAt = sync.clock().millis();
    sync.advance(Duration.ofSeconds(10));
    long backAt = sync.clock().millis();
    sync.runUntilQuiet();

    SyncInfo a = single(sync.syncInfoA());
    assertEquals("PA", a.connectorKey());
    assertEquals("PA-1", a.localIssueKey());
    assertEquals("PB-1", a.remoteIssueKey());
    assertEquals(sentAt, a.firstSyncDate());
    assertEquals(sentAt, a.lastOutgoingChange());
    assertEquals(backAt, a.lastChangeSeen(), "the edit applied to PA-1 was examined, not sent back");
    assertEquals(1, a.outgoingMessageSequenceId());
    assertEquals(backAt, a.lastIncomingChange());
    assertEquals(2, a.incomingMessageSequenceId(), "PAIRED, then the edit");
    assertFalse(a.incomingChangesIgnored());
    assertTrue(a.id() > 0);

    SyncInfo b = single(sync.syncInfoB());
    assertEquals("PB", b.connectorKey());
    assertEquals("PB-1", b.localIssueKey());
    assertEquals("PA-1", b.remoteIssueKey());
    assertEquals(sentAt, b.firstSyncDate());
    assertEquals(backAt, b.lastOutgoingChange());
    assertEquals(editedAt, b.lastChangeSeen());
    assertEquals(2, b.outgoingMessageSequenceId());
    assertEquals(sentAt, b.lastIncomingChange());
    assertEquals(1, b.incomingMessageSequenceId());
    assertFalse(b.incomingChangesIgnored());
  }

  @Test
  void syncInformationIsRightAfterEachStep() {
    createInA("Printer on fire");

    sync.poll("PA");
    SyncInfo queued = single(sync.syncInfoA());
    assertNull(queued.remoteIssueKey(), "PB-1 does not exist yet");
    assertEquals(1, queued.outgoingMessageSequenceId());
    assertEquals(0, queued.incomingMessageSequenceId());
    assertTrue(sync.syncInfoB().isEmpty());

    assertEquals(1, sync.deliver("PA"));
    assertTrue(sync.syncInfoB().isEmpty(), "received, not applied yet");

    sync.apply("PB");
    SyncInfo applied = single(sync.syncInfoB());
    assertEquals("PB-1", applied.localIssueKey());
    assertEquals("PA-1", applied.remoteIssueKey());
    assertEquals(1, applied.incomingMessageSequenceId());
    assertEquals(1, applied.outgoingMessageSequenceId(), "the PAIRED message to PA");

    sync.deliver("PB");
    sync.apply("PA");
    SyncInfo paired = single(sync.syncInfoA());
    assertEquals("PB-1", paired.remoteIssueKey());
    assertEquals(1, paired.incomingMessageSequenceId());
  }

  @Test
  void oneChangeMakesExactlyOneMessageAndNoPingPong() {
    createInA("Printer on fire");
    sync.runUntilQuiet();
    sync.events().clear();

    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(10));
    sync.runUntilQuiet();

    assertEquals(1, sync.events().count(Type.QUEUED, "PA"));
    assertEquals(0, sync.events().count(Type.QUEUED, "PB"), "the applied change is not sent back");
    assertEquals("Printer fixed", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aChangeUndoneBeforeThePollSendsNothing() {
    createInA("Printer on fire");
    sync.runUntilQuiet();
    sync.events().clear();

    sync.a("alice").edit("PA-1", "summary", "Oops");
    sync.a("alice").edit("PA-1", "summary", "Printer on fire");
    sync.runUntilQuiet();

    assertEquals(0, sync.events().count(Type.QUEUED, "PA"));
  }

  @Test
  void onlyTheMappingsOfChangedFieldsAreSent() {
    createInA("Printer on fire");
    sync.runUntilQuiet();
    sync.events().clear();

    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.runUntilQuiet();

    var queued = sync.events().events(Type.QUEUED);
    assertEquals(1, queued.size());
    assertEquals(List.of(SyncTestDriver.PRIORITY),
        List.copyOf(queued.get(0).message().fields().keySet()));
    assertEquals("alice", queued.get(0).message().fields().get(SyncTestDriver.PRIORITY).changedBy());
  }

  @Test
  void editsOnBothSidesOfDifferentFieldsBothSurvive() {
    createInA("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").edit("PA-1", "summary", "Printer on fire again");
    sync.b("bob").edit("PB-1", "priority", "Low");
    sync.runUntilQuiet();

    for (var side : List.of(sync.a(), sync.b())) {
      String key = side.projectKey() + "-1";
      assertEquals("Printer on fire again", side.value(key, "summary").asText());
      assertEquals("Low", side.value(key, "priority").asText());
    }
  }

  @Test
  void aBurstOfMoreIssuesThanAPageWithinOneMillisecondIsSyncedCompletely() {
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.pollPageSize(2)).build();
    for (int i = 1; i <= 5; i++) {
      sync.a("alice").create("bulk " + i);
    }

    sync.runUntilQuiet();

    assertEquals(5, sync.b().allIssues().size());
    assertEquals(5, sync.syncInfoA().stream().filter(r -> r.remoteIssueKey() != null).count());
  }

  private static SyncInfo single(List<SyncInfo> rows) {
    assertEquals(1, rows.size(), () -> "rows: " + rows);
    return rows.get(0);
  }
}
