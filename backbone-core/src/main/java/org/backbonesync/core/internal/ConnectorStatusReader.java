package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.core.ConnectorStatus;
import org.backbonesync.core.PollResult;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.Stores;

/**
 * Where a connector's queues stand: counts and minimums read from the stores (never the messages
 * themselves), the leases of its work, and this engine's last poll of it, which it remembers.
 */
final class ConnectorStatusReader {
  private final Stores stores;
  private final Clock clock;
  /** Each local connector's last poll on this engine. */
  private final Map<String, ConnectorStatus.LastPoll> lastPolls = new ConcurrentHashMap<>();

  ConnectorStatusReader(Stores stores, Clock clock) {
    this.stores = stores;
    this.clock = clock;
  }

  /** Remembers a poll's outcome, as of now. */
  void polled(String connectorKey, PollResult result) {
    lastPolls.put(connectorKey, new ConnectorStatus.LastPoll(clock.millis(),
        result.issuesFound(), result.messagesQueued()));
  }

  ConnectorStatus status(String connectorKey) {
    long now = clock.millis();
    var messages = stores.messages();
    return new ConnectorStatus(connectorKey, now, messages.outgoingCount(connectorKey),
        boxed(messages.oldestOutgoing(connectorKey)), messages.incomingCount(connectorKey),
        boxed(messages.oldestIncoming(connectorKey)), messages.failedIncomingCount(connectorKey),
        boxed(stores.watermarks().watermark(connectorKey)), lastPolls.get(connectorKey),
        leases(connectorKey, now));
  }

  /** The leases of a connector's work, or null when the lease store cannot list them. */
  private List<Lease> leases(String connectorKey, long now) {
    List<Lease> found = new ArrayList<>();
    for (LeaseScope scope : List.of(LeaseScope.POLL, LeaseScope.DELIVER)) {
      // one key per connector of every synchronization sharing the stores
      var all = stores.leases().leases(scope.name(), now, 10_000);
      if (all.isEmpty()) {
        return null;
      }
      all.get().stream().filter(l -> l.key().equals(connectorKey)).forEach(found::add);
    }
    var pairs = stores.leases().leases(LeaseScope.inbox(connectorKey).name(), now,
        SyncEngine.MAX_STATUS_LEASES);
    if (pairs.isEmpty()) {
      return null;
    }
    found.addAll(pairs.get());
    return found;
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }
}
