package org.backbonesync.core;

import java.util.List;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.TraceEntry;

/**
 * What a connector did with one issue pair's messages, to answer "why did PA-7 not reach the
 * other side": the pair's sync information, the last outcomes of its messages both ways (kept
 * bounded by the stores; see {@link SyncEngine.Builder#traceLength}) and what is still queued.
 *
 * @param connectorKey the connector
 * @param issueKey the key asked for: the connector's own issue, or the partner's issue when the
 *     connector has no issue of that key (so that a create that failed can be traced by the key
 *     it came from)
 * @param syncInformation the pair's row, or null when there is none
 * @param history the outcomes of the pair's messages, oldest first: those the connector sent
 *     (under its issue) and those it received (under the partner's); empty when the stores keep
 *     no trace
 * @param queuedOutgoing messages of the issue still in the outbox, among those the history names
 * @param queuedIncoming messages from the partner's issue still in the inbox, failed ones included,
 *     the first {@link #MAX_QUEUED_LISTED} by sequence id
 * @param queuedIncomingCount how many there are in all
 */
public record IssueTrace(
    String connectorKey,
    String issueKey,
    SyncInfo syncInformation,
    List<TraceEntry> history,
    List<OutboxEntry> queuedOutgoing,
    List<InboxEntry> queuedIncoming,
    int queuedIncomingCount) {

  /** The most queued incoming messages a trace lists (a gap can hold back thousands). */
  public static final int MAX_QUEUED_LISTED = 100;

  public IssueTrace {
    history = List.copyOf(history);
    queuedOutgoing = List.copyOf(queuedOutgoing);
    queuedIncoming = List.copyOf(queuedIncoming);
  }
}
