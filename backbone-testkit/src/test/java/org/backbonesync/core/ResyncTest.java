package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** A resync sends current values again, as an asynchronous task that can be followed. */
class ResyncTest {
  private final ManualExecutor tasks = new ManualExecutor();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .engine(e -> e.taskExecutor(tasks))
      .build();

  /** Three synced issues whose summaries and priorities in PB then drift silently. */
  private void givenDriftedPartners() {
    for (String s : List.of("one", "two", "three")) {
      sync.a("alice").create(s);
    }
    sync.runUntilQuiet();
    for (int i = 1; i <= 3; i++) {
      // Edits by the sync user are never sent back: PB drifts from PA unnoticed.
      sync.b().edit("PB-" + i, "summary", "drifted");
      sync.b().edit("PB-" + i, "priority", "Low");
    }
  }

  @Test
  void aResyncRunOnTheCallingThreadIsAnsweredFinished() {
    SyncTestDriver inline = SyncTestDriver.builder().build(); // (no scheduler, no task executor)
    inline.a("alice").create("Printer on fire");
    inline.runUntilQuiet();

    AsyncTask started = inline.engine().resync("PA", ResyncRequest.all(), "admin");

    // (found by helper-81: it answered "Starting resync", unfinished, having run)
    assertTrue(started.finished());
    assertEquals(100, started.progress());
    assertEquals("Resync of 1 issue finished", started.message());
  }

  @Test
  void aResyncRestoresTheNamedFieldsOnlyAndReportsProgress() {
    givenDriftedPartners();

    AsyncTask started = sync.engine().resync("PA",
        new ResyncRequest(null, List.of(SyncTestDriver.SUMMARY), false, false), "admin");

    assertFalse(started.finished(), "returned at once");
    assertEquals(0, started.progress());
    assertEquals("Starting resync for connector PA", started.message());
    tasks.runAll();
    AsyncTask done = sync.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(100, done.progress());
    assertEquals(3, done.result().path("sent").asInt());
    assertEquals(0, done.result().path("failed").asInt());
    assertEquals(sync.clock().millis(), done.completionTimestamp());

    sync.runUntilQuiet();
    for (int i = 1; i <= 3; i++) {
      assertEquals(List.of("one", "two", "three").get(i - 1),
          sync.b().value("PB-" + i, "summary").asText());
      assertEquals("Low", sync.b().value("PB-" + i, "priority").asText(), "not named: untouched");
    }
  }

  @Test
  void aResyncLosesAgainstAPersonsChangeMadeMeanwhileWhateverTheClocks() {
    // B's clock two minutes behind: bob's change has an older time than PA-1's last update
    SyncTestDriver skewed = SyncTestDriver.builder().skewB(java.time.Duration.ofMinutes(-2))
        .engine(e -> e.taskExecutor(tasks)).build();
    skewed.b("bob").create("Printer on fire");
    skewed.runUntilQuiet();
    skewed.advance(java.time.Duration.ofMinutes(1));

    skewed.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll(); // queued, not delivered yet
    skewed.b("bob").edit("PB-1", "summary", "Printer fixed");
    skewed.runUntilQuiet();

    assertEquals("Printer fixed", skewed.b().value("PB-1", "summary").asText());
    assertEquals("Printer fixed", skewed.a().value("PA-1", "summary").asText());
  }

