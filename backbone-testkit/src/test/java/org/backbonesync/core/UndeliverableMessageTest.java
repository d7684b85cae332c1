package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.ManualScheduler;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A message the transport will never deliver as it is (the partner refuses it as too large) is
 * parked, listed with the reason, and waits for an admin to retry or skip it; the other messages
 * flow meanwhile and nothing is retried in a loop.
 */
class UndeliverableMessageTest {
  private static final String TOO_LARGE = "2,400,000 bytes; the partner accepts 1,048,576";
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
      .authorizer((caller, operation, connector) -> "admin".equals(caller)).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(admin);

  private void refuseMessagesOf(String issueKey) {
    sync.transportAtoB().refuse(m -> m.sourceIssueKey().equals(issueKey), TOO_LARGE);
  }

  @Test
  void aRefusedMessageIsParkedAndListedWhileTheOthersFlow() {
    refuseMessagesOf("PA-1");
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");

    sync.runUntilQuiet();
    sync.runUntilQuiet(); // nothing due: it is not tried again and again

    assertEquals(1, sync.b().allIssues().size(), "PA-2's copy");
    List<OutboxEntry> parked = sync.engine().undeliverableMessages("PA");
    assertEquals(1, parked.size());
    assertEquals("PA-1", parked.get(0).message().sourceIssueKey());
    assertEquals(1, parked.get(0).attempts());
    assertEquals("undeliverable: " + TOO_LARGE, parked.get(0).lastError());
  }

  @Test
  void theMessageThatWouldCreateThePartnerCannotBeSkipped() {
    refuseMessagesOf("PA-1");
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String id = sync.engine().undeliverableMessages("PA").get(0).message().messageId();

    AdminException refused = assertThrows(AdminException.class,
        () -> admin.skipUndeliverable("admin", "PA", id));

    assertEquals(409, refused.status());
    assertTrue(refused.getMessage().contains("would create the partner of PA-1"),
        refused.getMessage());
    assertEquals(1, sync.engine().undeliverableMessages("PA").size(), "still parked");
  }

