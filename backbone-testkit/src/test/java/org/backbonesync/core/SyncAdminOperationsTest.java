package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The operator's admin operations at the handler and typed API: status, failed messages (per
 * operation authorization), the sync information round trip and its filtered read.
 */
class SyncAdminOperationsTest {
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryStores memory = new InMemoryStores();
  private final AtomicInteger tableReads = new AtomicInteger();
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low"))
      .stores(counting(memory)).build();
  private final SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
      .authorizer((caller, operation, connector) -> "admin".equals(caller)).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(admin);

  /** The stores, counting the reads of a whole sync information table. */
  private Stores counting(InMemoryStores stores) {
    return HookedSyncInfo.before(stores, "list", tableReads::incrementAndGet);
  }


  private JsonNode call(String caller, String method, String path, String body) throws Exception {
    AdminResponse response = handler.handle(new AdminRequest(method, path, Map.of(), body,
        caller));
    assertEquals(200, response.status(), response.body());
    return json.readTree(response.body());
  }

  private void givenTwoSyncedIssues() {
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
  }

  @Test
  void anEngineGivenTwiceOrAConnectorKeyOfTwoEnginesIsRefused() {
    // helper-102: both were taken, and the second engine's rows could not be reached
    SyncTestDriver other = SyncTestDriver.builder().synchronizationId("other").build();
    SyncAdmin.Builder builder = SyncAdmin.builder().engine(sync.engine());

    assertEquals("engine of synchronization \"sync-pa-pb\" was given twice",
        assertThrows(IllegalArgumentException.class, () -> builder.engine(sync.engine()))
            .getMessage());
    assertEquals("connector key \"PA\" of synchronization \"other\" is a local connector of"
        + " synchronization \"sync-pa-pb\" already: connector keys must be unique across the"
        + " engines of one admin",
        assertThrows(IllegalArgumentException.class, () -> builder.engine(other.engine()))
            .getMessage());
  }

  @Test
  void anotherSynchronizationUnderTheSameIdIsRefused() {
    // helper-129: taken, and GET /synchronizations/sync-pa-pb showed the first one only
    SyncTestDriver other = SyncTestDriver.builder()
        .connectorA(c -> ConnectorConfig.of("PC", "PA", "sync-a"))
        .connectorB(c -> ConnectorConfig.of("PD", "PB", "sync-b")).build();
    SyncAdmin.Builder builder = SyncAdmin.builder().engine(sync.engine());

    assertEquals("synchronization id \"sync-pa-pb\" is that of an engine given before, with"
        + " another configuration: the admin finds a synchronization by its id, so one of the"
        + " two could not be read; give each synchronization its own id",
        assertThrows(IllegalArgumentException.class, () -> builder.engine(other.engine()))
            .getMessage());
  }

  /**
   * The engines of one synchronization's two connectors, one configured in Java with a setting
   * given as a {@code long} and one from JSON (where 10 reads as an int): one synchronization,
   * taken. Before, the settings' node types differed (a LongNode and an IntNode), so the admin
   * refused the second engine as another synchronization under the same id.
   */
  @Test
  void aSettingGivenAsALongInJavaIsTheSameAsItsJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    SyncConfiguration inJava = withFiles(sync.configuration(),
        json.createObjectNode().put("maxSize", 10L));
    SyncConfiguration fromJson = withFiles(sync.configuration(),
        json.readTree("{\"maxSize\": 10}"));
    SyncAdmin both = SyncAdmin.builder().engine(engineOf(inJava, "PA", "sync-a"))
        .engine(engineOf(fromJson, "PB", "sync-b"))
        .authorizer(AdminAuthorizer.allowAll()).build();

