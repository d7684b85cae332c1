package org.backbonesync.core;

import java.util.List;
import org.backbonesync.spi.store.Lease;

/**
 * Where a local connector's queues stand, as {@link SyncEngine#status} reads them from the stores
 * (and, for the last poll, from this engine's memory).
 *
 * @param connectorKey the connector
 * @param at when it was read, epoch millis
 * @param outboxCount messages sent and not yet acknowledged by the partner
 * @param oldestOutgoingAt when the longest-waiting outbox message was added, or null when none
 * @param inboxCount messages received and not yet applied (failed ones included)
 * @param oldestIncomingAt when the longest-waiting inbox message was received, or null when none
 * @param failedCount inbox messages that failed permanently and wait for a retry or skip
 * @param watermark the change detection watermark, epoch millis, or null before the first poll
 * @param lastPoll the last poll this engine ran for the connector, or null when none since it
 *     was built (another node may have polled)
 * @param leases the unexpired leases of the connector's work (poll, deliver, and up to {@link
 *     SyncEngine#MAX_STATUS_LEASES} of its inbox's issue pairs), or null when the lease store
 *     cannot list them
 */
public record ConnectorStatus(String connectorKey, long at, int outboxCount, Long oldestOutgoingAt,
    int inboxCount, Long oldestIncomingAt, int failedCount, Long watermark, LastPoll lastPoll,
    List<Lease> leases) {

  public ConnectorStatus {
    leases = leases == null ? null : List.copyOf(leases);
  }

  /**
   * One poll's outcome.
   *
   * @param at when it finished, epoch millis
   * @param issuesFound issues the change search returned
   * @param messagesQueued messages it put in the outbox (or handed to a local partner's inbox)
   */
  public record LastPoll(long at, int issuesFound, int messagesQueued) {}
}