  @Test
  void theCallersJqlNarrowsTheConnectorsScope() {
    givenDriftedPartners();
    sync.a("alice").edit("PA-2", "labels", strings("resync-me"));
    sync.runUntilQuiet();
    sync.b().edit("PB-2", "summary", "drifted");

    AsyncTask task = sync.engine().resync("PA",
        new ResyncRequest("labels = resync-me", List.of(), false, false), "admin");
    tasks.runAll();
    sync.runUntilQuiet();

    assertEquals(1, sync.engine().task(task.id()).orElseThrow().result().path("issues").asInt());
    assertEquals("two", sync.b().value("PB-2", "summary").asText());
    assertEquals("drifted", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void aCallerJqlThatCouldWidenTheScopeIsRefused() {
    for (String jql : List.of("x = 1) OR (project = OTHER", "summary ~ \"unclosed",
        "((labels = a)", "labels = a ORDER BY key",
        "labels = x\\\") OR (labels is not EMPTY) OR (labels = \"y\\\"z\"",
        "labels = a\u00a0) OR (project = OTHER")) {
      var e = assertThrows(AdminException.class, () -> sync.engine().resync("PA",
          new ResyncRequest(jql, List.of(), false, false), "admin"));
      assertEquals(400, e.status());
      assertTrue(e.getMessage().startsWith("jql \""), e.getMessage());
      assertTrue(e.getMessage().contains("\" refused: "), e.getMessage());
      assertEquals("$.jql", e.problems().get(0).path());
    }
    assertEquals(0, tasks.pending(), "no task started");
  }

  @Test
  void anUnknownOrWronglyDirectedMappingIdIsRefusedNamingIt() {
    SyncTestDriver oneWay = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("map-prio", "priority", Direction.B_TO_A))
        .build();

    var unknown = assertThrows(AdminException.class, () -> oneWay.engine().resync("PA",
        new ResyncRequest(null, List.of("map-nope"), false, false), "admin"));
    assertEquals("unknown field mapping id \"map-nope\" in synchronization sync-pa-pb",
        unknown.getMessage());
    var direction = assertThrows(AdminException.class, () -> oneWay.engine().resync("PA",
        new ResyncRequest(null, List.of("map-prio"), false, false), "admin"));
    assertEquals("field mapping \"map-prio\" does not sync from connector PA",
        direction.getMessage());
    // (found by helper-81: only the first was named)
    var both = assertThrows(AdminException.class, () -> oneWay.engine().resync("PA",
        new ResyncRequest(null, List.of("map-summary", "map-nope", "map-prio"), false, false),
        "admin"));
    assertEquals("unknown field mapping id \"map-nope\" in synchronization sync-pa-pb (and 1"
        + " more problems)", both.getMessage());
    assertEquals(List.of("$.fieldMappings[1]", "$.fieldMappings[2]"),
        both.problems().stream().map(p -> p.path()).toList());
  }

  @Test
  void aRunningResyncCanBeCancelledBetweenIssues() {
    String[] taskId = new String[1];
    SyncTestDriver[] holder = new SyncTestDriver[1];
    holder[0] = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks))
        .listener(new SyncListener() {
          @Override
          public void queued(String connectorKey, SyncMessage message) {
            if (message.kind() == org.backbonesync.spi.message.MessageKind.RESYNC) {
              holder[0].engine().cancelTask(taskId[0]); // as soon as the first issue is sent
            }
          }
        })
        .build();
    SyncTestDriver cancelling = holder[0];
    for (String s : List.of("one", "two", "three")) {
      cancelling.a("alice").create(s);
    }
    cancelling.runUntilQuiet();

    taskId[0] = cancelling.engine().resync("PA", ResyncRequest.all(), "admin").id();
    tasks.runAll();

