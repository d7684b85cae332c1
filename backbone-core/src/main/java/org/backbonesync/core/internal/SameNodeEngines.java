package org.backbonesync.core.internal;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.backbonesync.core.EngineState;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines of this process by their stores, synchronization and node name, so that a second
 * engine built under the name of one not closed, on the same stores, is warned about: nodes hold
 * their claims and leases by name, so two engines of one name share them and neither excludes the
 * other (both poll a connector, both apply an issue's messages: issues created twice). A host
 * that builds its engine twice (a dependency-injection scope, say) meets it with the default name
 * {@code node-1}. Warned, not refused: a test or a host may leave an engine unclosed on purpose
 * (a crash, played), and this cannot tell that from a second one working. Engines of other
 * processes on the same database are not seen here: each node's own name is the host's to give
 * ({@code SyncEngine.Builder.node}).
 */
final class SameNodeEngines {
  private static final Logger log = LoggerFactory.getLogger(SameNodeEngines.class);
  /** By stores (weakly: stores dropped are forgotten), then synchronization and node name. */
  private static final Map<Stores, Map<String, WeakReference<SyncEngine>>> BUILT =
      new WeakHashMap<>();

  private SameNodeEngines() {}

  /** Records an engine just built; warns when another of its name runs on its stores. */
  static void built(Stores stores, String syncId, String node, SyncEngine engine) {
    SyncEngine other;
    synchronized (BUILT) {
      Map<String, WeakReference<SyncEngine>> engines =
          BUILT.computeIfAbsent(stores, s -> new HashMap<>());
      WeakReference<SyncEngine> before = engines.put(key(syncId, node),
          new WeakReference<>(engine));
      other = before == null ? null : before.get();
    }
    if (other != null && other.state() != EngineState.CLOSED) {
      log.warn("a second engine of synchronization {} was built as node {} on the stores of one"
          + " not closed: they share its claims and leases, so neither keeps the other from a"
          + " connector's poll or an issue's messages (issues can be created twice). Close the"
          + " first, or give each engine its own name (SyncEngine.Builder.node)",
          Shown.quoted(syncId), Shown.quoted(node));
    }
  }

  /** Forgets a closed engine (unless another of its name was built since). */
  static void closed(Stores stores, String syncId, String node, SyncEngine engine) {
    synchronized (BUILT) {
      Map<String, WeakReference<SyncEngine>> engines = BUILT.get(stores);
      if (engines != null) {
        WeakReference<SyncEngine> kept = engines.get(key(syncId, node));
        if (kept != null && kept.get() == engine) {
          engines.remove(key(syncId, node));
        }
      }
    }
  }

  private static String key(String syncId, String node) {
    return syncId + '\n' + node;
  }
}
