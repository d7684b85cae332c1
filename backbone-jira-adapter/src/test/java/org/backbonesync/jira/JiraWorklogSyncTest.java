package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.tracker.Worklog;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Worklogs over HTTP through the adapter, Cloud to Cloud, Server to Server and Cloud to Server:
 * logged, edited and deleted on either site, they arrive on the other as a person there sees
 * them, and the estimates are never touched (the fake servers refuse a write that would).
 */
class JiraWorklogSyncTest {
  private static final long NINE = 1_610_874_000_000L; // 2021-01-17T09:00Z
  private JiraPair pair;

  private SyncTestDriver sync(JiraPair.Flavours flavours) {
    return sync(flavours, null);
  }

  private SyncTestDriver sync(JiraPair.Flavours flavours, String settings) {
    com.fasterxml.jackson.databind.JsonNode parsed;
    try {
      parsed = settings == null ? null : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(settings);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
    pair = new JiraPair(flavours, b -> b
        .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
        .projectB(p -> p.user("bob", "Bob Baker", "bob@example.com"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-worklogs", "worklogs", Direction.BOTH, "worklog",
            "worklog", parsed)));
    return pair.sync;
  }

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  private static List<String> seen(InMemoryIssueTracker tracker, String key) {
    return tracker.storedWorklogs(key).stream().map(JiraWorklogSyncTest::shown).toList();
  }

  private static String shown(Worklog w) {
    return (w.started() - NINE) / 60_000 + "m+" + w.timeSpentSeconds() + "s " + w.comment()
        + " (" + w.author() + ")";
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void worklogsTravelBothWaysAndTheirEditsAndDeletionsFollow(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours);
    String pa1 = sync.a("alice").create("Printer on fire");
    String alices = sync.a("alice").addWorklog(pa1, NINE, 3600, "Replaced the fuser");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(List.of("0m+3600s Alice Archer: Replaced the fuser (sync-b)"),
        seen(sync.b(), pb1));

    sync.advance(java.time.Duration.ofMinutes(1));
    String bobs = sync.b("bob").addWorklog(pb1, NINE + 3_600_000, 1800, "");
    sync.a("alice").updateWorklog(pa1, alices, NINE, 4500, "Replaced the fuser and the drum");
    sync.runUntilQuiet();

    assertEquals(List.of("0m+4500s Replaced the fuser and the drum (alice)",
        "60m+1800s Bob Baker:  (sync-a)"), seen(sync.a(), pa1));
    assertEquals(List.of("0m+4500s Alice Archer: Replaced the fuser and the drum (sync-b)",
        "60m+1800s  (bob)"), seen(sync.b(), pb1));

    sync.advance(java.time.Duration.ofMinutes(1));
    sync.b("bob").deleteWorklog(pb1, bobs);
    sync.a("alice").deleteWorklog(pa1, alices);
    sync.runUntilQuiet();

    assertEquals(List.of(), seen(sync.a(), pa1));
    assertEquals(List.of(), seen(sync.b(), pb1));
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void theAuthorCanBeAMentionOfTheUserFoundOnThePartnerSite(JiraPair.Flavours flavours)
      throws java.io.IOException {
    SyncTestDriver sync = sync(flavours, "{\"author\": \"user\"}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").addWorklog(pa1, NINE, 600, "looked at it");
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    String stored = sync.b().storedWorklogs(pb1).get(0).comment();
    String wiki = stored.startsWith("{\"") ? org.backbonesync.jira.internal.Adf.toWiki(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(stored)) : stored;
    String alice = flavours.b == FakeJiraServer.Flavour.CLOUD ? "[~accountid:alice]" : "[~alice]";
    assertEquals(alice + ": looked at it", wiki, "B's alice, found by e-mail");
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void moreWorklogsThanAPageAllArriveOnceAndOnlyAWorklogChangeIsFound(
      JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    sync.advance(java.time.Duration.ofMinutes(2));

    int many = FakeJiraServer.WORKLOG_PAGE + 5;
    for (int i = 0; i < many; i++) {
      sync.a("alice").addWorklog(pa1, NINE + i * 60_000L, 60, "part " + i);
    }
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    List<String> copies = seen(sync.b(), pb1);
    assertEquals(many, copies.size());
    assertEquals("24m+60s Alice Archer: part 24 (sync-b)", copies.get(many - 1));
    assertEquals(many, seen(sync.a(), pa1).size(), "no echo");
    String api = flavours.a == FakeJiraServer.Flavour.CLOUD ? "/rest/api/3" : "/rest/api/2";
    assertTrue(pair.siteA().server.requests().stream()
        .anyMatch(r -> r.path().startsWith(api + "/issue/") && r.path().endsWith("/worklog")
            && r.query() != null && r.query().contains("startAt=" + FakeJiraServer.WORKLOG_PAGE)),
        "the second page was read");
  }
}
