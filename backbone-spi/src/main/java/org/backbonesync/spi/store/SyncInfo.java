package org.backbonesync.spi.store;

import java.util.Objects;

/**
 * One connector's record of an issue pair: which local issue belongs to which remote issue, and
 * the bookkeeping of what was sent and received. The JSON form (through Jackson) has exactly these
 * property names, as in the original product's REST API. Times are epoch millis; 0 means "never".
 *
 * @param id the store's id, from 1; 0 for a row not yet inserted
 * @param connectorKey the connector this row belongs to
 * @param localIssueKey the issue in this connector's project
 * @param remoteIssueKey the partner issue, or null until the partner reports it
 * @param firstSyncDate when the pair was first synced
 * @param lastOutgoingChange when the last change was sent
 * @param lastChangeSeen the time of the newest local change the outgoing queue has examined
 * @param outgoingMessageSequenceId the sequence id of the last message sent (0: none)
 * @param lastIncomingChange when the last change was received and applied
 * @param incomingMessageSequenceId the sequence id of the last message applied (0: none)
 * @param incomingChangesIgnored whether incoming changes are discarded (e.g. a deleted issue)
 */
public record SyncInfo(
    long id,
    String connectorKey,
    String localIssueKey,
    String remoteIssueKey,
    long firstSyncDate,
    long lastOutgoingChange,
    long lastChangeSeen,
    long outgoingMessageSequenceId,
    long lastIncomingChange,
    long incomingMessageSequenceId,
    boolean incomingChangesIgnored) {

  public SyncInfo {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(localIssueKey, "localIssueKey");
  }

  /** A new row for a pair first synced at {@code now}, with nothing sent or received yet. */
  public static SyncInfo newPair(
      String connectorKey, String localIssueKey, String remoteIssueKey, long now) {
    return new SyncInfo(0, connectorKey, localIssueKey, remoteIssueKey, now, 0, 0, 0, 0, 0, false);
  }

  /** This row with the store's id. */
  public SyncInfo withId(long newId) {
    return new SyncInfo(
        newId, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored);
  }

  /** This row with the partner's issue key. */
  public SyncInfo withRemoteIssueKey(String key) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, key, firstSyncDate, lastOutgoingChange, lastChangeSeen,
        outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored);
  }

  /** This row after a message with {@code sequenceId} was sent at {@code now}. */
  public SyncInfo withSent(long sequenceId, long now) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, now, lastChangeSeen,
        sequenceId, lastIncomingChange, incomingMessageSequenceId, incomingChangesIgnored);
  }

  /** This row after local changes up to {@code changeTime} were examined. */
  public SyncInfo withLastChangeSeen(long changeTime) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        Math.max(lastChangeSeen, changeTime), outgoingMessageSequenceId, lastIncomingChange,
        incomingMessageSequenceId, incomingChangesIgnored);
  }

  /** This row after the message with {@code sequenceId} was applied (or skipped) at {@code now}. */
  public SyncInfo withReceived(long sequenceId, long now) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, now, sequenceId, incomingChangesIgnored);
  }
}
