package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.backbonesync.spi.tracker.Worklog;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * Worklogs, their edits and deletions reach the partner issue once each, both ways, with the
 * author as text, as a mapped user or not at all.
 */
class WorklogSyncTest {
  private static final long NINE = 1_610_874_000_000L; // 2021-01-17T09:00Z
  private final ManualExecutor tasks = new ManualExecutor();

  private SyncTestDriver driver(String settings) throws Exception {
    return SyncTestDriver.builder()
        .projectA(p -> p.user("alice", "Alice Archer", "alice.archer@example.com"))
        .projectB(p -> p.user("bob", "Bob Baker", "bob@partner.example")
            .user("5b10ac8d", "Alice A.", "ALICE.ARCHER@example.com"))
        .engine(e -> e.taskExecutor(tasks))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-worklogs", "worklogs", Direction.BOTH, "worklog",
            "worklog", settings == null ? null : new ObjectMapper().readTree(settings)))
        .build();
  }

  /** What a person sees of an issue's worklogs: started, time spent, comment, who logged it. */
  private static List<String> seen(InMemoryIssueTracker tracker, String key) {
    return tracker.worklogs(key).stream().map(WorklogSyncTest::shown).toList();
  }

  private static String shown(Worklog w) {
    return (w.started() - NINE) / 60_000 + "m+" + w.timeSpentSeconds() + "s " + w.comment()
        + " (" + w.author() + ")";
  }

  private static String syncedIssue(SyncTestDriver sync) {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    return pa1;
  }

  @Test
  void aWorklogReachesThePartnerOnceWithItsAuthorAsText() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = syncedIssue(sync);

    sync.a("alice").addWorklog(pa1, NINE, 3600, "Replaced the fuser");
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    assertEquals(List.of("0m+3600s Alice Archer: Replaced the fuser (sync-b)"),
        seen(sync.b(), "PB-1"));
    assertEquals(List.of("0m+3600s Replaced the fuser (alice)"), seen(sync.a(), pa1), "no echo");
  }

  @Test
  void worklogsOfANewIssueComeWithItsCreate() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").addWorklog(pa1, NINE, 600, "looked");
    sync.a("alice").addWorklog(pa1, NINE + 3_600_000, 1200, "");

    sync.runUntilQuiet();

    assertEquals(List.of("0m+600s Alice Archer: looked (sync-b)",
        "60m+1200s Alice Archer:  (sync-b)"), seen(sync.b(), "PB-1"));
  }

  @Test
  void editsAndDeletionsPropagateBothWays() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = syncedIssue(sync);
    String alices = sync.a("alice").addWorklog(pa1, NINE, 600, "diagnosis");
    sync.b("bob").addWorklog("PB-1", NINE + 60_000, 1800, "spare part");
    sync.runUntilQuiet();
    assertEquals(List.of("0m+600s diagnosis (alice)", "1m+1800s Bob Baker: spare part (sync-a)"),
        seen(sync.a(), pa1));

    sync.a("alice").updateWorklog(pa1, alices, NINE + 120_000, 900, "diagnosis, longer");
    sync.runUntilQuiet();
    assertEquals(List.of("1m+1800s spare part (bob)",
        "2m+900s Alice Archer: diagnosis, longer (sync-b)"), seen(sync.b(), "PB-1"));

    // Bob corrects the copy of Alice's worklog: the original in PA changes, without a prefix.
    String copyOfAlices = sync.b().worklogs("PB-1").get(1).id();
    sync.advance(java.time.Duration.ofSeconds(1)); // (an edit in the same millisecond is a tie)
    sync.b("bob").updateWorklog("PB-1", copyOfAlices, NINE, 960,
        "Alice Archer: diagnosis, 16m");
    sync.runUntilQuiet();
    assertEquals("0m+960s diagnosis, 16m (alice)", shown(sync.a().worklogs(pa1).get(0)));

    String copyOfBobs = sync.a().worklogs(pa1).get(1).id();
    sync.a("alice").deleteWorklog(pa1, copyOfBobs);
    sync.b("bob").deleteWorklog("PB-1", copyOfAlices);
    sync.runUntilQuiet();
    assertEquals(List.of(), seen(sync.b(), "PB-1"));
    assertEquals(List.of(), seen(sync.a(), pa1));
  }

  @Test
  void anEditOnBothSidesKeepsTheNewer() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = syncedIssue(sync);
    String alices = sync.a("alice").addWorklog(pa1, NINE, 600, "first");
    sync.runUntilQuiet();
    String copy = sync.b().worklogs("PB-1").get(0).id();

    sync.a("alice").updateWorklog(pa1, alices, NINE, 600, "A's edit");
    sync.advance(java.time.Duration.ofSeconds(1));
    sync.b("bob").updateWorklog("PB-1", copy, NINE, 600, "Alice Archer: B's later edit");
    sync.runUntilQuiet();

    assertEquals(List.of("0m+600s B's later edit (alice)"), seen(sync.a(), pa1));
    assertEquals(List.of("0m+600s Alice Archer: B's later edit (sync-b)"),
        seen(sync.b(), "PB-1"));
  }

  @Test
  void theAuthorIsTheMappedUserOrNobody() throws Exception {
    SyncTestDriver byUser = driver("{\"author\": \"user\"}");
    String pa1 = syncedIssue(byUser);
    byUser.a("alice").addWorklog(pa1, NINE, 600, "by e-mail");
    byUser.b("bob").addWorklog("PB-1", NINE, 1200, "Bob is nobody in PA");
    byUser.runUntilQuiet();
    assertEquals(List.of("0m+1200s Bob is nobody in PA (bob)",
        "0m+600s [~5b10ac8d]: by e-mail (sync-b)"), seen(byUser.b(), "PB-1"));
    assertEquals("0m+1200s @Bob Baker: Bob is nobody in PA (sync-a)",
        shown(byUser.a().worklogs(pa1).get(1)));

    SyncTestDriver anonymous = driver("{\"author\": \"anonymous\"}");
    String key = syncedIssue(anonymous);
    anonymous.a("alice").addWorklog(key, NINE, 600, "who did it?");
    anonymous.runUntilQuiet();
    assertEquals(List.of("0m+600s who did it? (sync-b)"), seen(anonymous.b(), "PB-1"));
  }

  @Test
  void aResyncNeverLogsWorkTwice() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = syncedIssue(sync);
    sync.a("alice").addWorklog(pa1, NINE, 600, "once");
    sync.b("bob").addWorklog("PB-1", NINE, 1200, "once too");
    sync.runUntilQuiet();

    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    sync.engine().resync("PB", ResyncRequest.all(), "admin");
    tasks.runAll();
    sync.runUntilQuiet();

    assertEquals(List.of("0m+1200s once too (bob)", "0m+600s Alice Archer: once (sync-b)"),
        seen(sync.b(), "PB-1"));
    assertEquals(List.of("0m+600s once (alice)", "0m+1200s Bob Baker: once too (sync-a)"),
        seen(sync.a(), pa1));
  }

  @Test
  void aCrashAfterLoggingACopyDoesNotLogItTwice() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = syncedIssue(sync);
    sync.a("alice").addWorklog(pa1, NINE, 600, "once");
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("addWorklog") && !crashed) {
          crashed = true;
          throw new SimulatedCrash("after addWorklog");
        }
      }
    });

    assertThrows(SimulatedCrash.class, sync::runUntilQuiet);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(List.of("0m+600s Alice Archer: once (sync-b)"), seen(sync.b(), "PB-1"));
    assertEquals(1, sync.b().calls("addWorklog").size());
  }

  @Test
  void worklogsAreReadOnlyWhenAWorklogsMappingIsConfigured() {
    SyncTestDriver without = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .build();
    String pa1 = without.a("alice").create("Printer on fire");
    without.a("alice").addWorklog(pa1, NINE, 600, "stays here");
    without.runUntilQuiet();

    assertEquals(List.of(), without.a().calls("worklogs"));
    assertEquals(List.of(), seen(without.b(), "PB-1"));
  }

  @Test
  void badSettingsAreRefusedNamingTheFieldAndValue() {
    var e = assertThrows(ConfigurationException.class, () -> driver(
        "{\"author\": \"someone\", \"authorPrefix\": 3, \"colour\": \"red\"}"));
    assertEquals(List.of(
            "$.fieldMappings[1].settings.colour: unknown setting of worklogs",
            "$.fieldMappings[1].settings.author: must be \"text\", \"user\" or \"anonymous\","
                + " was \"someone\"",
            "$.fieldMappings[1].settings.authorPrefix: must be a string, was 3"),
        e.problems().stream().map(ConfigurationProblem::toString).toList());

    var anonymous = assertThrows(ConfigurationException.class, () -> driver(
        "{\"author\": \"anonymous\", \"authorPrefix\": \"{author} did: \"}"));
    assertEquals(List.of("$.fieldMappings[1].settings.authorPrefix: names the author, but"
            + " \"author\" is \"anonymous\"; was \"{author} did: \""),
        anonymous.problems().stream().map(ConfigurationProblem::toString).toList());

    var wrongField = assertThrows(ConfigurationException.class, () -> SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("m-w", "worklogs", Direction.BOTH, "description",
            "worklog", null))
        .fieldMapping(FieldMapping.passthrough("m-x", "worklog", "labels", Direction.B_TO_A))
        .build());
    assertEquals(List.of(
            "$.fieldMappings[1].fieldA: mapping type worklogs cannot read string field"
                + " description",
            "$.fieldMappings[1].fieldA: mapping type worklogs cannot write string field"
                + " description",
            "$.fieldMappings[2].type: mapping type passthrough cannot write \"worklog\" on A's"
                + " side: worklogs are synced one by one; use the mapping type \"worklogs\"",
            "$.fieldMappings[2].fieldB: passthrough needs fields of the same type, but worklog is"
                + " array<worklog> and labels is array<string>; use a correlation or to-text"
                + " mapping"),
        wrongField.problems().stream().map(ConfigurationProblem::toString).toList());
  }
}
