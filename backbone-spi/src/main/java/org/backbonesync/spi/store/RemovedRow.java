package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * A partner row a connector no longer talks with (a "tombstone"): the partner row a row of ours
 * talked with, removed because a Jira site restored from a backup gave the row's issue key to
 * another issue, with the last of that partner row's messages it applied; or a partner row that
 * a newer row of the partner superseded before any row of ours talked with it (none applied).
 * A later message of that partner row that finds no row of ours is told apart by it from a new
 * issue's change whose create is late: nothing is left to apply it to, and it is dropped instead
 * of waiting for good for a sequence id that never comes.
 *
 * @param connectorKey the connector that no longer talks with the partner row
 * @param remoteIssueKey the partner row's issue (the removed row was paired with it)
 * @param partnerEpoch the epoch of the partner row (never 0)
 * @param incomingSequenceId the last sequence id of that partner row it applied (0: none)
 * @since 0.1.0
 */
public record RemovedRow(String connectorKey, String remoteIssueKey, long partnerEpoch,
    long incomingSequenceId) {

  /** How many removed rows a store keeps of one connector at least, the newest. */
  public static final int KEPT_PER_CONNECTOR = 1000;

  /** Refuses a null key or partner epoch 0, naming the field. */
  public RemovedRow {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(remoteIssueKey, "remoteIssueKey");
    if (partnerEpoch == 0) {
      throw new IllegalArgumentException("partnerEpoch must not be 0 (a removed row that talked"
          + " with no partner row keeps nothing): remoteIssueKey " + remoteIssueKey);
    }
  }
}
