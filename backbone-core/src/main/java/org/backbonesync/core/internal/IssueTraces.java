package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.core.IssueTrace;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;

/** Reads one issue pair's trace: its row, its kept outcomes both ways, its queued messages. */
final class IssueTraces {
  /** Between the two lists only. */
  private static final Comparator<TraceEntry> BY_TIME =
      Comparator.comparingLong(TraceEntry::at).thenComparingLong(TraceEntry::id);

  private final Stores stores;
  private final int keep;

  IssueTraces(Stores stores, int keep) {
    this.stores = stores;
    this.keep = keep;
  }

  IssueTrace trace(String connectorKey, String issueKey) {
    Optional<SyncInfo> row = stores.syncInfo().findByLocalKey(connectorKey, issueKey);
    String local = issueKey;
    String remote = row.map(SyncInfo::remoteIssueKey).orElse(null);
    if (row.isEmpty()) {
      row = stores.syncInfo().findByRemoteKey(connectorKey, issueKey);
      // without a row, the key may be either side's: both are read
      local = row.map(SyncInfo::localIssueKey).orElse(issueKey);
      remote = issueKey;
    }
    List<TraceEntry> history = List.of();
    if (keep > 0) {
      history = merged(stores.trace().list(connectorKey, Direction.OUT, local, keep),
          remote == null ? List.of()
              : stores.trace().list(connectorKey, Direction.IN, remote, keep));
    }
    List<InboxEntry> incoming = remote == null ? List.of()
        : stores.messages().incomingFor(connectorKey, remote);
    return new IssueTrace(connectorKey, issueKey, row.orElse(null), history,
        queuedOutgoing(connectorKey, history),
        incoming.subList(0, Math.min(incoming.size(), IssueTrace.MAX_QUEUED_LISTED)),
        incoming.size());
  }

  /**
   * The two lists, each in its store order (its issue's events' order, whatever two nodes'
   * clocks or a clock set back say), interleaved by time: a step a write held back has a later
   * id than the other list's entries that came after it.
   */
  private static List<TraceEntry> merged(List<TraceEntry> out, List<TraceEntry> in) {
    List<TraceEntry> merged = new ArrayList<>(out.size() + in.size());
    int o = 0;
    int i = 0;
    while (o < out.size() || i < in.size()) {
      if (i == in.size() || o < out.size() && BY_TIME.compare(out.get(o), in.get(i)) <= 0) {
        merged.add(out.get(o++));
      } else {
        merged.add(in.get(i++));
      }
    }
    return merged;
  }

  /** The messages the history shows queued and not sent, as the outbox still holds them. */
  private List<OutboxEntry> queuedOutgoing(String connectorKey, List<TraceEntry> history) {
    Set<String> queued = new LinkedHashSet<>();
    Set<String> sent = new HashSet<>();
    for (TraceEntry e : history) {
      if (e.direction() == Direction.OUT && e.messageId() != null) {
        (e.outcome() == Outcome.SENT ? sent : queued).add(e.messageId());
      }
    }
    queued.removeAll(sent);
    List<OutboxEntry> found = new ArrayList<>();
    for (String id : queued) {
      stores.messages().outgoing(connectorKey, id).ifPresent(found::add);
    }
    return found;
  }
}