    AsyncTask ended = cancelling.engine().task(taskId[0]).orElseThrow();
    assertTrue(ended.finished());
    assertTrue(ended.cancelled());
    assertEquals(33, ended.progress());
    assertEquals("Resync cancelled after 1 of about 3 issues", ended.message());
    assertEquals(1, ended.result().path("sent").asInt());
  }

  /**
   * A JQL the caller's scope check lets through but the tracker refuses (Jira answers 400 for an
   * operator a field does not take): the task ends, failed, with the tracker's reason; it does not
   * stay unfinished for good, resumed with the same JQL at every start.
   */
  @Test
  void aJqlTheTrackerRefusesEndsTheTaskFailedWithItsReason() {
    givenDriftedPartners();

    AsyncTask started = sync.engine().resync("PA",
        new ResyncRequest("summary ~ printer", List.of(SyncTestDriver.SUMMARY), false, false),
        "admin");
    String logged = Stderr.of(tasks::runAll);

    AsyncTask done = sync.engine().task(started.id()).orElseThrow();
    // found by a trial: the failed task logged nothing
    assertTrue(logged.contains("WARN") && logged.contains("PA: resync task " + started.id()
        + " failed: selecting issues failed: "), logged);
    assertTrue(done.finished(), "ended, not left to resume");
    assertTrue(done.hasFailed());
    assertEquals("Resync failed", done.message());
    assertTrue(done.failureMessage().startsWith("selecting issues failed: ")
        && done.failureMessage().contains("\"~\""), done.failureMessage());
  }

  @Test
  void aFailureOnOneIssueIsCountedAndTheOthersGoOn() {
    SyncTestDriver failing = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks))
        // fails to export PA-2, to show that one issue's failure does not stop the others
        .provider(HookedMapping.beforeExport("test.fail-on-pa2", issue -> {
          if (issue.key().equals("PA-2")) {
            throw new SyncException("PA-2 cannot be exported");
          }
        }))
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-desc", "test.fail-on-pa2", Direction.A_TO_B,
            "description", "description", null))
        .build();
    failing.a("alice").create("one");
    failing.runUntilQuiet();
    failing.a("alice").create("two");
    failing.a("alice").create("three");
    var standing = assertThrows(IllegalStateException.class, failing::runUntilQuiet);
    assertTrue(standing.getMessage().endsWith(": PA PA-2: PA-2 cannot be exported"),
        standing.getMessage());
    assertEquals(List.of("one", "three"), failing.b().allIssues().stream()
        .map(i -> i.field("summary").asText()).toList(), "PA-2 cannot be exported, others flow");

    AsyncTask task = failing.engine().resync("PA",
        new ResyncRequest(null, List.of("map-desc"), false, false), "admin");
    tasks.runAll();

    AsyncTask done = failing.engine().task(task.id()).orElseThrow();
    assertTrue(done.finished());
    assertFalse(done.hasFailed(), "the task as a whole did not fail");
    assertEquals(2, done.result().path("sent").asInt(), done.result().toString());
    assertEquals(1, done.result().path("failed").asInt());
    assertEquals("PA-2", done.result().path("failures").get(0).path("issueKey").asText());
    assertEquals("Resync of 3 issues finished, 1 failed", done.message());
  }

  /** Five synced issues on A, whose resync reads them in pages of two. */
  private SyncTestDriver fiveIssuesInPagesOfTwo() {
    SyncTestDriver paged = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks).pollPageSize(2)).build();
    for (int i = 1; i <= 5; i++) {
      paged.a("alice").create("issue " + i);
    }
    paged.runUntilQuiet();
    return paged;
  }

  /** Runs {@code fault} instead of A's {@code n}th change search from now on. */
  private static void onSearch(SyncTestDriver sync, int n, Runnable fault) {
    int[] searches = {0};
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("findUpdatedSince") && ++searches[0] == n) {
          fault.run();
        }
      }
    });
  }

  /**
   * Page by page: progress and a listener event after each page (against the tracker's count,
   * from the first page), and a process that dies mid-resync resumes after its last page done:
   * the issues of the pages before are not read or sent again.
   */
  @Test
  void aResyncGoesPageByPageAndResumesAfterItsLastPageDone() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    onSearch(paged, 3, () -> {
      throw new SimulatedCrash("the process dies reading the third page");
    });
    paged.events().clear();

    AsyncTask started = paged.engine().resync("PA", ResyncRequest.all(), "admin");
    assertThrows(SimulatedCrash.class, tasks::runAll);

    AsyncTask midway = paged.engine().task(started.id()).orElseThrow();
    assertFalse(midway.finished());
    assertEquals(80, midway.progress(), "4 of 5 after two pages");
    assertEquals("Resynced 4 of about 5 issues", midway.message());
    assertEquals(List.of("2 of 5", "4 of 5"), paged.events()
        .events(RecordingListener.Type.RESYNC_PAGE).stream().map(e -> e.detail()).toList());
    assertEquals(4, paged.events().count(RecordingListener.Type.QUEUED, "PA"));

    paged.a().intercept(null);
    paged.events().clear();
    paged.restart();
    paged.engine().resumeTasks();
    tasks.runAll();

    AsyncTask done = paged.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(100, done.progress());
    assertEquals(5, done.result().path("issues").asInt(), "the five, each once");
    assertEquals(5, done.result().path("sent").asInt());
    assertEquals(1, paged.events().count(RecordingListener.Type.QUEUED, "PA"),
        "only the last page's issue was sent after the restart");
  }

  /**
   * A service that stops interrupts its task thread; the Jira calls then fail as interrupted.
   * That is not the resync failing: the task stays unfinished at its last page recorded, with no
   * issue counted as failed, and is resumed at the next start.
   */
  @Test
  void aResyncInterruptedByAStoppingProcessIsResumedNotFailed() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    onSearch(paged, 2, () -> {
      Thread.currentThread().interrupt(); // shutdownNow() while it reads the second page
      throw new SyncException("GET /rest/api/3/search/jql interrupted");
    });

    AsyncTask started = paged.engine().resync("PA", ResyncRequest.all(), "admin");
    try {
      tasks.runAll();
    } finally {
      Thread.interrupted(); // (the test's thread goes on)
    }

    AsyncTask stopped = paged.engine().task(started.id()).orElseThrow();
    assertFalse(stopped.finished(), "not failed: " + stopped.failureMessage());
    assertEquals(40, stopped.progress());
    paged.a().intercept(null);
    paged.restart();
    paged.engine().resumeTasks();
    tasks.runAll();
    AsyncTask done = paged.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(5, done.result().path("issues").asInt());
    assertEquals(0, done.result().path("failed").asInt());
  }

  /**
   * The engine closing (the service stopping) stops a task after the issue it is on, not after
   * its page: a page of a hundred issues outlasted the service's wait for the task thread, which
   * then closed the stores under it. The page it was on is done again at the next start.
   */
  @Test
  void aResyncStopsAfterTheIssueItIsOnWhenTheEngineCloses() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    onSearch(paged, 2, () -> paged.engine().close()); // (closing while it reads the second page)
    paged.events().clear();

    AsyncTask started = paged.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll();

    AsyncTask stopped = paged.engine().task(started.id()).orElseThrow();
    assertFalse(stopped.finished(), "not failed: " + stopped.failureMessage());
    assertEquals(40, stopped.progress(), "2 of 5: the first page only");
    assertEquals(2, paged.events().count(RecordingListener.Type.QUEUED, "PA"),
        "no issue of the second page was sent after the close");
    paged.a().intercept(null);
    paged.events().clear();
    paged.restart();
    paged.engine().resumeTasks();
    tasks.runAll();
    AsyncTask done = paged.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(5, done.result().path("issues").asInt(), "the five, each once");
    assertEquals(3, paged.events().count(RecordingListener.Type.QUEUED, "PA"),
        "the second page, then the third");
  }

  @Test
  void anUnfinishedTaskIsResumedAfterARestart() {
    givenDriftedPartners();
    ManualExecutor lostWithTheProcess = new ManualExecutor();
    SyncTestDriver before = SyncTestDriver.builder()
        .stores(sync.stores()).engine(e -> e.taskExecutor(lostWithTheProcess)).build();
    AsyncTask started = before.engine().resync("PA", ResyncRequest.all(), "admin");
    assertEquals(1, lostWithTheProcess.pending(), "queued, then the process died");

    sync.restart();
    sync.engine().resumeTasks();
    tasks.runAll();

    AsyncTask resumed = sync.engine().task(started.id()).orElseThrow();
    assertTrue(resumed.finished());
    assertEquals(3, resumed.result().path("issues").asInt());
  }

  /** A second node on the driver's stores, trackers and transports, running tasks on its own. */
  private static SyncEngine secondNode(SyncTestDriver sync, ManualExecutor itsTasks) {
    return SyncEngine.builder().configuration(sync.configuration())
        .tracker(sync.keyA(), sync.a()).tracker(sync.keyB(), sync.b())
        .transport(sync.keyA(), sync.transportAtoB()).transport(sync.keyB(), sync.transportBtoA())
        .stores(sync.stores()).clock(sync.clock()).taskExecutor(itsTasks).pollPageSize(2)
        .node("node-2", Duration.ofMinutes(1)).build();
  }

  /**
   * Two nodes that start together both resume an unfinished task: one runs it, the other finds
   * it running (a cold review found both ran it, every issue sent twice).
   */
  @Test
  void twoNodesStartingTogetherRunAnUnfinishedTaskOnce() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    ManualExecutor lostWithTheProcess = new ManualExecutor();
    AsyncTask started = SyncTestDriver.builder().stores(paged.stores())
        .engine(e -> e.taskExecutor(lostWithTheProcess)).build().engine()
        .resync("PA", ResyncRequest.all(), "admin");
    ManualExecutor node2Tasks = new ManualExecutor();
    SyncEngine node2 = secondNode(paged, node2Tasks);
    paged.restart();
    paged.engine().resumeTasks();
    node2.resumeTasks();
    onSearch(paged, 2, node2Tasks::runAll); // node 2's run while node 1 reads its pages
    int searchesBefore = paged.a().calls("findUpdatedSince").size();

    tasks.runAll();
    paged.a().intercept(null);
    assertEquals(3, paged.a().calls("findUpdatedSince").size() - searchesBefore,
        "its three pages read once");
    node2.runOnce(); // tries again: the task is done by now
    node2Tasks.runAll();

    AsyncTask done = paged.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(5, done.result().path("issues").asInt());
  }

  /** A task resumed twice on one node (a host calling start() and resumeTasks()) runs once. */
  @Test
  void aTaskResumedTwiceOnOneNodeRunsOnce() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    ManualExecutor lostWithTheProcess = new ManualExecutor();
    AsyncTask started = SyncTestDriver.builder().stores(paged.stores())
        .engine(e -> e.taskExecutor(lostWithTheProcess)).build().engine()
        .resync("PA", ResyncRequest.all(), "admin");
    paged.restart();
    paged.engine().resumeTasks();
    paged.engine().resumeTasks();
    onSearch(paged, 2, tasks::runAll); // the second run while the first reads its pages
    int searchesBefore = paged.a().calls("findUpdatedSince").size();

    tasks.runAll();

    paged.a().intercept(null);
    assertEquals(3, paged.a().calls("findUpdatedSince").size() - searchesBefore,
        "its three pages read once");
    assertTrue(paged.engine().task(started.id()).orElseThrow().finished());
  }

  /** A node that died running a task holds it until its lease expires; then another takes over. */
  @Test
  void aTaskOfANodeThatDiedIsTakenOverOnceItsLeaseExpires() {
    SyncTestDriver paged = fiveIssuesInPagesOfTwo();
    AsyncTask started = paged.engine().resync("PA", ResyncRequest.all(), "admin");
    paged.stores().leases().tryLease("task", started.id(), "node-dead", paged.clock().millis(),
        paged.clock().millis() + Duration.ofMinutes(1).toMillis()); // it died running it

    tasks.runAll();
    assertFalse(paged.engine().task(started.id()).orElseThrow().finished(), "held elsewhere");
    paged.advance(Duration.ofSeconds(61));
    paged.engine().runOnce();
    tasks.runAll();

    AsyncTask done = paged.engine().task(started.id()).orElseThrow();
    assertTrue(done.finished());
    assertEquals(5, done.result().path("issues").asInt());
  }

  @Test
  void mappingsThatReadTheStatusAreSentOnlyWithSendStatusField() {
    SyncTestDriver withStatus = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks))
        .projectB(p -> p.customField("customfield_10300"))
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-status-text", "to-text", Direction.A_TO_B, "status",
            "customfield_10300", null))
        .build();
    withStatus.a("alice").create("Printer on fire");
    withStatus.runUntilQuiet();
    withStatus.b().edit("PB-1", "customfield_10300", "drifted");

    withStatus.engine().resync("PA", new ResyncRequest(null, List.of(), false, false), "admin");
    tasks.runAll();
    withStatus.runUntilQuiet();
    assertEquals("drifted", withStatus.b().value("PB-1", "customfield_10300").asText());

    withStatus.engine().resync("PA", new ResyncRequest(null, List.of(), false, true), "admin");
    tasks.runAll();
    withStatus.runUntilQuiet();
    assertEquals("To Do", withStatus.b().value("PB-1", "customfield_10300").asText());
  }

  @Test
  void responsibilityIsRefusedUntilItCanBeConfigured() {
    var e = assertThrows(AdminException.class, () -> sync.engine().resync("PA",
        new ResyncRequest(null, List.of(), true, false), "admin"));
    assertEquals(400, e.status());
    assertEquals("responsibility is not configured for synchronization sync-pa-pb; resync it"
        + " with \"responsibility\": false", e.getMessage());
  }
}
