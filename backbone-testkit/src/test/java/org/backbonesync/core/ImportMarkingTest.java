package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * An import marks each imported local issue with its partner's origin marker, so that a lost
 * store pairs it again instead of copying its partner. An issue that cannot be marked leaves the
 * import standing, and the operator's answer names it: it is unprotected until it is marked.
 */
class ImportMarkingTest {
  private static final String MARKER_A = "backbone:sync-pa-pb:PA:";
  private static final String MARKER_B = "backbone:sync-pa-pb:PB:";

  private SyncTestDriver sync = SyncTestDriver.builder().build();
  private SyncAdminHandler handler = handler(sync);

  private static SyncAdminHandler handler(SyncTestDriver sync) {
    return new SyncAdminHandler(SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, operation, connector) -> true).build());
  }

  /** PA-1..n and PB-1..n, made by hand on both sides before syncing. */
  private void givenIssuesMadeOnBothSides(int n) {
    for (int i = 1; i <= n; i++) {
      sync.a("alice").create("Issue " + i);
      sync.b("bob").create("Issue " + i);
    }
  }

  private static String rows(String local, String remote, int from, int to) {
    StringBuilder body = new StringBuilder("[");
    for (int i = from; i <= to; i++) {
      body.append(i == from ? "" : ", ").append("{\"localIssueKey\": \"").append(local).append(i)
          .append("\", \"remoteIssueKey\": \"").append(remote).append(i).append("\"}");
    }
    return body.append("]").toString();
  }

  private AdminResponse post(String connectorKey, String rows) {
    return handler.handle(new AdminRequest("POST",
        "/connectors/" + connectorKey + "/syncInformation", Map.of(), rows, "operator"));
  }

  /** The tracker throws {@code failure} when asked to mark an issue {@code refused} names. */
  private static void marking(InMemoryIssueTracker tracker, Predicate<String> refused,
      RuntimeException failure) {
    tracker.intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("setOriginMarker") && refused.test(call.issueKey())) {
          throw failure;
        }
      }
    });
  }

  private static String marker(InMemoryIssueTracker tracker, String key) {
    return tracker.issue(key).orElseThrow().originMarker();
  }

  private static long markCalls(InMemoryIssueTracker tracker) {
    return tracker.calls().stream().filter(c -> c.operation().equals("setOriginMarker")).count();
  }

  @Test
  void anIssueThatCannotBeMarkedIsNamedInTheAnswerAndTheOthersAreMarked() {
    givenIssuesMadeOnBothSides(3);
    marking(sync.a(), "PA-2"::equals, new TrackerException(
        "You do not have permission to edit issue properties", "PA-2", Map.of()));

    String[] body = new String[1];
    String log = Stderr.of(() -> body[0] = post("PA", rows("PA-", "PB-", 1, 3)).body());

    assertEquals("{\"imported\":3,\"unmarked\":[\"PA-2\"]}", body[0]);
    assertEquals(3, sync.syncInfoA().size(), "the import stands");
    assertEquals(MARKER_A + "PB-1", marker(sync.a(), "PA-1"));
    assertNull(marker(sync.a(), "PA-2"));
    assertEquals(MARKER_A + "PB-3", marker(sync.a(), "PA-3"), "the others are still tried");
    assertTrue(log.contains("WARN") && log.contains("[PA-2]")
        && log.contains("You do not have permission"), log);
    assertTrue(log.contains("imported 3 sync information rows, 1 of their issues not marked"),
        log);
  }

  @Test
  void everyIssueMarkedAnswersTheOriginalProductsAnswer() {
    givenIssuesMadeOnBothSides(2);

    assertEquals("{\"imported\":2}", post("PA", rows("PA-", "PB-", 1, 2)).body());
    assertEquals(MARKER_A + "PB-2", marker(sync.a(), "PA-2"));
  }

  /**
   * A tracker that is down (or rate limited past its own retries) would make every issue wait
   * out the same failure while the operator's request waits: the rest are named, not tried.
   */
  @Test
  void aTrackerThatIsDownLeavesTheRestUntriedAndNamesThemAll() {
    givenIssuesMadeOnBothSides(4);
    marking(sync.a(), key -> !key.equals("PA-1"),
        new RetriableException("503 Service Unavailable", null));

    AdminResponse answer = post("PA", rows("PA-", "PB-", 1, 4));

    assertEquals("{\"imported\":4,\"unmarked\":[\"PA-2\",\"PA-3\",\"PA-4\"]}", answer.body());
    assertEquals(2, markCalls(sync.a()), "PA-1 marked, PA-2 failed, the rest not asked");
    assertEquals(MARKER_A + "PB-1", marker(sync.a(), "PA-1"));
    assertEquals(4, sync.syncInfoA().size());
  }

  @Test
  void everyRowUnmarkableNamesEveryIssueAndImportsEveryRow() {
    givenIssuesMadeOnBothSides(3);
    marking(sync.a(), key -> true, new TrackerException("403 Forbidden", null, Map.of()));

    ImportResult result = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, operation, connector) -> true).build()
        .importSyncInformation("operator", "PA", List.of(SyncInfoImport.pair("PA-1", "PB-1"),
            SyncInfoImport.pair("PA-2", "PB-2"), SyncInfoImport.pair("PA-3", "PB-3")));

    assertEquals(new ImportResult(3, List.of("PA-1", "PA-2", "PA-3")), result);
    assertEquals(3, markCalls(sync.a()), "a refusal is of one issue: each is tried");
    assertEquals(3, sync.syncInfoA().size());
  }

  @Test
  void aTrackerThatCannotMarkIssuesNamesEveryImportedIssue() {
    sync = SyncTestDriver.builder().trackers((key, t) -> !key.equals("PA") ? t
        : TrackerProxies.answering(t, (method, args, own) ->
            method.equals("setOriginMarker") ? Boolean.FALSE : own.call())).build();
    handler = handler(sync);
    givenIssuesMadeOnBothSides(2);

    String[] body = new String[1];
    String log = Stderr.of(() -> body[0] = post("PA", rows("PA-", "PB-", 1, 2)).body());

    assertEquals("{\"imported\":2,\"unmarked\":[\"PA-1\",\"PA-2\"]}", body[0]);
    assertTrue(log.contains("cannot mark issues"), log);
    assertEquals("{\"imported\":0}", post("PA", "[]").body(), "nothing imported, nothing named");
  }

  /** An issue left unmarked on one side is still found after a lost store by its partner's. */
  @Test
  void aPairWhosePartnerIsMarkedSurvivesALostStore() {
    givenIssuesMadeOnBothSides(2);
    marking(sync.a(), "PA-2"::equals, new TrackerException("403 Forbidden", "PA-2", Map.of()));
    assertEquals("{\"imported\":2,\"unmarked\":[\"PA-2\"]}", post("PA", rows("PA-", "PB-", 1, 2))
        .body());
    assertEquals("{\"imported\":2}", post("PB", rows("PB-", "PA-", 1, 2)).body());
    sync.a().intercept(null);
    sync.advance(Duration.ofMinutes(1));

    sync.restartOn(new InMemoryStores());
    sync.a("alice").edit("PA-2", "summary", "Issue 2, fixed");
    sync.runUntilQuiet();

    assertEquals(2, sync.a().allIssues().size(), "nothing copied to A");
    assertEquals(2, sync.b().allIssues().size(), "nothing copied to B");
    assertEquals("Issue 2, fixed", sync.b().value("PB-2", "summary").asText());
  }

  /**
   * The operator's way out: once the tracker is back, delete the named issues' rows and import
   * them again. Then a lost store copies nothing.
   */
  @Test
  void theNamedIssuesImportedAgainOnceTheTrackerIsBackSurviveALostStore() {
    givenIssuesMadeOnBothSides(2);
    marking(sync.a(), "PA-2"::equals, new RetriableException("429 Too Many Requests", null));
    marking(sync.b(), "PB-2"::equals, new RetriableException("429 Too Many Requests", null));
    assertEquals("{\"imported\":2,\"unmarked\":[\"PA-2\"]}", post("PA", rows("PA-", "PB-", 1, 2))
        .body());
    assertEquals("{\"imported\":2,\"unmarked\":[\"PB-2\"]}", post("PB", rows("PB-", "PA-", 1, 2))
        .body());

    sync.a().intercept(null);
    sync.b().intercept(null);
    for (String connector : List.of("PA", "PB")) {
      String local = connector + "-2";
      long id = (connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB()).stream()
          .filter(r -> r.localIssueKey().equals(local)).findFirst().orElseThrow().id();
      assertEquals(200, handler.handle(new AdminRequest("DELETE",
          "/connectors/" + connector + "/syncInformation", Map.of("syncInfoId", "" + id), null,
          "operator")).status());
    }
    assertEquals("{\"imported\":1}", post("PA", rows("PA-", "PB-", 2, 2)).body());
    assertEquals("{\"imported\":1}", post("PB", rows("PB-", "PA-", 2, 2)).body());
    assertEquals(MARKER_A + "PB-2", marker(sync.a(), "PA-2"));
    assertEquals(MARKER_B + "PA-2", marker(sync.b(), "PB-2"));
    sync.advance(Duration.ofMinutes(1));

    sync.restartOn(new InMemoryStores());
    sync.a("alice").edit("PA-2", "summary", "Issue 2, fixed");
    sync.b("bob").edit("PB-1", "summary", "Issue 1, fixed");
    sync.runUntilQuiet();

    assertEquals(2, sync.a().allIssues().size(), "nothing copied to A");
    assertEquals(2, sync.b().allIssues().size(), "nothing copied to B");
    assertEquals("Issue 2, fixed", sync.b().value("PB-2", "summary").asText());
    assertEquals("Issue 1, fixed", sync.a().value("PA-1", "summary").asText());
  }

  /** The handler's largest import, every issue refused: every row stands, every issue named. */
  @Test
  void aLargestImportWithEveryIssueRefusedNamesThemAll() throws Exception {
    int n = SyncAdminHandler.DEFAULT_MAX_IMPORT_ROWS;
    givenIssuesMadeOnBothSides(n);
    marking(sync.a(), key -> true, new TrackerException("403 Forbidden", null, Map.of()));

    AdminResponse answer = post("PA", rows("PA-", "PB-", 1, n));

    assertEquals(200, answer.status(), answer.body());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
    assertEquals(n, json.get("imported").asInt());
    assertEquals(n, json.get("unmarked").size());
    assertEquals(Set.of("PA-1", "PA-" + n), Set.of(json.get("unmarked").get(0).asText(),
        json.get("unmarked").get(n - 1).asText()));
    assertEquals(n, sync.syncInfoA().size());
  }
}
