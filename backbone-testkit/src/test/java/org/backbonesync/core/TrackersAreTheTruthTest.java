package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trackers are the truth about which issues are pairs: the origin marker of every issue the
 * sync created names its original. A lost store, a stale one, or sync information deleted on one
 * side must never create an issue twice or lose the next change.
 */
class TrackersAreTheTruthTest {
  private final ManualExecutor tasks = new ManualExecutor();

  /** Two issues made on A and one on B, synced and quiet: PA-1 - PB-1, PA-2 - PB-2, PA-3 - PB-3. */
  private SyncTestDriver synced() {
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    sync.b("bob").create("Stapler missing");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    assertEquals(pairs(sync.syncInfoA()), Map.of("PA-1", "PB-1", "PA-2", "PB-2", "PA-3", "PB-3"));
    return sync;
  }

  private static Map<String, String> pairs(List<SyncInfo> rows) {
    Map<String, String> pairs = new HashMap<>();
    rows.forEach(r -> pairs.put(r.localIssueKey(), r.remoteIssueKey()));
    return pairs;
  }

  private static String summary(InMemoryIssueTracker tracker, String key) {
    return tracker.value(key, "summary").asText();
  }

  /** Both sides' rows are mutual, no issue was made twice, sequence ids agree. */
  private static void assertPairedAsBefore(SyncTestDriver sync) {
    assertPairedAsBefore(sync, 3);
  }

  private static void assertPairedAsBefore(SyncTestDriver sync, int pairs) {
    assertEquals(pairs, sync.a().allIssues().size(), "issues on A");
    assertEquals(pairs, sync.b().allIssues().size(), "issues on B");
    Map<String, String> expected = new HashMap<>();
    for (int i = 1; i <= pairs; i++) {
      expected.put("PA-" + i, "PB-" + i);
    }
    assertEquals(expected, pairs(sync.syncInfoA()));
    Map<String, String> back = new HashMap<>();
    expected.forEach((a, b) -> back.put(b, a));
    assertEquals(back, pairs(sync.syncInfoB()));
    for (SyncInfo a : sync.syncInfoA()) {
      SyncInfo b = sync.syncInfoB().stream()
          .filter(r -> r.localIssueKey().equals(a.remoteIssueKey())).findFirst().orElseThrow();
      assertEquals(a.outgoingMessageSequenceId(), b.incomingMessageSequenceId(), a + " / " + b);
      assertEquals(b.outgoingMessageSequenceId(), a.incomingMessageSequenceId(), a + " / " + b);
    }
  }

  @Test
  void anEmptyStoreOverSyncedProjectsCreatesNothingAndPairsAgain() {
    SyncTestDriver sync = synced();
    sync.restartOn(new InMemoryStores()); // a lost database

    sync.runUntilQuiet();

    assertPairedAsBefore(sync);
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, again");
    sync.b("bob").edit("PB-3", "summary", "Stapler found");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, again", summary(sync.b(), "PB-1"));
    assertEquals("Stapler found", summary(sync.a(), "PA-3"));
    assertPairedAsBefore(sync);
  }