  @Test
  void aRetriedMessageIsDeliveredOnceThePartnerTakesIt() {
    refuseMessagesOf("PA-1");
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String id = sync.engine().undeliverableMessages("PA").get(0).message().messageId();

    sync.transportAtoB().refuse(null, null); // the partner's limit was raised
    admin.retryUndeliverable("admin", "PA", id);
    sync.runUntilQuiet();

    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.engine().undeliverableMessages("PA").isEmpty());
  }

  /** On a started engine a retried message is delivered (and applied) at once. */
  @Test
  void onAStartedEngineARetriedMessageIsDeliveredAtOnce() {
    ManualClock clock = ManualClock.startingAt2026();
    ManualScheduler scheduler = new ManualScheduler(clock);
    SyncTestDriver started = onScheduler(clock, scheduler);
    started.transportAtoB().refuse(m -> m.sourceIssueKey().equals("PA-1"), TOO_LARGE);
    started.a("alice").create("Printer on fire");
    started.engine().start();
    scheduler.runDue(); // the first periodic run parks PA-1's message
    String id = started.engine().undeliverableMessages("PA").get(0).message().messageId();

    started.transportAtoB().refuse(null, null);
    started.engine().retryUndeliverable("PA", id);
    scheduler.runDue(); // at the same instant: no periodic run is due

    assertEquals("Printer on fire", started.b().value("PB-1", "summary").asText());
    started.engine().close();
  }

  /** On a started engine the changes behind a skipped message flow at once. */
  @Test
  void onAStartedEngineTheChangesBehindASkippedMessageFlowAtOnce() {
    ManualClock clock = ManualClock.startingAt2026();
    ManualScheduler scheduler = new ManualScheduler(clock);
    SyncTestDriver started = onScheduler(clock, scheduler);
    started.a("alice").create("Printer on fire");
    started.engine().start();
    scheduler.runDue();
    started.transportAtoB().refuse(m -> m.sourceIssueKey().equals("PA-1")
        && m.fields().containsKey("map-summary"), TOO_LARGE);
    started.a("alice").edit("PA-1", "summary", "Printer on fire, with a huge log attached");
    clock.advance(Duration.ofSeconds(30));
    scheduler.runDue(); // parks the summary's message
    started.a("alice").edit("PA-1", "priority", "High");
    clock.advance(Duration.ofSeconds(30));
    scheduler.runDue(); // the priority's waits behind it
    assertEquals("Medium", started.b().value("PB-1", "priority").asText());
    String id = started.engine().undeliverableMessages("PA").get(0).message().messageId();

    started.engine().skipUndeliverable("PA", id);
    scheduler.runDue(); // at the same instant: no periodic run is due

    assertEquals("High", started.b().value("PB-1", "priority").asText());
    started.engine().close();
  }

  /** A driver whose engine runs on the scheduler (a poll interval of 30 s), not started yet. */
  private static SyncTestDriver onScheduler(ManualClock clock, ManualScheduler scheduler) {
    return SyncTestDriver.builder().clock(clock)
        .engine(e -> e.scheduler(scheduler).pollInterval(Duration.ofSeconds(30))).build();
  }

  @Test
  void aSkippedMessageLeavesNoGapForTheIssuesLaterChanges() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    refuseMessagesOf("PA-1");
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, with a huge log attached");
    sync.runUntilQuiet();
    String id = sync.engine().undeliverableMessages("PA").get(0).message().messageId();

    admin.skipUndeliverable("admin", "PA", id);
    sync.transportAtoB().refuse(null, null);
    sync.runUntilQuiet();
    sync.a("alice").edit("PA-1", "priority", "High");
    sync.runUntilQuiet();

    assertEquals("High", sync.b().value("PB-1", "priority").asText(), "the later change flows");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "the skipped change did not reach B");
    SyncInfo a = sync.syncInfoA().get(0);
    SyncInfo b = sync.syncInfoB().get(0);
    assertEquals(a.outgoingMessageSequenceId(), b.incomingMessageSequenceId());
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "no gap waits at B");
  }

  @Test
  void aSkipAfterTheGapTimeoutLetsThePartnersFailedLaterMessageApply() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    refuseMessagesOf("PA-1");
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, with a huge log attached");
    sync.runUntilQuiet();
    sync.transportAtoB().refuse(null, null);
    sync.a("alice").edit("PA-1", "priority", "High");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(1)); // (the default gap timeout)
    sync.runUntilQuiet();
    assertEquals(1, sync.engine().failedMessages("PB").size(), "the later change waited");
    String id = sync.engine().undeliverableMessages("PA").get(0).message().messageId();

    admin.skipUndeliverable("admin", "PA", id);
    sync.runUntilQuiet();

    assertEquals("High", sync.b().value("PB-1", "priority").asText(), "no retry needed at B");
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }

  @Test
  void theAdminRestListsRetriesAndSkipsThemAuthorizedAsFailedMessages() throws Exception {
    refuseMessagesOf("PA-1");
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    AdminResponse list = handler.handle(new AdminRequest("GET",
        "/connectors/PA/undeliverableMessages", Map.of(), null, "admin"));
    assertEquals(200, list.status(), list.body());
    JsonNode entry = new ObjectMapper().readTree(list.body()).get(0);
    assertEquals("PA-1", entry.get("sourceIssueKey").asText());
    assertEquals("undeliverable: " + TOO_LARGE, entry.get("error").asText());
    String id = entry.get("messageId").asText();

    assertEquals(403, handler.handle(new AdminRequest("POST",
        "/connectors/PA/undeliverableMessages/" + id + "/skip", Map.of(), null, "mallory"))
        .status());
    AdminResponse unknown = handler.handle(new AdminRequest("POST",
        "/connectors/PA/undeliverableMessages/nope/retry", Map.of(), null, "admin"));
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().contains("no undeliverable message with id \\\"nope\\\""),
        unknown.body());
    assertEquals(400, handler.handle(new AdminRequest("GET",
        "/connectors/PA/undeliverableMessages", Map.of("id", "1"), null, "admin")).status());
    assertEquals(1, sync.engine().undeliverableMessages("PA").size(), "nothing was done");
  }
}
