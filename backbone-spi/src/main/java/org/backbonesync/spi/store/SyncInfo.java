package org.backbonesync.spi.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * @param partnerEpoch the {@link #epoch()} of the partner's row this row talks with, 0 until the
 *     partner's first message says it. Not part of the JSON form (the original product has no
 *     such property); an imported row starts at 0
 * @param partnerSince the sequence id of this row's first message to that partner row: the
 *     partner takes up our sequence there (1 unless the partner's row was made again while this
 *     one went on). Before the partner's row is known: the first sequence id of this row (an
 *     imported row goes on from its imported count; 0 for one made by the engine, which counts
 *     from 1). Not part of the JSON form
 * @param madeAt when this row was made (by the engine or an import), epoch millis; unlike
 *     {@code firstSyncDate}, which an import may set to any time, it orders the rows of one issue.
 *     0 for a row made before it was kept. Not part of the JSON form
 * @param stamp the store's stamp of this row's last write: {@link SyncInfoStore#insert} and
 *     {@link SyncInfoStore#update} give the row one greater than any the store gave before, from
 *     one counter for every node sharing the store, so that a greater stamp means a later write
 *     whatever the nodes' clocks say (see {@link SyncInfoStore#nextStamp()}). The value a caller
 *     passes is ignored. 0 for a row not written since stamps were kept. Not part of the JSON form
 * @param ignoredByAdmin whether this row ignores the partner's changes by an admin's choice (set
 *     through the admin API, {@link #withIgnoredByAdmin}, or imported so), not the engine's own (a
 *     partner issue gone, a key given up after a Jira site restore): a new copy of the row's
 *     issue that the partner makes after a restore links a row the engine unlinked again, never
 *     one an admin set to ignore. False whenever {@code incomingChangesIgnored} is (the
 *     constructor makes it so). Not part of the JSON form ({@code incomingChangesIgnored} is)
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
    boolean incomingChangesIgnored,
    @JsonIgnore long partnerEpoch,
    @JsonIgnore long partnerSince,
    @JsonIgnore long madeAt,
    @JsonIgnore long stamp,
    @JsonIgnore boolean ignoredByAdmin) {

  /**
   * Checks the keys; {@code ignoredByAdmin} holds only while the row ignores (a row that takes
   * changes has no admin's ignore, whatever a store or a hand edit of its row says).
   */
  public SyncInfo {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(localIssueKey, "localIssueKey");
    ignoredByAdmin = ignoredByAdmin && incomingChangesIgnored;
  }

  /** A new row for a pair first synced at {@code now}, with nothing sent or received yet. */
  public static SyncInfo newPair(
      String connectorKey, String localIssueKey, String remoteIssueKey, long now) {
    return new SyncInfo(
        0, connectorKey, localIssueKey, remoteIssueKey, now, 0, 0, 0, 0, 0, false, 0, 0, now, 0,
        false);
  }

  /** This row with the store's id. */
  public SyncInfo withId(long newId) {
    return new SyncInfo(
        newId, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, partnerSince, madeAt, stamp, ignoredByAdmin);
  }

  /**
   * This row with another local issue key: the same issue under its new key (its project was
   * renamed, or it moved within the connector's scope).
   *
   * @since 0.1.0
   */
  public SyncInfo withLocalIssueKey(String key) {
    return new SyncInfo(
        id, connectorKey, key, remoteIssueKey, firstSyncDate, lastOutgoingChange, lastChangeSeen,
        outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, partnerSince, madeAt, stamp, ignoredByAdmin);
  }

  /** This row with the partner's issue key. */
  public SyncInfo withRemoteIssueKey(String key) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, key, firstSyncDate, lastOutgoingChange, lastChangeSeen,
        outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, partnerSince, madeAt, stamp, ignoredByAdmin);
  }

  /** This row after a message with {@code sequenceId} was sent at {@code now}. */
  public SyncInfo withSent(long sequenceId, long now) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, now, lastChangeSeen,
        sequenceId, lastIncomingChange, incomingMessageSequenceId, incomingChangesIgnored,
        partnerEpoch, partnerSince, madeAt, stamp, ignoredByAdmin);
  }

  /** This row after local changes up to {@code changeTime} were examined. */
  public SyncInfo withLastChangeSeen(long changeTime) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        Math.max(lastChangeSeen, changeTime), outgoingMessageSequenceId, lastIncomingChange,
        incomingMessageSequenceId, incomingChangesIgnored, partnerEpoch, partnerSince, madeAt, stamp,
        ignoredByAdmin);
  }

  /**
   * This row made anew at {@code now} (a new epoch: the partner takes it as a row made again)
   * that goes on from its counts: what it applied stays, and the partner counts its messages from
   * its next one. For a row imported with counts, or taken again after ignoring changes. Its
   * {@code madeAt} is {@code now}, or, for a stored row, a millisecond after the time its epoch
   * has now when that is not earlier (made anew twice in one millisecond, by a node whose clock
   * is behind, or a row of before {@code madeAt} whose {@code firstSyncDate} is ahead): the
   * partner drops messages of an epoch older than the one it knows, and takes the same one as no
   * row made again. A row not stored yet (id 0: an import's) has no epoch to grow from, and its
   * {@code firstSyncDate} may be ahead: the partner takes epochs as times, and one made later
   * than its own rows would drop their messages as older than it.
   */
  public SyncInfo madeAnew(long now) {
    long epochTime = madeAt != 0 ? madeAt : id != 0 ? firstSyncDate : 0;
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, outgoingMessageSequenceId + 1,
        Math.max(now, epochTime + 1), stamp, ignoredByAdmin);
  }

  /**
   * This row with incoming changes ignored or taken again by the engine: an admin's ignore stays
   * the admin's while the row ignores ({@link #ignoredByAdmin()}), and ends when it takes
   * changes again.
   */
  public SyncInfo withIncomingChangesIgnored(boolean ignored) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        ignored, partnerEpoch, partnerSince, madeAt, stamp, ignored && ignoredByAdmin);
  }

  /**
   * This row with incoming changes ignored or taken again by an admin's choice: {@link
   * #ignoredByAdmin()} when ignored.
   *
   * @since 0.1.0
   */
  public SyncInfo withIgnoredByAdmin(boolean ignored) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        ignored, partnerEpoch, partnerSince, madeAt, stamp, ignored);
  }

  /** This row after the message with {@code sequenceId} was applied (or skipped) at {@code now}. */
  public SyncInfo withReceived(long sequenceId, long now) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, now, sequenceId, incomingChangesIgnored,
        partnerEpoch, partnerSince, madeAt, stamp, ignoredByAdmin);
  }

  /** A row as the original product's JSON has it: no partner row known yet. */
  public SyncInfo(long id, String connectorKey, String localIssueKey, String remoteIssueKey,
      long firstSyncDate, long lastOutgoingChange, long lastChangeSeen,
      long outgoingMessageSequenceId, long lastIncomingChange, long incomingMessageSequenceId,
      boolean incomingChangesIgnored) {
    this(id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, 0, 0, 0, 0, false);
  }

  /**
   * This row's identity in the pair's history, which messages carry: when it was made, then its
   * id. A row made again for the same issue (after a delete, or on a new store, or by an import)
   * has a greater one, unless it was made in the same millisecond as the one it replaces on
   * another store.
   */
  @JsonIgnore
  public long epoch() {
    return (madeAt != 0 ? madeAt : firstSyncDate) * 1024 + (id & 1023);
  }

  /** This row with the store's stamp of its last write: for stores, when they write it. */
  public SyncInfo withStamp(long newStamp) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, partnerSince, madeAt, newStamp, ignoredByAdmin);
  }

  /** This row as made at {@code now} (an import: whatever its firstSyncDate says). */
  public SyncInfo withMadeAt(long now) {
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange, incomingMessageSequenceId,
        incomingChangesIgnored, partnerEpoch, partnerSince, now, stamp, ignoredByAdmin);
  }

  /**
   * This row talking with the partner's row of {@code epoch} from now on. When that row replaces
   * one we talked with, or this row was imported with counts (they were another store's), nothing
   * of it was received yet. It counts our messages from the next one when {@code fromNext} (it
   * has none of those sent before: we send our issue whole), else from the first.
   */
  public SyncInfo withPartnerRow(long epoch, boolean fromNext) {
    boolean replaced = partnerEpoch != 0 || partnerSince > 0;
    return new SyncInfo(
        id, connectorKey, localIssueKey, remoteIssueKey, firstSyncDate, lastOutgoingChange,
        lastChangeSeen, outgoingMessageSequenceId, lastIncomingChange,
        replaced ? 0 : incomingMessageSequenceId, incomingChangesIgnored, epoch,
        fromNext ? outgoingMessageSequenceId + 1 : 1, madeAt, stamp, ignoredByAdmin);
  }
}