  /**
   * With an empty store, A's first message for PA-1 finds PB-1 by its marker on B, and B's own
   * poll pairs PB-1 again (by the same marker) while that message is being applied: the apply
   * finds the pair made, not a key taken (as a host whose scheduler applies beside its poll
   * meets it: the service's --once did).
   */
  @Test
  void aPairMadeAgainByThePollWhileAnApplyFindsItsIssueIsThatApplysPair() {
    SyncTestDriver sync = synced();
    sync.restartOn(new InMemoryStores());
    sync.poll("PA");
    sync.deliver("PA");

    applyWithin(sync, () -> sync.poll("PB")); // between the marker lookup and the new row

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertPairedAsBefore(sync);
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, again");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, again", summary(sync.b(), "PB-1"));
  }

  /**
   * The race above is expected after a lost store, and the retry settles it: no failure for a
   * listener (a failure metric, the service's WARN line), the message applied at its retry.
   */
  @Test
  void aPairMadeAgainByThePollWhileAnApplyIsNoFailure() {
    SyncTestDriver sync = synced();
    sync.restartOn(new InMemoryStores());
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, again");
    sync.poll("PA");
    sync.deliver("PA");
    sync.events().clear();

    applyWithin(sync, () -> sync.poll("PB"));
    sync.runUntilQuiet();

    assertEquals(List.of(), sync.events().events(RecordingListener.Type.FAILED));
    assertEquals("Printer on fire, again", summary(sync.b(), "PB-1"));
    assertTrue(sync.events().events(RecordingListener.Type.APPLIED).stream()
        .anyMatch(e -> e.connectorKey().equals("PB") && e.detail().equals("PB-1")),
        sync.events().toString());
    assertPairedAsBefore(sync);
  }

  /**
   * A row that pairs the message's issue with another issue of ours than the one the apply
   * found by its marker is a real duplicate: still a failure for a listener (retried, as the
   * message's issue has a pair now).
   */
  @Test
  void aRowPairingTheMessagesIssueWithAnotherIssueIsStillAFailure() {
    SyncTestDriver sync = synced();
    sync.restartOn(new InMemoryStores());
    sync.poll("PA");
    sync.deliver("PA");
    sync.events().clear();

    applyWithin(sync, () -> sync.stores().inTransaction(() -> sync.stores().syncInfo()
        .insert(SyncInfo.newPair("PB", "PB-7", "PA-1", sync.clock().millis()))));

    List<RecordingListener.Event> failed = sync.events().events(RecordingListener.Type.FAILED);
    assertEquals(1, failed.size(), sync.events().toString());
    assertTrue(failed.get(0).detail().startsWith("transiently: remote issue PA-1 is already"
        + " paired in connector PB"), failed.get(0).detail());
  }

  /** Applies B's inbox, running {@code meanwhile} before B's apply first updates an issue. */
  /**
   * Restarts the sync on empty stores whose sync information store calls {@code before} with
   * the name of each method before it runs (it may act, or throw in the call's place).
   */
  private static void restartWatchingRows(SyncTestDriver sync, Consumer<String> before) {
    InMemoryStores durable = new InMemoryStores();
    SyncInfoStore rows = (SyncInfoStore) Proxy.newProxyInstance(
        TrackersAreTheTruthTest.class.getClassLoader(), new Class<?>[] {SyncInfoStore.class},
        (proxy, m, args) -> {
          before.accept(m.getName());
          try {
            return m.invoke(durable.syncInfo(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    sync.restartOn(new ForwardingStores(durable) {
      @Override
      public SyncInfoStore syncInfo() {
        return rows;
      }
    });
  }

  private static void applyWithin(SyncTestDriver sync, Runnable meanwhile) {
    AtomicBoolean ran = new AtomicBoolean();
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        // (the apply's first read of the issue it found by its marker: an apply writes
        // nothing to an issue that has the message's values already)
        if (call.operation().equals("issue") && ran.compareAndSet(false, true)) {
          meanwhile.run();
        }
      }
    });
    sync.apply("PB");
    sync.b().intercept(null);
    assertTrue(ran.get(), "ran while B applied");
  }

  /**
   * As above, the other way round: B's apply pairs PB-1 by its marker while B's poll, which
   * found PB-1 with no row, is about to restore the pair (the apply runs as the poll inserts
   * the row).
   */
  @Test
  void aPairMadeAgainByAnApplyWhileThePollRestoresItIsThePollsPair() {
    SyncTestDriver sync = synced();
    AtomicBoolean armed = new AtomicBoolean();
    restartWatchingRows(sync, call -> {
      if (call.equals("insert") && armed.compareAndSet(true, false)) {
        sync.apply("PB"); // B's apply, as B's poll inserts PB-1's row
      }
    });
    sync.poll("PA");
    sync.deliver("PA");

    armed.set(true);
    sync.poll("PB");

    assertFalse(armed.get(), "B applied while polling");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertPairedAsBefore(sync);
    sync.b("bob").edit("PB-2", "summary", "Coffee machine refilled");
    sync.runUntilQuiet();
    assertEquals("Coffee machine refilled", summary(sync.a(), "PA-2"));
  }

  /**
   * The look-up that tells the race above from a real duplicate fails for a while (the store
   * down, a deadlock): the message is judged again later, not failed for an admin.
   */
  @Test
  void aFailedLookUpOfThePairMadeMeanwhileIsRetriedNotFailed() {
    SyncTestDriver sync = synced();
    AtomicBoolean armed = new AtomicBoolean();
    restartWatchingRows(sync, call -> {
      if (call.equals("findByRemoteKey") && armed.compareAndSet(true, false)) {
        throw new RetriableException("connection reset", null);
      }
    });
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, again");
    sync.poll("PA");
    sync.deliver("PA");

    applyWithin(sync, () -> {
      sync.poll("PB");
      armed.set(true); // the apply's next look-up of PA-1's pair
    });

    assertFalse(armed.get(), "the look-up failed");
    assertEquals(List.of(), sync.engine().failedMessages("PB"), "none waits for an admin");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, again", summary(sync.b(), "PB-1"));
    assertPairedAsBefore(sync);
  }

  @Test
  void editsMadeWhileTheStoreWasLostReachTheOtherSide() {
    SyncTestDriver sync = synced();
    sync.a("alice").edit("PA-2", "summary", "Coffee machine refilled");
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.restartOn(new InMemoryStores());

    sync.runUntilQuiet();

    assertEquals("Coffee machine refilled", summary(sync.b(), "PB-2"));
    assertEquals("High", sync.a().value("PA-1", "priority").asText());
    assertPairedAsBefore(sync);
  }

  @Test
  void aRowDeletedOnTheSideOfTheOriginalIsMadeAgainByTheNextEdit() {
    SyncTestDriver sync = synced();
    deleteRow(sync, "PA", "PA-1");

    long before = sync.clock().millis();
    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals("Printer fixed", summary(sync.b(), "PB-1"));
    assertPairedAsBefore(sync);
    // B learns of A's new row from its first message (a greater epoch) and sends PB-1 whole; it
    // does not wait for the gap timeout.
    assertTrue(sync.clock().millis() - before < Duration.ofMinutes(1).toMillis(),
        "took " + (sync.clock().millis() - before) + " ms");
  }

  @Test
  void aRowDeletedOnTheSideOfTheCopyIsMadeAgainByTheNextEdit() {
    SyncTestDriver sync = synced();
    deleteRow(sync, "PB", "PB-1");

    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals("Printer fixed", summary(sync.a(), "PA-1"));
    assertPairedAsBefore(sync);
  }

  @Test
  void aRowDeletedOnOneSideIsMadeAgainByAnEditOnTheOther() {
    SyncTestDriver sync = synced();
    deleteRow(sync, "PA", "PA-3");
    deleteRow(sync, "PB", "PB-1");

    sync.b("bob").edit("PB-3", "summary", "Stapler found");
    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals("Stapler found", summary(sync.a(), "PA-3"));
    assertEquals("Printer fixed", summary(sync.b(), "PB-1"));
    assertPairedAsBefore(sync);
  }

  @Test
  void bothRowsDeletedArePairedAgainByTheMarkerNotCopiedAgain() {
    SyncTestDriver sync = synced();
    deleteRow(sync, "PA", "PA-1");
    deleteRow(sync, "PB", "PB-1");
    deleteRow(sync, "PA", "PA-3");
    deleteRow(sync, "PB", "PB-3");

    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.a("alice").edit("PA-3", "summary", "Stapler found");
    sync.runUntilQuiet();

    assertEquals("Printer fixed", summary(sync.b(), "PB-1"));
    assertEquals("Stapler found", summary(sync.b(), "PB-3"));
    assertPairedAsBefore(sync);
  }

  @Test
  void aResyncOfAllRebuildsLostRowsWithoutAnEdit() {
    SyncTestDriver sync = synced();
    sync.engine().deleteAllSyncInformation("PA");
    sync.engine().deleteAllSyncInformation("PB");

    sync.engine().resync("PB", ResyncRequest.all(), "admin");
    tasks.runAll();
    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll();
    sync.runUntilQuiet();

    assertPairedAsBefore(sync);
  }

  @Test
  void theAdminRestRebuildsLostRowsAsATask() throws Exception {
    SyncTestDriver sync = synced();
    sync.engine().deleteAllSyncInformation("PA");
    sync.engine().deleteAllSyncInformation("PB");
    SyncAdminHandler handler = new SyncAdminHandler(SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, operation, connector) -> "admin".equals(caller)).build());

    for (String connector : List.of("PB", "PA")) {
      AdminResponse started = handler.handle(new AdminRequest("POST",
          "/connectors/" + connector + "/syncInformation/rebuild", Map.of(), null, "admin"));
      assertEquals(200, started.status(), started.body());
      assertTrue(started.body().contains("\"progress\":0"), started.body());
      tasks.runAll();
    }
    sync.runUntilQuiet();

    assertPairedAsBefore(sync);
    assertEquals(403, handler.handle(new AdminRequest("POST",
        "/connectors/PA/syncInformation/rebuild", Map.of(), null, "mallory")).status());
    assertEquals(400, handler.handle(new AdminRequest("POST",
        "/connectors/PA/syncInformation/rebuild", Map.of(), "{\"jql\": \"x\"}", "admin"))
        .status());
  }

  /**
   * An imported row's last change seen is the import's time on the local tracker's clock: with
   * project B's clock five minutes behind the engine's, a change made on B just after the import
   * is stamped before the engine's time of the import, and was taken as seen (never sent).
   */
  @Test
  void anImportOnATrackerWhoseClockIsBehindSendsTheChangesAfterIt() {
    SyncTestDriver sync = SyncTestDriver.builder().skewB(Duration.ofMinutes(-5)).build();
    sync.a("alice").create("Printer on fire"); // made on both sides by people, before syncing
    sync.b("bob").create("Printer on fire");
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    assertEquals(sync.b().clock().millis(), sync.syncInfoB().get(0).lastChangeSeen());
    assertEquals(sync.clock().millis(), sync.syncInfoB().get(0).firstSyncDate());

    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    sync.runUntilQuiet();

    assertEquals("Printer on fire, third floor", sync.a().value("PA-1", "summary").asText());
  }

  /**
   * A tracker that cannot tell its time (the SPI's default, or Jira's serverInfo failing) and
   * runs ahead of the engine: an issue made just before the import looks made after the engine's
   * time of it. The import keeps the moment before its creation, and the pair is kept.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anImportOnATrackerAheadThatCannotTellItsTimeKeepsThePair(boolean serverInfoFails) {
    SyncTestDriver sync = SyncTestDriver.builder().skewB(Duration.ofMinutes(5))
        .trackers((key, t) -> !key.equals("PB") ? t
            : TrackerProxies.answering(t, (m, args, own) -> {
              if (!m.equals("serverTime")) {
                return own.call();
              }
              if (serverInfoFails) {
                throw new TrackerException("serverInfo: 503", null, Map.of());
              }
              return OptionalLong.empty();
            }))
        .build();
    sync.a("alice").create("Printer on fire");
    sync.b("bob").create("Printer on fire"); // made just before the import
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    sync.advance(Duration.ofSeconds(5));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    sync.runUntilQuiet();

    assertFalse(sync.syncInfoB().get(0).incomingChangesIgnored(), "not unlinked");
    assertEquals("Printer on fire, third floor", sync.a().value("PA-1", "summary").asText());
  }

  /**
   * An import may give a last change seen from before its issue was created ("send everything
   * since 2020"): no change is that old, so it means the moment before the creation, and the
   * pair is not taken for one whose key now names another issue (a restored Jira site).
   */
  @Test
  void anImportedLastChangeSeenBeforeTheIssueWasCreatedSendsItsChangesAndKeepsThePair() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.b("bob").create("Printer on fire");
    long created = sync.a().issue("PA-1").orElseThrow().created();
    sync.advance(Duration.ofHours(1));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor"); // before the import
    sync.advance(Duration.ofHours(1));
    SyncInfoImport sinceLongAgo = new SyncInfoImport("PA-1", "PB-1", null, null,
        created - Duration.ofDays(400).toMillis(), null, null, null, null);
    sync.engine().importSyncInformation("PA", List.of(sinceLongAgo));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    assertEquals(created - 1, sync.syncInfoA().get(0).lastChangeSeen());

    sync.runUntilQuiet();

    assertFalse(sync.syncInfoA().get(0).incomingChangesIgnored(), "not unlinked");
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText(),
        "the change after the time given is sent");
  }

  @Test
  void importedPairsAreMarkedSoThatALostStoreCopiesNothing() {
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire"); // made on both sides by people, before syncing
    sync.b("bob").create("Printer on fire");
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    sync.advance(Duration.ofMinutes(1));

    sync.restartOn(new InMemoryStores());
    sync.b("bob").edit("PB-1", "summary", "Printer fixed");
    sync.runUntilQuiet();

    assertEquals(1, sync.a().allIssues().size(), "nothing copied");
    assertEquals(1, sync.b().allIssues().size(), "nothing copied");
    assertEquals("Printer fixed", summary(sync.a(), "PA-1"));
    assertEquals(Map.of("PA-1", "PB-1"), pairs(sync.syncInfoA()));
  }

  /** Found by a review: an exported row imported again had an older epoch than its partner knew. */
  @Test
  void rowsExportedAndImportedAgainAfterARemakeStillSync() throws Exception {
    SyncTestDriver sync = synced();
    SyncAdminHandler handler = new SyncAdminHandler(SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, operation, connector) -> true).build());
    String exported = handler.handle(new AdminRequest("GET",
        "/connectors/PA/syncInformation", Map.of("localIssueKey", "PA-1"), null, "admin")).body();
    deleteRow(sync, "PA", "PA-1");
    sync.a("alice").edit("PA-1", "summary", "Printer fixed");
    sync.runUntilQuiet(); // PA-1's row made again; B talks with the new one
    sync.advance(Duration.ofMinutes(1));
    deleteRow(sync, "PA", "PA-1");

    AdminResponse imported = handler.handle(new AdminRequest("POST",
        "/connectors/PA/syncInformation", Map.of(), exported, "admin"));
    assertEquals(200, imported.status(), imported.body());
    sync.a("alice").edit("PA-1", "summary", "Printer fixed for good");
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.runUntilQuiet();

    assertEquals("Printer fixed for good", summary(sync.b(), "PB-1"));
    assertEquals("High", sync.a().value("PA-1", "priority").asText());
    assertPairedAsBefore(sync);
  }

  @Test
  void markersAreLookedUpOncePerPageOfCreates() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    for (int i = 0; i < 5; i++) {
      sync.a("alice").create("issue " + i);
    }
    sync.poll("PA");
    sync.deliver("PA");
    sync.b().clearCalls();

    sync.apply("PB");

    assertEquals(5, sync.b().allIssues().size());
    assertEquals(1, sync.b().calls("findByOriginMarkers").size());
    assertEquals(0, sync.b().calls("findByOriginMarker").size());
  }

  /** Comments and attachments on both sides, synced: PA-1 - PB-1. */
  private SyncTestDriver syncedWithContent() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("authorPrefix", "")))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", null))
        .build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").addComment("PB-1", "toner is low");
    sync.b("bob").addComment("PB-1", "paper jam");
    sync.b("bob").upload("PB-1", "log.txt", "text/plain",
        new java.io.ByteArrayInputStream("jam at tray 2".getBytes()));
    sync.runUntilQuiet();
    assertEquals(List.of("toner is low", "paper jam"), bodies(sync.a(), "PA-1"));
    assertEquals(1, sync.a().attachments("PA-1").size());
    return sync;
  }

  private static List<String> bodies(InMemoryIssueTracker tracker, String key) {
    return tracker.comments(key).stream().map(c -> c.body()).toList();
  }

  @Test
  void whatWasDeletedOrEditedWhileTheStoreWasLostIsDeletedOrEditedOnTheOtherSide() {
    SyncTestDriver sync = syncedWithContent();
    String jam = sync.b().comments("PB-1").get(1).id();
    String toner = sync.b().comments("PB-1").get(0).id();
    sync.restartOn(new InMemoryStores());
    sync.b("bob").deleteComment("PB-1", jam);
    sync.b("bob").editComment("PB-1", toner, "toner is empty");
    sync.b("bob").deleteAttachment(sync.b().attachments("PB-1").get(0).id());

    sync.runUntilQuiet();

    assertEquals(List.of("toner is empty"), bodies(sync.a(), "PA-1"));
    assertTrue(sync.a().attachments("PA-1").isEmpty(), "the copy of the deleted file went");
    assertPairedAsBefore(sync, 1);
  }

  @Test
  void aPartnerFoundByItsMarkerBeforeItsOwnPollSendsWhatWasDeletedMeanwhile() {
    SyncTestDriver sync = syncedWithContent();
    String jam = sync.b().comments("PB-1").get(1).id();
    sync.restartOn(new InMemoryStores());
    sync.b("bob").deleteComment("PB-1", jam);
    sync.b("bob").deleteAttachment(sync.b().attachments("PB-1").get(0).id());
    // A's issue goes whole first, and B finds PB-1 by its marker before B's poll restores it
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");
    assertEquals(1, sync.syncInfoB().size(), "paired by the marker");

    sync.runUntilQuiet();

    assertEquals(List.of("toner is low"), bodies(sync.a(), "PA-1"));
    assertTrue(sync.a().attachments("PA-1").isEmpty(), "the copy of the deleted file went");
    assertPairedAsBefore(sync, 1);
  }

  @Test
  void aStoreMovedByExportAndImportGoesOnCountingAndSendsWhatItHeld() {
    SyncTestDriver sync = synced();
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, queued");
    sync.poll("PA"); // in the outbox the move loses
    List<SyncInfo> rowsA = sync.syncInfoA();
    List<SyncInfo> rowsB = sync.syncInfoB();
    sync.restartOn(new InMemoryStores());
    assertEquals(3, sync.engine().importSyncInformation("PA", exported(rowsA)).imported());
    assertEquals(3, sync.engine().importSyncInformation("PB", exported(rowsB)).imported());

    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.b("bob").edit("PB-2", "summary", "Coffee machine empty");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2)); // past the gap timeout: nothing waits for a lost message
    sync.runUntilQuiet();

    assertEquals("Low", sync.b().value("PB-1", "priority").asText());
    assertEquals("Printer on fire, queued", summary(sync.b(), "PB-1"),
        "the imported rows' first contact sends each issue whole");
    assertEquals("Coffee machine empty", summary(sync.a(), "PA-2"));
    assertTrue(sync.engine().failedMessages("PA").isEmpty(), "nothing waits on PA");
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "nothing waits on PB");
    assertPairedAsBefore(sync);
  }

  /**
   * Seed 696897 of the operator sweep. B's clock is two minutes behind. Bob edits PB-1, made from
   * alice's create; the rows of both sides are exported and imported into a new store; bob edits
   * PB-1 again, and then the create is delivered again. It was applied already (it made PB-1),
   * but B's imported row cannot tell by its counts (they were the old store's): applied as a
   * change, its summary was newer by the clocks than bob's edit, and once both sides sent their
   * issues whole (values the sync user wrote weigh nothing) a tie-break left bob's first edit on
   * both sides: his last one was lost.
   */
  @Test
  void aCreateDeliveredAgainAfterAnImportDoesNotUndoALaterEdit() {
    SyncTestDriver sync = SyncTestDriver.builder().skewB(Duration.ofMinutes(-2))
        .engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    SyncMessage create = sync.events().events(RecordingListener.Type.SENT).get(0).message();
    sync.advance(Duration.ofSeconds(30));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    sync.runUntilQuiet();
    moveStoreByExportAndImport(sync);

    sync.advance(Duration.ofSeconds(30));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    assertTrue(sync.engine().receiver("PB").receive(create), "the create delivered again");
    sync.apply("PB"); // before anything of A's imported row arrives
    sync.runUntilQuiet();

    assertEquals("Printer on fire, third floor", summary(sync.b(), "PB-1"), "bob's edit on B");
    assertEquals("Printer on fire, third floor", summary(sync.a(), "PA-1"), "bob's edit on A");
    assertPairedAsBefore(sync, 1);
  }

  /**
   * As above, with the edit alice made before B's pairing came back: A's row sent it naming no
   * issue of B either. Both come again after the import; both are dropped at once, so the second
   * does not wait for the first as a gap (with the partner down past the gap timeout it would
   * have failed and blocked the pair).
   */
  @Test
  void everyMessageSentBeforeThePairingDeliveredAgainAfterAnImportIsDroppedTogether() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.deliver("PA");
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-1", "priority", "High");
    sync.poll("PA");
    sync.runUntilQuiet();
    List<SyncMessage> early = sync.events().events(RecordingListener.Type.SENT).stream()
        .map(RecordingListener.Event::message)
        .filter(m -> m.fromConnector().equals("PA") && m.partnerIssueKey() == null).toList();
    assertEquals(2, early.size(), "the create and the edit, both naming no issue of B");
    moveStoreByExportAndImport(sync);
    sync.advance(Duration.ofSeconds(30));
    sync.b("bob").edit("PB-1", "priority", "Low");

    early.forEach(m -> assertTrue(sync.engine().receiver("PB").receive(m)));
    sync.apply("PB");

    assertEquals(0, sync.stores().messages().incomingCount("PB"), "nothing waits as a gap");
    sync.runUntilQuiet();
    assertEquals("Low", sync.b().value("PB-1", "priority").asText(), "bob's edit on B");
    assertEquals("Low", sync.a().value("PA-1", "priority").asText(), "bob's edit on A");
    assertPairedAsBefore(sync, 1);
  }

  /**
   * Seed 502471 of the sweep with every operator act and webhooks. Bob's PB-1 made PA-1, and A's
   * pairing has not reached B when bob edits PB-1 and an operator deletes A's row. Bob's create is
   * delivered again: A finds PA-1 by its marker and makes its row again, which says it saw none
   * of B's messages (B is to send PB-1 whole) and then applies the create. Alice edits PA-1, and
   * that change reaches B before the new row's first messages. B took it as the new row's first
   * word; it says one of B's messages was applied, so B sent nothing whole, and bob's next edit
   * waited on A for good for the edit the deleted row had applied.
   */
  @Test
  void aRowMadeAgainWhoseLaterMessageArrivesFirstStillGetsThePartnersIssueWhole() {
    SyncTestDriver sync = SyncTestDriver.builder().engine(e -> e.taskExecutor(tasks)).build();
    sync.b("bob").create("Printer on fire");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // made PA-1; A's pairing stays in its outbox for now
    SyncMessage create = sync.events().events(RecordingListener.Type.SENT).get(0).message();
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA");
    deleteRow(sync, "PA", "PA-1");
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.poll("PB"); // on its way to A

    assertTrue(sync.engine().receiver("PA").receive(create), "the create delivered again");
    sync.apply("PA");
    assertEquals(1, sync.syncInfoA().size(), "A made its row again");
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").edit("PA-1", "assignee", "alice");
    sync.poll("PA");
    SyncMessage edit = sync.events().events(RecordingListener.Type.QUEUED).stream()
        .map(RecordingListener.Event::message)
        .filter(m -> m.fromConnector().equals("PA") && m.fields().containsKey(SyncTestDriver.ASSIGNEE)
            && m.kind() == MessageKind.CHANGE)
        .reduce((first, last) -> last).orElseThrow();
    assertTrue(sync.engine().receiver("PB").receive(edit), "alice's edit, before A's others");
    sync.apply("PB");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2)); // past the gap timeout
    sync.runUntilQuiet();

    assertTrue(sync.engine().failedMessages("PA").isEmpty(),
        () -> "nothing waits on PA: " + sync.engine().failedMessages("PA"));
    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "nothing waits on PB");
    assertEquals("High", sync.a().value("PA-1", "priority").asText(), "bob's last edit on A");
    assertEquals("Printer on fire, second floor", summary(sync.a(), "PA-1"));
    assertEquals("Printer on fire, second floor", summary(sync.b(), "PB-1"));
    assertEquals("alice", sync.b().value("PB-1", "assignee").asText(), "alice's edit on B");
    assertPairedAsBefore(sync, 1);
  }

  /** An operator moves to a new store: exports both connectors' rows and imports them there. */
  private static void moveStoreByExportAndImport(SyncTestDriver sync) {
    List<SyncInfo> rowsA = sync.syncInfoA();
    List<SyncInfo> rowsB = sync.syncInfoB();
    sync.restartOn(new InMemoryStores());
    assertEquals(rowsA.size(),
        sync.engine().importSyncInformation("PA", exported(rowsA)).imported());
    assertEquals(rowsB.size(),
        sync.engine().importSyncInformation("PB", exported(rowsB)).imported());
  }

  /** Rows as an export gives them, to import. */
  private static List<SyncInfoImport> exported(List<SyncInfo> rows) {
    return rows.stream().map(r -> new SyncInfoImport(r.localIssueKey(), r.remoteIssueKey(),
        r.firstSyncDate(), r.lastOutgoingChange(), r.lastChangeSeen(),
        r.outgoingMessageSequenceId(), r.lastIncomingChange(), r.incomingMessageSequenceId(),
        r.incomingChangesIgnored())).toList();
  }

  @Test
  void aRowDeletedOnOneSideGetsTheOthersContentWithoutCopies() {
    SyncTestDriver sync = syncedWithContent();
    deleteRow(sync, "PA", "PA-1");
    sync.b("bob").addComment("PB-1", "fixed it");

    sync.runUntilQuiet();

    assertEquals(List.of("toner is low", "paper jam", "fixed it"), bodies(sync.a(), "PA-1"));
    assertEquals(1, sync.a().attachments("PA-1").size(), "linked again, not copied again");
    assertPairedAsBefore(sync, 1);
  }

  /**
   * B's clock is ahead. PB-1 holds A's values as the sync user wrote them when it created PB-1;
   * once both rows are lost, B sends PB-1 whole. Those values are A's, not a person's change on B:
   * weighed with the time B wrote them (later than anything on A, by B's clock) they won over
   * alice's edit made meanwhile, and her change was lost on both sides.
   */
  @Test
  void aValueTheSyncUserWroteDoesNotWinOverAnEditMadeWhileTheRowsWereLost() {
    SyncTestDriver sync = SyncTestDriver.builder().skewB(Duration.ofMinutes(5))
        .engine(e -> e.taskExecutor(tasks)).build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    deleteRow(sync, "PA", "PA-1");
    deleteRow(sync, "PB", "PB-1");

    sync.a("alice").edit("PA-1", "priority", "High");
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    sync.runUntilQuiet();

    assertEquals("High", sync.b().value("PB-1", "priority").asText(), "alice's edit on B");
    assertEquals("High", sync.a().value("PA-1", "priority").asText(), "alice's edit kept on A");
    assertEquals("Printer on fire, third floor", summary(sync.a(), "PA-1"), "bob's edit on A");
    assertPairedAsBefore(sync, 1);
  }

  /**
   * An issue older than the poll's search and without a row is weighed by its whole changelog
   * when it is sent; on a connector nothing flows out of, it is never sent, and each poll that
   * found it edited read that changelog for nothing.
   */
  @Test
  void anIssueThatGoesNowhereCostsNoChangelogReadWhenEdited() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.A_TO_B))
        .engine(e -> e.taskExecutor(tasks)).build();
    sync.b("bob").create("Stapler missing");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(1));
    sync.b("bob").create("Printer on fire"); // the search starts after PB-1 was made from now on
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(1));
    sync.b().clearCalls();

    sync.b("bob").edit("PB-1", "summary", "Stapler found");
    sync.runUntilQuiet();

    assertEquals(List.of(), sync.b().calls("changelog"), "no changelog read on B");
    assertTrue(sync.syncInfoB().isEmpty(), "nothing sent, no row");
  }

  private static void deleteRow(SyncTestDriver sync, String connector, String localKey) {
    List<SyncInfo> rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    SyncInfo row = rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow();
    assertTrue(sync.engine().deleteSyncInformation(connector, row.id()));
  }
}
