package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator sets a pair to ignore the partner's changes and clears it again, from Java and over
 * the admin REST; a refused request changes nothing.
 */
class IgnoreIncomingChangesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final SyncAdminHandler handler = new SyncAdminHandler(SyncAdmin.builder()
      .engine(sync.engine())
      .authorizer((caller, op, connector) -> !caller.equals("reader")
          || op == AdminOperation.READ_SYNC_INFORMATION)
      .build());

  @BeforeEach
  void givenOneSyncedPair() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
  }

  private SyncInfo rowOfPa1() {
    return sync.syncInfoA().stream().filter(r -> r.localIssueKey().equals("PA-1")).findFirst()
        .orElseThrow();
  }

  private String summary(boolean onA) {
    return (onA ? sync.a() : sync.b()).value(onA ? "PA-1" : "PB-1", "summary").asText();
  }

  /**
   * A row whose admin's ignore was cleared by hand in the database ({@code UPDATE bb_sync_info
   * SET incoming_changes_ignored = false}, leaving {@code ignored_by_admin}) takes changes: the
   * fact goes with the ignore, so an admin's later ignore is written and holds. Before, the
   * row read as "ignored by an admin" already and the request wrote nothing, answering a row
   * that still took the partner's changes.
   */
  @Test
  void anIgnoreClearedByHandInTheDatabaseCanBeSetAgain() {
    SyncInfo ignored = sync.engine().setIncomingChangesIgnored("PA", rowOfPa1().id(), true)
        .orElseThrow();
    SyncInfo r = ignored;
    sync.stores().inTransaction(() -> sync.stores().syncInfo().update(new SyncInfo(r.id(),
        r.connectorKey(), r.localIssueKey(), r.remoteIssueKey(), r.firstSyncDate(),
        r.lastOutgoingChange(), r.lastChangeSeen(), r.outgoingMessageSequenceId(),
        r.lastIncomingChange(), r.incomingMessageSequenceId(), false, r.partnerEpoch(),
        r.partnerSince(), r.madeAt(), r.stamp(), true))); // (as the hand edit leaves it)

    SyncInfo row = sync.engine().setIncomingChangesIgnored("PA", rowOfPa1().id(), true)
        .orElseThrow();
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertTrue(row.incomingChangesIgnored(), row.toString());
    assertTrue(rowOfPa1().incomingChangesIgnored(), rowOfPa1().toString());
    assertEquals("Printer on fire", summary(true), "the partner's change is ignored");
  }

  @Test
  void anIgnoredPairTakesNothingFromThePartnerAndStillSendsItsOwn() {
    SyncInfo row = sync.engine().setIncomingChangesIgnored("PA", rowOfPa1().id(), true)
        .orElseThrow();
    assertTrue(row.incomingChangesIgnored());

    sync.advance(java.time.Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.runUntilQuiet();

    assertEquals("Printer on fire", summary(true), "the partner's change is ignored");
    assertEquals("Low", sync.b().value("PB-1", "priority").asText(), "ours still goes");
    assertEquals(1, sync.events().events(Type.IGNORED).size(), "one message ignored");
    SyncInfo partner = sync.syncInfoB().get(0);
    assertEquals(partner.outgoingMessageSequenceId(), rowOfPa1().incomingMessageSequenceId(),
        "the ignored message was consumed, nothing waits for it");

    sync.advance(java.time.Duration.ofSeconds(1));
    sync.engine().setIncomingChangesIgnored("PA", row.id(), false);
    sync.runUntilQuiet();

    assertEquals("Printer fixed", summary(true), "what was ignored comes back");
    assertEquals("Low", sync.b().value("PB-1", "priority").asText());
    assertFalse(rowOfPa1().incomingChangesIgnored());
    sync.b("bob").edit("PB-1", "summary", "Printer fixed again");
    sync.runUntilQuiet();
    assertEquals("Printer fixed again", summary(true));
  }

  /**
   * A row that ignores the partner's changes consumes them unapplied: its own older change, sent
   * after that, must not be taken as made after seeing them. It said it had seen them, and the
   * partner's newer change was overwritten on both sides once the pair was taken again.
   */
  @Test
  void anOlderChangeOfTheIgnoringSideDoesNotOverwriteTheNewerOneOfThePartner() {
    SyncInfo row = sync.engine().setIncomingChangesIgnored("PA", rowOfPa1().id(), true)
        .orElseThrow();
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // consumed, ignored
    sync.poll("PA"); // alice's older change goes after it

    sync.runUntilQuiet();

    assertEquals("High", sync.b().value("PB-1", "priority").asText(), "bob's newer change stays");
    assertEquals("Low", sync.a().value("PA-1", "priority").asText(), "ignored on A");
    sync.engine().setIncomingChangesIgnored("PA", row.id(), false);
    sync.runUntilQuiet();
    assertEquals("High", sync.a().value("PA-1", "priority").asText(), "taken again: the newer");
    assertEquals("High", sync.b().value("PB-1", "priority").asText());
  }

  /**
   * A pair taken again is made anew: a new epoch, to which the partner answers with its issue
   * whole. Ignored and taken again twice in one millisecond (a script, or the threaded stress
   * test's admin), the second making had the first's epoch: the partner did not answer it, and
   * its newer change, whose whole this side had ignored in between, never came (A kept "A", B
   * "B").
   */
  @Test
  void aPairTakenAgainTwiceInOneMillisecondStillGetsThePartnersNewerChange() {
    long id = rowOfPa1().id();
    sync.engine().setIncomingChangesIgnored("PA", id, true);
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.a("alice").edit("PA-1", "summary", "A");
    sync.advance(java.time.Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "B"); // the newer
    sync.runUntilQuiet(); // A ignores B's; B keeps its newer one
    sync.engine().setIncomingChangesIgnored("PA", id, false); // A's whole goes
    sync.deliver("PA");
    sync.apply("PB"); // B answers the new row with its whole
    sync.deliver("PB");
    sync.engine().setIncomingChangesIgnored("PA", id, true);
    sync.apply("PA"); // that whole, ignored
    long epoch = rowOfPa1().epoch();

    sync.engine().setIncomingChangesIgnored("PA", id, false); // the same millisecond
    sync.runUntilQuiet();

    assertEquals("B", summary(true), "B's newer change comes back");
    assertEquals("B", summary(false));
    assertTrue(rowOfPa1().epoch() > epoch, "made anew: a greater epoch");
  }

  @Test
  void anUnknownRowIsEmpty() {
    assertTrue(sync.engine().setIncomingChangesIgnored("PA", 999_999, true).isEmpty());
  }

  /** Setting the flag to what it is already writes nothing: the row keeps its stamp. */
  @Test
  void settingTheFlagItHasWritesNothing() {
    SyncInfo before = rowOfPa1();

    assertEquals(before, sync.engine().setIncomingChangesIgnored("PA", before.id(), false)
        .orElseThrow(), "answers the row as it is");
    assertEquals(before.stamp(), rowOfPa1().stamp(), "not written");

    sync.engine().setIncomingChangesIgnored("PA", before.id(), true);
    SyncInfo set = rowOfPa1();
    assertTrue(set.stamp() > before.stamp(), "set: written");
    sync.engine().setIncomingChangesIgnored("PA", before.id(), true);
    assertEquals(set.stamp(), rowOfPa1().stamp(), "set again: not written");
  }

  /**
   * Another admin sets the flag between a clear's read of the row and anything after it: the
   * clear, which found the flag clear, writes nothing, and the later set stands. (It locked the row
   * and cleared it then: a set dropped, and the partner's changes ignored meanwhile never taken
   * back.)
   */
  @Test
  void aSetBetweenAClearsReadAndItsEndStands() {
    InMemoryStores memory = new InMemoryStores();
    boolean[] armed = {false};
    SyncTestDriver racing = SyncTestDriver.builder().stores(HookedSyncInfo.after(memory,
        "findById", () -> {
          if (armed[0]) {
            armed[0] = false; // (once: the other admin's set)
            SyncInfo row = memory.syncInfo().list("PA").get(0);
            memory.syncInfo().update(row.withIncomingChangesIgnored(true));
          }
        })).build();
    racing.a("alice").create("Printer on fire");
    racing.runUntilQuiet();
    long id = racing.syncInfoA().get(0).id();

    armed[0] = true;
    racing.engine().setIncomingChangesIgnored("PA", id, false);

    assertTrue(racing.syncInfoA().get(0).incomingChangesIgnored(), "the later set stands");
  }

  private AdminResponse put(String caller, String path, String body) {
    return handler.handle(new AdminRequest("PUT", path, null, body, caller, Map.of()));
  }

  private String path(Object id) {
    return "/connectors/PA/syncInformation/" + id + "/incomingChangesIgnored";
  }

  @Test
  void theAdminRestSetsAndClearsItAndAnswersTheRow() throws Exception {
    long id = rowOfPa1().id();

    AdminResponse set = put("admin", path(id), "{\"incomingChangesIgnored\": true}");

    assertEquals(200, set.status(), set.body());
    JsonNode answer = json.readTree(set.body());
    assertEquals("PA-1", answer.get("localIssueKey").asText());
    assertTrue(answer.get("incomingChangesIgnored").asBoolean());
    assertTrue(rowOfPa1().incomingChangesIgnored());

    AdminResponse cleared = put("admin", path(id), "{\"incomingChangesIgnored\": false}");
    assertEquals(200, cleared.status(), cleared.body());
    assertFalse(rowOfPa1().incomingChangesIgnored());
  }

  @Test
  void refusalsNameTheFieldAndChangeNothing() throws Exception {
    long id = rowOfPa1().id();
    List<SyncInfo> before = sync.syncInfoA();
    record Refused(String caller, Object id, String body, int status, String says) {}
    List<Refused> cases = List.of(
        new Refused("admin", id, "{}", 400,
            "\"path\":\"$.incomingChangesIgnored\",\"message\":\"is required\""),
        new Refused("admin", id, "{\"incomingChangesIgnored\": \"yes\"}", 400,
            "\"path\":\"$.incomingChangesIgnored\",\"message\":\"must be true or false"),
        new Refused("admin", id, "{\"incomingChangesIgnored\": true, \"ignored\": true}", 400,
            "$.ignored"),
        new Refused("admin", id, "{\"incomingChangesIgnored\": true, "
            + "\"incomingChangesIgnored\": false}", 400, "incomingChangesIgnored"),
        new Refused("admin", id, "[true]", 400, "must be a JSON object"),
        new Refused("admin", id, "", 400, "a JSON body is required"),
        new Refused("admin", "+1", "{\"incomingChangesIgnored\": true}", 400,
            "syncInfoId must be a whole number from 0 to 9223372036854775807, was \\\"+1\\\""),
        new Refused("admin", "99999999999999999999", "{\"incomingChangesIgnored\": true}", 400,
            "syncInfoId must be a whole number from 0 to"),
        new Refused("admin", 999_999, "{\"incomingChangesIgnored\": true}", 404,
            "no sync information with id 999999"),
        new Refused("reader", id, "{\"incomingChangesIgnored\": true}", 403, ""));
    for (Refused r : cases) {
      AdminResponse response = put(r.caller(), path(r.id()), r.body());
      assertEquals(r.status(), response.status(), r + " -> " + response.body());
      assertTrue(response.body().contains(r.says()), r + " -> " + response.body());
    }
    assertEquals(before, sync.syncInfoA(), "no refused request changed a row");
  }
}
