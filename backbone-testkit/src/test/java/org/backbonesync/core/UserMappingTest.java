package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/** Users are matched across two trackers whose user ids differ. */
class UserMappingTest {
  private static SyncTestDriver driver(String settings) throws Exception {
    return SyncTestDriver.builder()
        .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com")
            .user("carol", "Carol Clark", "carol@example.com")
            .user("dave", "Dave Doe", null))
        .projectB(p -> p.user("alice", "Alice Local", "alice.local@partner.example")
            .user("5b10ac8d", "Alice Archer", "ALICE@example.com")
            .user("7c21bd9e", "C. Clark", "carol.clark@partner.example")
            .user("9d32ce0f", "Dave Doe", "dave@partner.example")
            .user("sync-b", "Sync B", null))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-assignee", "user", Direction.BOTH, "assignee",
            "assignee", new ObjectMapper().readTree(settings)))
        .build();
  }

  @Test
  void aUserIsFoundByEmailBothWays() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "assignee", text("alice"));
    sync.runUntilQuiet();
    assertEquals("5b10ac8d", sync.b().value("PB-1", "assignee").asText());

    sync.b("5b10ac8d").edit("PB-1", "assignee", text("5b10ac8d"));
    sync.b("5b10ac8d").edit("PB-1", "assignee", (String) null);
    sync.runUntilQuiet();
    assertTrue(sync.a().value(pa1, "assignee").isNull(), "unassigned on both sides");
  }

  @Test
  void aTableRowWinsAndNamesAndFallbacksWork() throws Exception {
    SyncTestDriver sync = driver("""
        {"matchBy": "name", "rows": [{"a": "carol", "b": "7c21bd9e"}],
         "fallback": {"a": "sync-a", "b": "sync-b"}}""");
    String carol = sync.a("alice").create("one");
    sync.a("alice").edit(carol, "assignee", text("carol"));
    String dave = sync.a("alice").create("two");
    sync.a("alice").edit(dave, "assignee", text("dave"));
    String alice = sync.a("alice").create("three");
    sync.a("alice").edit(alice, "assignee", text("alice"));

    sync.runUntilQuiet();

    assertEquals("7c21bd9e", sync.b().value("PB-1", "assignee").asText(), "by the table");
    assertEquals("9d32ce0f", sync.b().value("PB-2", "assignee").asText(), "by display name");
    assertEquals("5b10ac8d", sync.b().value("PB-3", "assignee").asText(), "by display name");
  }

  @Test
  void aUserMissingOnTheTargetIsAnErrorNamingTheUser() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "assignee", text("carol"));

    sync.runUntilQuiet();

    assertEquals(List.of("user \"Carol Clark\" <carol@example.com> (id carol) has no match by email"
            + " in PB and field mapping map-assignee has no row or fallback user for it"),
        sync.engine().failedMessages("PB").stream().map(e -> e.error()).toList());
  }

  @Test
  void twoUsersWithTheSameAddressAreAnErrorAskingForARow() throws Exception {
    SyncTestDriver sync = SyncTestDriver.builder()
        .projectB(p -> p.user("bob", "Bob", "bob@example.com")
            .user("bob2", "Bob Again", "BOB@example.com"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-assignee", "user", Direction.A_TO_B, "assignee",
            "assignee", null))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "assignee", text("bob"));

    sync.runUntilQuiet();

    assertEquals(List.of("2 users of PB have the email \"bob@example.com\": [bob, bob2]; add a row"
            + " for the user"),
        sync.engine().failedMessages("PB").stream().map(e -> e.error()).toList());
  }

  @Test
  void theUserTypeIsRefusedOnAFieldThatHoldsNoUser() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
        () -> SyncTestDriver.builder()
            .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.A_TO_B))
            .fieldMapping(FieldMapping.of("m", "user", Direction.BOTH, "summary", "assignee",
                null))
            .build());
    assertEquals("$.fieldMappings[1].fieldA: mapping type user cannot read string field summary",
        e.problems().get(0).toString());
  }
}
