package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The engine's typed methods, as a host calls them directly with whatever it holds: a null or a
 * bad value is an {@link IllegalArgumentException} naming the parameter, in the words {@link
 * SyncAdmin} answers a 400 with, not a bare NullPointerException from deep inside.
 */
class SyncEngineHostileInputTest {
  private static final String CONTROL = " must not hold control characters or broken Unicode: ";
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final SyncEngine engine = sync.engine();

  @BeforeEach
  void givenOneSyncedIssue() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
  }

  private static void refused(String message, Executable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void aMissingRequestOrRowsIsRefusedNamingIt() {
    refused("request is required, was null", () -> engine.resync("PA", null, null));
    refused("rows is required, was null", () -> engine.importSyncInformation("PA", null));
    refused("rows is required, was null", () -> engine.checkSyncInformation("PA", null));

    assertEquals(1, sync.syncInfoA().size(), "nothing imported");
  }

  @Test
  void aNullConnectorKeyIsNamed() {
    refused("connectorKey is required, was null", () -> engine.trace(null, "PA-1"));
    refused("connectorKey is required, was null", () -> engine.poll(null));
  }

  @Test
  void aNullMessageIsRefusedByTheReceiverNamingIt() {
    refused("message is required, was null", () -> engine.receiver("PA").receive(null));
    refused("messages is required, was null", () -> engine.receiver("PA").receiveAll(null));
    refused("messages[0] is null, not a message",
        () -> engine.receiver("PA").receiveAll(Arrays.asList((org.backbonesync.spi.message
            .SyncMessage) null)));
  }

  @Test
  void aMessageWhoseIdOrKeysNoStoreOrAdminTakesIsRefusedByTheReceiver() {
    // helper-129: stored; once failed, it waited for a retry or skip that refuse its id
    refusedMessage("a message from PB is refused: messageId must be 1 to 512 characters, was 0:"
        + " \"\"", message("", "PB-7"));
    refusedMessage("a message from PB is refused: messageId" + CONTROL + "\"m\\u0000\"",
        message("m\u0000", "PB-7"));
    refusedMessage("a message from PB is refused: messageId must be 1 to 512 characters, was"
        + " 513: \"" + "m".repeat(80) + "...\" (513 characters)", message("m".repeat(513), "PB-7"));
    refusedMessage("message \"m1\" from PB is refused: sourceIssueKey" + CONTROL
        + "\"PB-7\\n\"", message("m1", "PB-7\n"));
    refusedMessage("message \"m2\" from PB is refused: partnerIssueKey must be 1 to 255"
        + " characters, was 0: \"\"", from("m2", "PB-7").partnerIssueKey("").build());
    refusedMessage("message \"m3\" from PB is refused: parentIssueKey" + CONTROL
        + "\"PB-1\\u0000\"", from("m3", "PB-7").parentIssueKey("PB-1\u0000")
        .build());
    SyncMessage good = message("m4", "PB-8");
    assertThrows(SyncException.class, () -> engine.receiver("PA").receiveAll(
        List.of(good, message("m5", "PB-9\r"))), "a batch with one bad message");

    assertEquals(0, engine.status("PA").inboxCount(), "nothing stored, of a batch neither");
  }

  private static SyncMessage message(String id, String sourceIssueKey) {
    return from(id, sourceIssueKey).build();
  }

  private static SyncMessage.Builder from(String id, String sourceIssueKey) {
    return SyncMessage.builder().messageId(id).synchronizationId("sync-pa-pb")
        .fromConnector("PB").toConnector("PA").sourceIssueKey(sourceIssueKey).sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task");
  }

  private void refusedMessage(String text, SyncMessage message) {
    assertEquals(text, assertThrows(SyncException.class,
        () -> engine.receiver("PA").receive(message)).getMessage());
  }

  @Test
  void anIssueKeyWithANulIsRefusedNamingItBeforeAnyStoreSeesIt() {
    refused("issueKey" + CONTROL + "\"PA-1\\u0000\"", () -> engine.trace("PA", "PA-1\u0000"));
    refused("localIssueKey" + CONTROL + "\"PA-1\\u0000\"",
        () -> engine.syncInformation("PA", "PA-1\u0000", null));
    refused("remoteIssueKey" + CONTROL + "\"PB-1\\u0000\"",
        () -> engine.syncInformation("PA", null, "PB-1\u0000"));
    refused("localIssueKey" + CONTROL + "\"PA-1\\ud800\"",
        () -> engine.conflicts("PA", "PA-1\uD800"));

    assertEquals(1, engine.syncInformation("PA", "PA-1", null).size(), "a good key still works");
    assertEquals(List.of(), engine.conflicts("PA", null), "null is any issue, as before");
  }

  @Test
  void aTraceOfNoKeyEmptyOrOverlongIsRefused() {
    refused("issueKey is required, was null", () -> engine.trace("PA", null));
    refused("issueKey must be 1 to 255 characters, was 0: \"\"", () -> engine.trace("PA", ""));
    String huge = "PA-" + "1".repeat(253);
    refused("issueKey must be 1 to 255 characters, was 256: \"PA-" + "1".repeat(77)
        + "...\" (256 characters)", () -> engine.trace("PA", huge));
  }

  /** A key without an issue key's form names no issue: refused. */
  @Test
  void aTraceOfAKeyWithoutAnIssueKeysFormIsRefusedNamingIt() {
    refused("issueKey must be an issue key such as PA-12 (a project key of capitals, digits or _"
        + " starting with a capital, \"-\" and a number from 1), was \"../../etc/passwd\"",
        () -> engine.trace("PA", "../../etc/passwd"));
    assertEquals("PB-1", engine.trace("PA", "PB-1").issueKey(), "the partner's key is traced");
    assertEquals("NEW-1", engine.trace("PB", "NEW-1").issueKey(), "a renamed project's");
  }

  @Test
  void aMessageIdWithANulOrNoneIsRefusedNamingIt() {
    String nul = "messageId" + CONTROL + "\"x\\u0000\"";
    refused(nul, () -> engine.retry("PA", "x\u0000"));
    refused(nul, () -> engine.skip("PA", "x\u0000"));
    refused(nul, () -> engine.retryUndeliverable("PA", "x\u0000"));
    refused(nul, () -> engine.skipUndeliverable("PA", "x\u0000"));
    refused("messageId is required, was null", () -> engine.retry("PA", null));
    refused("messageId must be 1 to 512 characters, was 513: \"" + "m".repeat(80)
        + "...\" (513 characters)", () -> engine.skip("PA", "m".repeat(513)));
  }

  @Test
  void anUnknownConnectorKeyIsShownEscaped() {
    refused("connector \"PA\\u0000\" is not local to this engine; local: [PA, PB]",
        () -> engine.failedMessages("PA\u0000"));
  }

  @Test
  void aNullCollectionOfHintedKeysIsRefusedNamingIt() {
    refused("issueKeys is required, was null", () -> engine.changeHints("PA").issuesChanged(null));
  }
}
