package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A host stopping or restarting its engine while admins still call: every call on the closed
 * engine is a 503 an admin's script may retry, not a 500 with a stack trace in the log, whether
 * the engine was closed before the call or during it.
 */
class SyncAdminAfterCloseTest {
  private static final String CLOSED = "the engine of synchronization \"sync-pa-pb\" is closed"
      + " (its host is stopping or restarting it); try again later";
  private final InMemoryStores memory = new InMemoryStores();
  /** Set to close the engine in the middle of a filtered read, as a host's SIGTERM would. */
  private boolean closeDuringRead;
  private final SyncTestDriver sync = SyncTestDriver.builder().stores(closingDuringRead())
      .build();
  private final SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
      .authorizer(AdminAuthorizer.allowAll()).build();
  private final SyncAdminHandler handler = new SyncAdminHandler(admin);

  /** The stores, whose filtered read closes the engine and then fails as closed stores do. */
  private Stores closingDuringRead() {
    return HookedSyncInfo.before(memory, "findByLocalKey", () -> {
      if (closeDuringRead) {
        sync.engine().close();
        throw new IllegalStateException("the stores are closed");
      }
    });
  }


  private static void unavailable(Executable call) {
    AdminException e = assertThrows(AdminException.class, call);
    assertEquals(503, e.status(), e.getMessage());
    assertEquals(CLOSED, e.getMessage());
  }

  @Test
  void everyCallOnAClosedEngineIsRetriable() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    AsyncTask task = admin.resync("op", "PA", ResyncRequest.all());

    sync.engine().close();

    unavailable(() -> admin.status("op", "PA"));
    unavailable(() -> admin.syncInformation("op", "PA", "PA-1", null));
    unavailable(() -> admin.retryFailedMessage("op", "PA", "PA:PA-1:1:1"));
    unavailable(() -> admin.skipUndeliverable("op", "PA", "PA:PA-1:1:1"));
    unavailable(() -> admin.resync("op", "PA", ResyncRequest.all()));
    unavailable(() -> admin.importSyncInformation("op", "PA", List.of()));
    unavailable(() -> admin.deleteSyncInformation("op", "PA", 1));
    unavailable(() -> admin.trace("op", "PA", "PA-1"));
    unavailable(() -> admin.task("op", task.id()));
    unavailable(() -> admin.cancelTask("op", task.id()));
    assertEquals(1, admin.synchronizations("op").size(), "the configuration is still known");
  }

  @Test
  void anEngineClosedDuringTheCallIsRetriableToo() {
    closeDuringRead = true;

    unavailable(() -> admin.syncInformation("op", "PA", "PA-1", null));
  }

  @Test
  void theHandlerAnswers503AndLogsNoWarning() throws Exception {
    sync.engine().close();
    List<AdminResponse> responses = new ArrayList<>();

    String log = Stderr.of(() -> {
      responses.add(handler.handle(new AdminRequest("GET", "/connectors/PA/status", Map.of(),
          null, "op")));
      responses.add(handler.handle(new AdminRequest("POST",
          "/connectors/PA/failedMessages/PA:PA-1:1:1/retry", Map.of(), null, "op")));
    });

    for (AdminResponse response : responses) {
      assertEquals(503, response.status(), response.body());
      assertEquals(CLOSED, new ObjectMapper().readTree(response.body()).get("error").asText());
    }
    assertEquals("", log, "a closed engine is no incident");
  }
}
