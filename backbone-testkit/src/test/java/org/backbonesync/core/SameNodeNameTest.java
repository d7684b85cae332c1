package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A host that builds its engine twice on one store (a dependency-injection scope, say) with the
 * default node name gets two engines that share their claims and leases, and so create issues
 * twice: the second engine's build warns, naming the synchronization, the node and the remedy.
 * Engines with their own names, or built after the other was closed, are not warned about.
 */
class SameNodeNameTest {
  private static final String WARNING = "a second engine of synchronization";

  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  private SyncEngine another(String node) {
    SyncEngine.Builder builder = SyncEngine.builder().configuration(sync.configuration())
        .tracker(sync.keyA(), sync.a()).tracker(sync.keyB(), sync.b())
        .transport(sync.keyA(), sync.transportAtoB()).transport(sync.keyB(), sync.transportBtoA())
        .stores(sync.stores()).clock(sync.clock());
    return (node == null ? builder : builder.node(node, Duration.ofMinutes(1))).build();
  }

  @Test
  void aSecondEngineOfTheDefaultNameOnTheSameStoresIsWarnedAbout() {
    String logged = Stderr.of(() -> another(null));

    assertTrue(logged.contains(WARNING + " \"" + sync.configuration().id()
        + "\" was built as node \"node-1\""), logged);
    assertTrue(logged.contains("give each engine its own name (SyncEngine.Builder.node)"),
        logged);
  }

  @Test
  void enginesOfTheirOwnNamesOrAfterACloseAreNot() {
    assertFalse(Stderr.of(() -> another("node-2")).contains(WARNING));
    assertFalse(Stderr.of(() -> another("node-3")).contains(WARNING));

    sync.engine().close();
    assertFalse(Stderr.of(() -> another(null)).contains(WARNING), "the first one is closed");
  }
}
