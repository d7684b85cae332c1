package org.backbonesync.spi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sync information rows per connector, the last value synced per issue pair and field mapping
 * (for echo suppression), the links between synced comments, and pending creates (for idempotent
 * create).
 *
 * <p>Within one connector a local issue key appears in at most one row, and so does a non-null
 * remote issue key. Writes join the current transaction of {@link Stores#inTransaction}.
 */
public interface SyncInfoStore {

  /**
   * The longest issue key, local or remote, that a row can hold, in characters. Callers that
   * write keys from outside (an admin's import) refuse longer ones before writing. The default
   * is no limit.
   *
   * @since 0.1.0
   */
  default int maxIssueKeyLength() {
    return Integer.MAX_VALUE;
  }

  /** The row of this local issue, if it is paired. */
  Optional<SyncInfo> findByLocalKey(String connectorKey, String localIssueKey);

  /**
   * The rows of several local issues, by local issue key (an issue not paired is absent), for a
   * poll's page; a store may read them in one round trip. Default: one by one. The answer is
   * the caller's to read, not to change: a store may answer an unmodifiable map.
   *
   * @throws NullPointerException when {@code localIssueKeys} is null or holds a null (the
   *     message names it, {@code "localIssueKeys[3]"}: the fourth in iteration order), before
   *     anything is read
   * @since 0.1.0
   */
  default Map<String, SyncInfo> findByLocalKeys(String connectorKey,
      Collection<String> localIssueKeys) {
    return OneByOne.lookUp(localIssueKeys, "localIssueKeys",
        key -> findByLocalKey(connectorKey, key).orElse(null));
  }

  /**
   * The rows of the local issues of rows read before, read again, by local issue key, as
   * {@link #findByLocalKeys} answers for their keys (an issue not paired now is absent; a key
   * another row holds now answers that row). A poll reads its page's rows again so, once it has
   * claimed their pairs: most are unchanged since, so a store may read only their ids, {@linkplain
   * SyncInfo#stamp() stamps} and last changes seen, and answer a row whose id and stamp are
   * unchanged as {@code known} (with the last change seen read now: {@link
   * #advanceLastChangeSeen} need not stamp), reading every column only of the others. Default:
   * {@link #findByLocalKeys} of their keys. The answer is the caller's to read, not to change.
   *
   * @param known rows of this connector read before (their local keys are read again)
   * @throws NullPointerException when {@code known} is null or holds a null (the message names
   *     it, {@code "known[3]"}: the fourth in iteration order), before anything is read
   * @since 0.1.0
   */
  default Map<String, SyncInfo> findByLocalKeysAgain(String connectorKey,
      Collection<SyncInfo> known) {
    NullChecks.requireNoNull(known, "known");
    List<String> keys = new java.util.ArrayList<>(known.size());
    known.forEach(row -> keys.add(row.localIssueKey()));
    return findByLocalKeys(connectorKey, keys);
  }

  /** The row whose partner is this remote issue, if any. */
  Optional<SyncInfo> findByRemoteKey(String connectorKey, String remoteIssueKey);

  /**
   * The rows whose partners are these remote issues, by remote key: a key without a row is not
   * in the map. The engine reads an apply's round with it; a store may read them in one round
   * trip. Default: one by one. The answer is the caller's to read, not to change: a store may
   * answer an unmodifiable map.
   *
   * @throws NullPointerException when {@code remoteIssueKeys} is null or holds a null (the
   *     message names it, {@code "remoteIssueKeys[3]"}: the fourth in iteration order), before
   *     anything is read
   * @since 0.1.0
   */
  default Map<String, SyncInfo> findByRemoteKeys(String connectorKey,
      Collection<String> remoteIssueKeys) {
    return OneByOne.lookUp(remoteIssueKeys, "remoteIssueKeys",
        key -> findByRemoteKey(connectorKey, key).orElse(null));
  }

  /** The row with this id in this connector, if any. */
  Optional<SyncInfo> findById(String connectorKey, long id);

  /** All rows of a connector, in id order. */
  List<SyncInfo> list(String connectorKey);

  /**
   * Inserts a row, ignoring its id and stamp, and returns it with the id assigned (ids increase)
   * and a new {@linkplain SyncInfo#stamp() stamp}.
   *
   * @throws DuplicateSyncInfoException when the local key, or the non-null remote key, is already
   *     in a row of the connector
   */
  SyncInfo insert(SyncInfo info);

  /**
   * Replaces the row with {@code info.id()}, giving it a new {@linkplain SyncInfo#stamp() stamp}
   * (the one in {@code info} is ignored).
   *
   * @throws DuplicateSyncInfoException when the new remote key is already in another row
   * @throws IllegalArgumentException when there is no such row
   */
  void update(SyncInfo info);

  /**
   * A stamp greater than every stamp this store gave a row before the call, and smaller than
   * every stamp it gives after it: one counter, ordered in real time across every connection and
   * every node sharing the store (a JDBC store's sequence, not cached per session or node), never
   * the nodes' clocks. A poll reads the last one ({@link #lastStamp}) before it searches the
   * tracker; a row it then reads with a greater stamp was written after the search began (an
   * apply may have changed the issue and its links since the search read it), so the poll leaves
   * that issue for the next one.
   * {@link #insert} and {@link #update} must stamp every row they write ({@link
   * #advanceLastChangeSeen} need not): a store that kept no stamps would let a poll examine a
   * snapshot older than the row's links and delete a comment on the partner. A counter that went
   * back behind the stamps of stored rows (a restore of the tables without it) delays those
   * issues' changes until it passes them again (the JDBC store moves its sequence past them when
   * it opens). A read inside the transaction that wrote a row may show the row's stamp from
   * before the write; once the transaction commits, reads show the new one. Every read of a
   * row shows its stored stamp, the locking ones ({@link #findByIdForUpdate}, after {@link
   * #lockRows}) too: a poll compares them, and a locking read that showed another stamp than
   * {@link #findByLocalKeys} for an unchanged row would leave the issue for the next poll, poll
   * after poll (the engine warns when the stamp it reads under the lock went down).
   *
   * @since 0.1.0
   */
  long nextStamp();

  /**
   * A stamp not smaller than any stamp this store gave before the call, and smaller than every
   * stamp it gives after it, like {@link #nextStamp()} but, where the store can, without moving
   * its counter: a connector's idle look takes one before each search, and a node serving many
   * idle synchronizations should write nothing (the JDBC store reads its sequence's last value on
   * PostgreSQL and H2, the in-memory store its counter). The default takes {@link #nextStamp()},
   * which keeps the same order.
   *
   * @since 0.1.0
   */
  default long lastStamp() {
    return nextStamp();
  }

  /**
   * Reads a row in order to change it: until the enclosing {@link Stores#inTransaction}
   * transaction ends, no other transaction can change the row (a JDBC store selects it {@code FOR
   * UPDATE}). The engine reads each row it updates this way, inside the transaction that updates
   * it, so that engine nodes sharing a database never write back a row another node changed in
   * the meantime (a lost sequence id or remote key). Call it inside a transaction. The default is
   * {@link #findById}, which is enough for a store whose transactions run one at a time.
   */
  default Optional<SyncInfo> findByIdForUpdate(String connectorKey, long id) {
    return findById(connectorKey, id);
  }

  /**
   * Locks these rows of a connector for the current transaction, in id order, before a group of
   * steps writes them (the engine's group commit). A store may read them, and their last synced
   * values, at once here, so that {@link #findByIdForUpdate} and {@link #syncedValues(long)} of
   * these rows later in the same transaction cost no round trip. Call inside a transaction.
   * Default: nothing (each row is locked when read for update).
   *
   * @throws NullPointerException when {@code syncInfoIds} is null or holds a null (the message
   *     names it, {@code "syncInfoIds[3]"}: the fourth in iteration order), before anything is
   *     read or locked
   * @since 0.1.0
   */
  default void lockRows(String connectorKey, Collection<Long> syncInfoIds) {
    NullChecks.requireNoNull(syncInfoIds, "syncInfoIds");
  }

  /**
   * As {@link #lockRows(String, Collection)}, for a group some of whose rows are written without
   * being read first (a last change seen moved, {@link #advanceLastChangeSeen}): every row is
   * locked, in id order, but a store need read ahead only those of {@code readAhead} (an id not
   * among {@code syncInfoIds} is ignored). Default: {@link #lockRows(String, Collection)}.
   *
   * @throws NullPointerException when either collection is null or holds a null (the message
   *     names it and the null's index), before anything is read or locked
   * @since 0.1.0
   */
  default void lockRows(String connectorKey, Collection<Long> syncInfoIds,
      Collection<Long> readAhead) {
    NullChecks.requireNoNull(syncInfoIds, "syncInfoIds");
    NullChecks.requireNoNull(readAhead, "readAhead");
    lockRows(connectorKey, syncInfoIds);
  }

  /**
   * As {@link #lockRows(String, Collection, Collection)}, for a group whose rows, and their last
   * synced values, were read before its transaction (a poll's page, an apply's round): a store
   * may lock the rows reading only their ids, {@linkplain SyncInfo#stamp() stamps} and last
   * changes seen, read ahead a row whose stamp is that of its known one as known (with the last
   * change seen read now: {@link #advanceLastChangeSeen} need not stamp) and its values as
   * {@code knownValues} holds them, and read whole only the others. A store that does so must
   * give a row a new stamp whenever its last synced values change ({@link #putSyncedValues} in a
   * transaction that does not insert or update the row stamps it too). Default: {@link
   * #lockRows(String, Collection, Collection)}.
   *
   * @param known rows read before, of this connector (another connector's row is ignored), at
   *     most one per id
   * @param knownValues last synced values of known rows by row id, each read after its row (a
   *     row without them here has its values read)
   * @throws NullPointerException when a collection is null or holds a null (the message names
   *     it and the null's index), or {@code knownValues} is null, before anything is read or
   *     locked
   * @since 0.1.0
   */
  default void lockRows(String connectorKey, Collection<Long> syncInfoIds,
      Collection<Long> readAhead, Collection<SyncInfo> known,
      Map<Long, Map<String, JsonNode>> knownValues) {
    NullChecks.requireNoNull(known, "known");
    java.util.Objects.requireNonNull(knownValues, "knownValues");
    lockRows(connectorKey, syncInfoIds, readAhead);
  }

  /**
   * Moves a row's {@code lastChangeSeen} forward to a time, touching nothing else of the row, so
   * that it cannot undo what another node wrote to the row meanwhile. A no-op when the row has a
   * later time already or is gone. The default reads and updates the row; a store shared by
   * several nodes should do it in one statement.
   */
  default void advanceLastChangeSeen(String connectorKey, long syncInfoId, long millis) {
    findById(connectorKey, syncInfoId).filter(r -> r.lastChangeSeen() < millis)
        .ifPresent(r -> update(r.withLastChangeSeen(millis)));
  }

  /**
   * Deletes one row, with its synced values and comment and attachment links (paired issue links
   * are the connector's and stay: another row may share them).
   *
   * @return whether this call deleted it: false when there was none, or when another writer
   *     deleted it first (two deletes of one row at once: only one of them says so)
   */
  boolean delete(String connectorKey, long id);

  /**
   * Deletes every row of a connector, with their synced values, the connector's paired issue
   * links and its {@linkplain #putRemovedRow removed rows}. There is no undo. A row another
   * writer makes meanwhile (the engine pairing an issue while an admin deletes all) may stay; if
   * it does, so do the paired links with its issue at an end, which it reads.
   *
   * @return how many rows this call deleted (not those another writer deleted meanwhile)
   */
  int deleteAll(String connectorKey);

  /** The last value synced (sent or applied) per field mapping id for a row; empty when none. */
  Map<String, JsonNode> syncedValues(long syncInfoId);

  /**
   * The last synced values of several rows, by row id: every id given is a key, with an empty
   * map when it has none. The engine reads a poll's page or an apply's round with it; a store
   * may read them in one round trip. Default: one by one.
   *
   * @throws NullPointerException when {@code syncInfoIds} is null or holds a null (the message
   *     names it, {@code "syncInfoIds[3]"}: the fourth in iteration order), before anything is
   *     read
   * @since 0.1.0
   */
  default Map<Long, Map<String, JsonNode>> syncedValues(Collection<Long> syncInfoIds) {
    NullChecks.requireNoNull(syncInfoIds, "syncInfoIds");
    Map<Long, Map<String, JsonNode>> values = new HashMap<>();
    for (long id : syncInfoIds) {
      values.put(id, syncedValues(id));
    }
    return values;
  }

  /**
   * Records last synced values for a row, replacing those of the same field mapping ids. A store
   * may give the row a new {@linkplain SyncInfo#stamp() stamp} with them (one that reuses known
   * values under {@link #lockRows(String, Collection, Collection, Collection, Map)} must, unless
   * the row is inserted or updated in the same transaction).
   */
  void putSyncedValues(long syncInfoId, Map<String, JsonNode> values);

  /** The pending local changes of a row per field mapping id; empty when none. */
  Map<String, PendingChange> pendingChanges(long syncInfoId);

  /**
   * The pending local changes of several rows, by row id: every id given is a key, with an empty
   * map when it has none. Default: one by one.
   *
   * @throws NullPointerException when {@code syncInfoIds} is null or holds a null (the message
   *     names it, {@code "syncInfoIds[3]"}: the fourth in iteration order), before anything is
   *     read
   * @since 0.1.0
   */
  default Map<Long, Map<String, PendingChange>> pendingChanges(Collection<Long> syncInfoIds) {
    NullChecks.requireNoNull(syncInfoIds, "syncInfoIds");
    Map<Long, Map<String, PendingChange>> changes = new HashMap<>();
    for (long id : syncInfoIds) {
      changes.put(id, pendingChanges(id));
    }
    return changes;
  }

  /** Records pending changes, replacing those of the same field mapping ids. */
  void putPendingChanges(long syncInfoId, Map<String, PendingChange> changes);

  /** Forgets the pending change of one field mapping. */
  void removePendingChange(long syncInfoId, String fieldMappingId);

  /**
   * Of a row's merged fields (labels and the like, {@code "conflict": "MERGE"}), what the engine
   * keeps of the partner's changes the row did not take (consumed unapplied while it ignored
   * them, or dropped as sent to a row of ours before) and of its own values sent meanwhile, by
   * field mapping id: what the partner's next value is merged against, so that those changes are
   * not taken for the row's own. The value is the engine's JSON, which a store keeps as given.
   * Empty when none; a store without it (the default) keeps none, and merges go against the
   * value the partner says it replaced, as before.
   *
   * @since 0.1.0
   */
  default Map<String, JsonNode> skippedBases(long syncInfoId) {
    return Map.of();
  }

  /**
   * The skipped bases ({@link #skippedBases(long)}) of several rows, by row id: every id given is
   * a key, with an empty map when it has none. The engine reads an apply's round with it; a store
   * may read them in one round trip. Default: one by one.
   *
   * @throws NullPointerException when {@code syncInfoIds} is null or holds a null (the message
   *     names it, {@code "syncInfoIds[3]"}: the fourth in iteration order), before anything is
   *     read
   * @since 0.1.0
   */
  default Map<Long, Map<String, JsonNode>> skippedBases(Collection<Long> syncInfoIds) {
    NullChecks.requireNoNull(syncInfoIds, "syncInfoIds");
    Map<Long, Map<String, JsonNode>> bases = new HashMap<>();
    for (long id : syncInfoIds) {
      bases.put(id, skippedBases(id));
    }
    return bases;
  }

  /**
   * Records skipped bases (see {@link #skippedBases(long)}), replacing those of the same field
   * mapping ids. Default: keeps nothing.
   *
   * @since 0.1.0
   */
  default void putSkippedBases(long syncInfoId, Map<String, JsonNode> bases) {}

  /**
   * Forgets the skipped bases of these field mapping ids (the partner's value was taken since).
   * Default: nothing to forget.
   *
   * @since 0.1.0
   */
  default void removeSkippedBases(long syncInfoId, Collection<String> fieldMappingIds) {}

  /** The comment links of a row, in the order they were first recorded. */
  List<CommentLink> commentLinks(long syncInfoId);

  /** Records a comment link, replacing the one with the same local id. */
  void putCommentLink(long syncInfoId, CommentLink link);

  /** Forgets the comment link with this local id. */
  void removeCommentLink(long syncInfoId, String localCommentId);

  /**
   * The worklog links of a row, in the order they were first recorded.
   *
   * @since 0.1.0
   */
  List<WorklogLink> worklogLinks(long syncInfoId);

  /**
   * Records a worklog link, replacing the one with the same local id.
   *
   * @since 0.1.0
   */
  void putWorklogLink(long syncInfoId, WorklogLink link);

  /**
   * Forgets the worklog link with this local id.
   *
   * @since 0.1.0
   */
  void removeWorklogLink(long syncInfoId, String localWorklogId);

  /** The attachment links of a row, in the order they were first recorded. */
  List<AttachmentLink> attachmentLinks(long syncInfoId);

  /** Records an attachment link, replacing the one with the same local id. */
  void putAttachmentLink(long syncInfoId, AttachmentLink link);

  /** Forgets the attachment link with this local id. */
  void removeAttachmentLink(long syncInfoId, String localAttachmentId);

  /**
   * The issue links of a connector that the sync made or paired (and removed: {@link
   * PairedLink#gone}) that have this issue at either end, in the order they were first
   * recorded. Kept per connector, not per row: a link joins two synced issues, and both rows
   * must see one pairing. Only these links are removed when the partner's link goes.
   */
  List<PairedLink> pairedLinks(String connectorKey, String issueKey);

  /** Records a paired issue link of a connector, replacing the one with the same local id. */
  void putPairedLink(String connectorKey, PairedLink link);

  /** Forgets the paired issue link of a connector with this local id. */
  void removePairedLink(String connectorKey, String localLinkId);

  /** The pending create for a remote issue in a connector, if one is recorded. */
  Optional<PendingCreate> pendingCreate(String connectorKey, String remoteIssueKey);

  /** Records that a create is about to be attempted; replaces one for the same remote issue. */
  void putPendingCreate(PendingCreate pending);

  /** Forgets a pending create (once the created issue is recorded in a row). */
  void removePendingCreate(String connectorKey, String remoteIssueKey);

  /**
   * Records a partner row the connector no longer talks with ({@link RemovedRow}: a row removed
   * because a restored site gave its issue key to another issue, or a partner row superseded);
   * replaces one of the same connector, remote issue and partner epoch. A store
   * keeps at least the newest {@link RemovedRow#KEPT_PER_CONNECTOR} of a connector and may forget
   * older ones; {@link #deleteAll} forgets a connector's. The default keeps none: a message of
   * that partner row then waits for its gap as a new issue's change does.
   */
  default void putRemovedRow(RemovedRow removed) {}

  /**
   * The record that {@code connectorKey} no longer talks with the partner row of {@code
   * partnerEpoch} of issue {@code remoteIssueKey}, if kept ({@link #putRemovedRow}).
   */
  default Optional<RemovedRow> removedRow(String connectorKey, String remoteIssueKey,
      long partnerEpoch) {
    return Optional.empty();
  }
}