    assertEquals(List.of(fromJson), both.synchronizations("admin"));
    assertEquals(fromJson, inJava);
  }

  /** An engine of one connector of the synchronization, on its own in-memory tracker and store. */
  private static SyncEngine engineOf(SyncConfiguration configuration, String key,
      String syncUser) {
    return SyncEngine.builder().configuration(configuration)
        .tracker(key, InMemoryIssueTracker.builder(key).syncUser(syncUser).build())
        .transport(key, new InMemoryTransport()).stores(new InMemoryStores()).build();
  }

  private static SyncConfiguration withFiles(SyncConfiguration base,
      JsonNode settings) {
    SyncConfiguration.Builder copy = SyncConfiguration.builder(base.id())
        .connectorA(base.connectorA()).connectorB(base.connectorB());
    base.fieldMappings().forEach(copy::fieldMapping);
    return copy.fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH,
        "attachment", "attachment", settings)).build();
  }

  @Test
  void theEnginesOfOneSynchronizationsTwoConnectorsShowItOnce() {
    SyncConfiguration configuration = sync.configuration();
    SyncAdmin both = SyncAdmin.builder().engine(engineOf(configuration, "PA", "sync-a"))
        .engine(engineOf(configuration, "PB", "sync-b"))
        .authorizer(AdminAuthorizer.allowAll()).build();

    assertEquals(List.of(configuration), both.synchronizations("admin"));
  }

  @Test
  void aFilteredSyncInformationReadReadsTheOneRowNotTheTable() {
    givenTwoSyncedIssues();
    tableReads.set(0);

    List<String> byLocal = admin.syncInformation("admin", "PA", "PA-2", null).stream()
        .map(r -> r.remoteIssueKey()).toList();
    List<String> byRemote = admin.syncInformation("admin", "PA", null, "PB-1").stream()
        .map(r -> r.localIssueKey()).toList();
    List<String> both = admin.syncInformation("admin", "PA", "PA-2", "PB-1").stream()
        .map(r -> r.localIssueKey()).toList();

    assertEquals(List.of("PB-2"), byLocal);
    assertEquals(List.of("PA-1"), byRemote);
    assertEquals(List.of(), both, "both keys must match");
    assertEquals(List.of(), admin.syncInformation("admin", "PA", "PA-9", null));
    assertEquals(0, tableReads.get());
    assertEquals(2, admin.syncInformation("admin", "PA", null, null).size());
    assertEquals(1, tableReads.get(), "only the unfiltered read lists the table");
  }

  @Test
  void anImportRefusesAnotherConnectorsRowsAndAnIdThatIsNoNumber() throws Exception {
    givenTwoSyncedIssues();
    sync.a("alice").create("By hand");
    sync.b("bob").create("By hand");

    AdminResponse refused = handler.handle(new AdminRequest("POST",
        "/connectors/PA/syncInformation", Map.of(), """
            [{"id": "seven", "connectorKey": "PB", "localIssueKey": "PA-3",
              "remoteIssueKey": "PB-3"}]""", "admin"));
    JsonNode accepted = call("admin", "POST", "/connectors/PA/syncInformation", """
        [{"id": 41, "connectorKey": "PA", "localIssueKey": "PA-3", "remoteIssueKey": "PB-3"}]""");

    assertEquals(400, refused.status());
    List<String> paths = json.readTree(refused.body()).findValuesAsText("path");
    assertEquals(List.of("$[0].id", "$[0].connectorKey"), paths, refused.body());
    assertEquals(1, accepted.get("imported").asInt());
    assertTrue(sync.syncInfoA().stream().noneMatch(r -> r.id() == 41), "the id is the store's");
  }

  @Test
  void theStatusCountsTheQueuesAndNamesTheHoldersOfLeases() throws Exception {
    givenTwoSyncedIssues();
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();
    long now = sync.clock().millis();
    memory.leases().tryLease("inbox:PB", "PA-7", "node-2", now, now + 60_000);
    memory.leases().tryLease("poll", "PB", "node-3", now, now + 30_000);
    memory.leases().tryLease("poll", "PA", "node-3", now, now + 30_000);

    JsonNode status = call("admin", "GET", "/connectors/PB/status", null);
    ConnectorStatus typed = admin.status("admin", "PB");

    assertEquals(1, status.get("inbox").get("failed").asInt());
    assertEquals(1, status.get("inbox").get("count").asInt());
    assertEquals(0, status.get("outbox").get("count").asInt());
    assertTrue(status.get("outbox").get("oldestAddedAt").isNull());
    assertEquals(sync.stores().watermarks().watermark("PB").getAsLong(),
        status.get("watermark").asLong());
    assertEquals(List.of(new Lease("poll", "PB", "node-3", now + 30_000),
        new Lease("inbox:PB", "PA-7", "node-2", now + 60_000)), typed.leases());
    assertEquals("node-2", status.get("leases").get(1).get("node").asText());
    assertEquals(1, typed.failedCount());
    assertEquals(typed.lastPoll().at(), status.get("lastPoll").get("at").asLong());
    assertNull(SyncTestDriver.builder().build().engine().status("PB").lastPoll(),
        "no poll yet on a new engine");
  }

  @Test
  void eachOperationIsAuthorizedOnItsOwn() {
    givenTwoSyncedIssues();
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();
    String id = admin.failedMessages("admin", "PB").get(0).message().messageId();

    for (String caller : new String[] {null, "mallory"}) {
      assertEquals(403, assertThrows(AdminException.class,
          () -> admin.failedMessages(caller, "PB")).status());
      assertEquals(403, assertThrows(AdminException.class,
          () -> admin.retryFailedMessage(caller, "PB", id)).status());
      assertEquals(403, assertThrows(AdminException.class,
          () -> admin.skipFailedMessage(caller, "PB", id)).status());
      assertEquals(403, assertThrows(AdminException.class,
          () -> admin.status(caller, "PB")).status());
    }
    assertEquals(404, assertThrows(AdminException.class,
        () -> admin.retryFailedMessage("admin", "PB", "nope")).status());
    assertEquals(404, assertThrows(AdminException.class,
        () -> admin.status("admin", "PX")).status());
    assertEquals(1, admin.failedMessages("admin", "PB").size(), "nothing was done");
  }

  @Test
  void eachChangeAnAdminMakesIsLoggedWithItsCallerOnceMade() {
    givenTwoSyncedIssues();
    long first = sync.syncInfoA().get(0).id();
    SyncAdmin open = SyncAdmin.builder().engine(sync.engine())
        .authorizer((caller, operation, connector) -> true).build();

    String[] anonymousTask = new String[1];
    String logged = Stderr.of(() -> {
      admin.resync("admin", "PA", ResyncRequest.all());
      assertThrows(AdminException.class, () -> admin.deleteAllSyncInformation("mallory", "PB"));
      admin.setIncomingChangesIgnored("admin", "PA", first, true);
      assertThrows(AdminException.class,
          () -> admin.deleteSyncInformation("admin", "PA", 999_999));
      anonymousTask[0] = open.resync(null, "PB", ResyncRequest.all()).id();
      admin.deleteAllSyncInformation("admin", "PB");
    });

    assertTrue(logged.matches("(?s).*admin \"admin\": started resync task \\d+ \\(connector"
        + " \"PA\"\\).*"), logged);
    assertTrue(logged.contains("admin \"admin\": set incomingChangesIgnored to true on sync"
        + " information " + first + " (connector \"PA\")"), logged);
    assertTrue(logged.contains("admin \"admin\": deleted all 2 sync information rows"
        + " (connector \"PB\")"), logged);
    assertTrue(logged.contains("admin (anonymous): started resync task "), logged);
    String secret = anonymousTask[0].substring(anonymousTask[0].indexOf('.') + 1);
    assertTrue(secret.length() >= 32, anonymousTask[0]);
    assertFalse(logged.contains(secret), "a task's unguessable part is never logged");
    assertFalse(logged.contains("mallory"), "a refused change is no change");
    assertFalse(logged.contains("999999"), "nor one that found nothing");
  }

  /**
   * Found by a trial: {@code DELETE /admin/async-tasks/2} on a finished task answered {@code
   * "cancelled":false}, and the log said {@code admin "operator": cancelled task 2}.
   */
  @Test
  void cancellingAFinishedTaskLogsNoCancel() {
    givenTwoSyncedIssues();
    String id = admin.resync("admin", "PA", ResyncRequest.all()).id(); // (run on this thread)

    AsyncTask[] answer = new AsyncTask[1];
    String logged = Stderr.of(() -> answer[0] = admin.cancelTask("admin", id));

    assertTrue(answer[0].finished(), answer[0].toString());
    assertFalse(answer[0].cancelled(), answer[0].toString());
    assertFalse(logged.contains("cancelled task"), logged);
  }
}
