package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The engine's typed methods, as a host calls them directly with whatever it holds: a null or a
 * bad value is an {@link IllegalArgumentException} naming the parameter, in the words {@link
 * SyncAdmin} answers a 400 with, not a bare NullPointerException from deep inside.
 */
class SyncEngineHostileInputTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final SyncEngine engine = sync.engine();

  @BeforeEach
  void givenOneSyncedIssue() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
  }

  private static void refused(String message, Executable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void aMissingRequestOrRowsIsRefusedNamingIt() {
    refused("request is required, was null", () -> engine.resync("PA", null, null));
    refused("rows is required, was null", () -> engine.importSyncInformation("PA", null));
    refused("rows is required, was null", () -> engine.checkSyncInformation("PA", null));

    assertEquals(1, sync.syncInfoA().size(), "nothing imported");
  }

  @Test
  void aNullConnectorKeyIsNamed() {
    refused("connectorKey is required, was null", () -> engine.trace(null, "PA-1"));
    refused("connectorKey is required, was null", () -> engine.poll(null));
  }

  @Test
  void aNullMessageIsRefusedByTheReceiverNamingIt() {
    refused("message is required, was null", () -> engine.receiver("PA").receive(null));
    refused("messages is required, was null", () -> engine.receiver("PA").receiveAll(null));
    refused("messages[0] is null, not a message",
        () -> engine.receiver("PA").receiveAll(Arrays.asList((org.backbonesync.spi.message
            .SyncMessage) null)));
  }
}
