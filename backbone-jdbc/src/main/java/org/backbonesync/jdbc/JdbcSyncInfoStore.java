package org.backbonesync.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.backbonesync.jdbc.TransactionWrites.Key;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.PairedLink;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.WorklogLink;

/** Sync information and everything kept per issue pair, in SQL tables. */
final class JdbcSyncInfoStore implements SyncInfoStore {
  /**
   * A row's columns but its connector's, which every query of rows compares with its first
   * argument ({@link #many}): decoding the key of each row read again was about a fiftieth of
   * what a change allocated ({@code TwoNodeBenchmark}, JFR), each row being read several times.
   */
  private static final String COLUMNS = "id, local_issue_key, remote_issue_key,"
      + " first_sync_date, last_outgoing_change, last_change_seen, outgoing_sequence_id,"
      + " last_incoming_change, incoming_sequence_id, incoming_changes_ignored, partner_epoch,"
      + " partner_since, made_at, stamp, ignored_by_admin";
  /** Gives a row its {@link SyncInfo#stamp()} (V10__row_stamp.sql); H2 and PostgreSQL alike. */
  private static final String NEXT_STAMP = "nextval('bb_stamp')";
  private static final String LAST_STAMP_POSTGRES =
      "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM bb_stamp";
  private static final String LAST_STAMP_H2 = "SELECT BASE_VALUE - 1 FROM"
      + " INFORMATION_SCHEMA.SEQUENCES WHERE UPPER(SEQUENCE_NAME) = 'BB_STAMP'"
      + " AND SEQUENCE_SCHEMA = SCHEMA()";

  private final JdbcStores db;

  JdbcSyncInfoStore(JdbcStores db) {
    this.db = db;
  }

  /** The key columns are {@code VARCHAR(255)} (V1__initial.sql). */
  @Override
  public int maxIssueKeyLength() {
    return 255;
  }

  /** A row of {@link #COLUMNS}, of this connector. */
  private static SyncInfo row(ResultSet r, String connectorKey) throws SQLException {
    return new SyncInfo(r.getLong(1), connectorKey, r.getString(2), r.getString(3),
        r.getLong(4), r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9),
        r.getBoolean(10), r.getLong(11), r.getLong(12), r.getLong(13), r.getLong(14),
        r.getBoolean(15));
  }

  private Optional<SyncInfo> one(Connection c, String where, Object... args) throws SQLException {
    List<SyncInfo> rows = many(c, where, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /** The query of the rows {@code where} holds for. */
  static String select(String where) {
    return "SELECT " + COLUMNS + " FROM bb_sync_info WHERE " + where;
  }

  /**
   * The rows {@code where} holds for, which compares the connector key with the first argument
   * (equal: {@code connector_key = ?}, or {@link #SAME_CONNECTOR}): their connector key, not
   * read.
   */
  private static List<SyncInfo> many(Connection c, String where, Object... args)
      throws SQLException {
    String connectorKey = (String) args[0];
    try (PreparedStatement s = c.prepareStatement(select(where))) {
      bind(s, args);
      try (ResultSet r = s.executeQuery()) {
        List<SyncInfo> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(row(r, connectorKey));
        }
        return rows;
      }
    }
  }

  static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Utf8Text text) {
        s.setString(i + 1, text.toString());
      } else {
        s.setObject(i + 1, args[i]);
      }
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    }
  }

  @Override
  public Optional<SyncInfo> findByLocalKey(String connectorKey, String localIssueKey) {
    return db.read(c -> one(c, "connector_key = ? AND local_issue_key = ?", connectorKey,
        localIssueKey));
  }

  /** In reads of at most {@link InLists#CHUNK} issues. */
  @Override
  public Map<String, SyncInfo> findByLocalKeys(String connectorKey,
      Collection<String> localIssueKeys) {
    requireNoNull(localIssueKeys, "localIssueKeys");
    return byKeys(connectorKey, "local_issue_key", localIssueKeys, SyncInfo::localIssueKey);
  }

  @Override
  public Map<String, SyncInfo> findByRemoteKeys(String connectorKey,
      Collection<String> remoteIssueKeys) {
    requireNoNull(remoteIssueKeys, "remoteIssueKeys");
    return byKeys(connectorKey, "remote_issue_key", remoteIssueKeys, SyncInfo::remoteIssueKey);
  }

  /**
   * Reads the rows' ids, stamps and last changes seen by local key, {@link InLists#CHUNK} keys
   * per query; a row whose id and stamp are those of a known row is that row (with the last
   * change seen read), and only the others are read whole, by id. A poll's second read of its
   * page read every column of each row (pgjdbc's tuples of them about 1 KB of a change, {@code
   * TwoNodeBenchmark}, JFR), nearly always as it had read them.
   */
  @Override
  public Map<String, SyncInfo> findByLocalKeysAgain(String connectorKey,
      Collection<SyncInfo> known) {
    requireNoNull(known, "known");
    Map<Long, SyncInfo> byId = new HashMap<>();
    List<String> keys = new ArrayList<>(known.size());
    for (SyncInfo row : known) {
      byId.put(row.id(), row);
      keys.add(row.localIssueKey());
    }
    Map<String, SyncInfo> found = new HashMap<>();
    List<Long> changed = new ArrayList<>();
    boolean postgres = db.postgres();
    InLists.forEachChunk(keys, chunk -> db.read(c -> stamps(c, postgres, connectorKey, chunk,
        byId, found, changed)));
    InLists.forEachChunk(changed, chunk -> db.read(c -> many(c, byIds(chunk.size(), postgres),
        InLists.args(postgres, chunk, connectorKey)))
        .forEach(row -> {
          if (keys.contains(row.localIssueKey())) { // (not renamed meanwhile)
            found.put(row.localIssueKey(), row);
          }
        }));
    return found;
  }

  /**
   * Reads the ids, stamps and last changes seen of a connector's rows with these local keys:
   * a known row whose stamp is unchanged goes to {@code found}, the id of any other to {@code
   * changed}.
   */
  private static Void stamps(Connection c, boolean postgres, String connectorKey,
      List<String> keys, Map<Long, SyncInfo> known, Map<String, SyncInfo> found,
      List<Long> changed) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id, stamp, last_change_seen FROM"
        + " bb_sync_info WHERE connector_key = ? AND "
        + InLists.in("local_issue_key", "varchar", keys.size(), postgres))) {
      bind(s, InLists.args(postgres, keys, connectorKey));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long id = r.getLong(1);
          SyncInfo row = known.get(id);
          if (row == null || row.stamp() != r.getLong(2)) {
            changed.add(id);
          } else {
            long seen = r.getLong(3);
            found.put(row.localIssueKey(), seen > row.lastChangeSeen()
                ? row.withLastChangeSeen(seen) : row);
          }
        }
      }
    }
    return null;
  }

  /**
   * A connector's rows with these keys in a key column, {@link InLists#CHUNK} keys per query.
   */
  private Map<String, SyncInfo> byKeys(String connectorKey, String column,
      Collection<String> issueKeys, java.util.function.Function<SyncInfo, String> keyOf) {
    List<String> keys = InLists.list(issueKeys);
    Map<String, SyncInfo> found = new HashMap<>();
    boolean postgres = db.postgres();
    InLists.forEachChunk(keys, chunk -> db.read(c -> many(c, "connector_key = ? AND "
        + InLists.in(column, "varchar", chunk.size(), postgres), InLists.args(postgres, chunk,
        connectorKey)))
        .forEach(row -> found.put(keyOf.apply(row), row)));
    return found;
  }

  /**
   * Refuses a null collection, or a null in it, naming it and the null's index, as the SPI says:
   * a null would otherwise fail deep in a query (or be bound as SQL {@code NULL}).
   */
  static void requireNoNull(Collection<?> values, String name) {
    Objects.requireNonNull(values, name);
    int i = 0;
    for (Object value : values) {
      if (value == null) { // (the message made only then: these check every key of a batch)
        throw new NullPointerException(name + "[" + i + "]");
      }
      i++;
    }
  }

  @Override
  public Optional<SyncInfo> findByRemoteKey(String connectorKey, String remoteIssueKey) {
    return db.read(c -> one(c, "connector_key = ? AND remote_issue_key = ?", connectorKey,
        remoteIssueKey));
  }

  @Override
  public Optional<SyncInfo> findById(String connectorKey, long id) {
    return db.read(c -> one(c, BY_ID, connectorKey, id));
  }

  @Override
  public Optional<SyncInfo> findByIdForUpdate(String connectorKey, long id) {
    TransactionWrites transaction = db.writes();
    SyncInfo locked = transaction == null ? null : transaction.takeLocked(connectorKey, id);
    if (locked != null) {
      return Optional.of(locked); // (locked ahead by this transaction, not written since)
    }
    // the row stays locked until the caller's transaction ends
    return db.run(c -> one(c, BY_ID + " FOR UPDATE", connectorKey, id));
  }

  /**
   * Locks and reads the rows and their synced values, {@link InLists#CHUNK} rows per query, in
   * id order.
   */
  @Override
  public void lockRows(String connectorKey, Collection<Long> syncInfoIds) {
    lockRows(connectorKey, syncInfoIds, syncInfoIds);
  }

  /**
   * As {@link #lockRows(String, Collection)}; when none is to be read ahead, the rows are locked
   * by a query of their ids alone: a page of rows whose last change seen moves (a poll seeing
   * the sync user's writes) read every column and last synced value of each for nothing, about
   * a twentieth of what a change allocated ({@code TwoNodeBenchmark}, JFR). With some to read,
   * every row is read (one ordered lock) and the values of those.
   */
  @Override
  public void lockRows(String connectorKey, Collection<Long> syncInfoIds,
      Collection<Long> readAhead) {
    requireNoNull(syncInfoIds, "syncInfoIds");
    requireNoNull(readAhead, "readAhead");
    TransactionWrites transaction = db.writes();
    if (transaction == null || syncInfoIds.isEmpty()) {
      return;
    }
    List<Long> ids = InLists.sortedDistinct(syncInfoIds);
    boolean postgres = db.postgres();
    if (readAhead.isEmpty()) {
      InLists.forEachChunk(ids, chunk -> db.run(c -> lockOnly(c, postgres, connectorKey, chunk)));
      return;
    }
    List<SyncInfo> rows = new ArrayList<>();
    InLists.forEachChunk(ids, chunk -> rows.addAll(db.run(c -> many(c, byIds(chunk.size(),
        postgres) + " ORDER BY id FOR UPDATE", InLists.args(postgres, chunk, connectorKey)))));
    Set<Long> read = new HashSet<>(readAhead);
    Map<Long, Map<String, JsonNode>> values = syncedValues(rows.stream().map(SyncInfo::id)
        .filter(read::contains).toList());
    transaction.locked(rows, values);
  }

  /**
   * As {@link #lockRows(String, Collection, Collection)}, the lock reading the rows' ids, stamps
   * and last changes seen: a row to read ahead whose stamp is its known one's is that row (with
   * the last change seen read), with its known values, and only the others are read whole, with
   * their values. A group commit's lock read again every column and value of the rows its page or
   * round had read moments before (about 2 KB of a change, {@code TwoNodeBenchmark}, JFR). A
   * row's values change only with its stamp here: {@link #putSyncedValues} stamps a row that its
   * transaction did not insert or update.
   */
  @Override
  public void lockRows(String connectorKey, Collection<Long> syncInfoIds,
      Collection<Long> readAhead, Collection<SyncInfo> known,
      Map<Long, Map<String, JsonNode>> knownValues) {
    requireNoNull(syncInfoIds, "syncInfoIds");
    requireNoNull(readAhead, "readAhead");
    requireNoNull(known, "known");
    Objects.requireNonNull(knownValues, "knownValues");
    TransactionWrites transaction = db.writes();
    if (transaction == null || syncInfoIds.isEmpty() || readAhead.isEmpty()
        || known.isEmpty()) {
      lockRows(connectorKey, syncInfoIds, readAhead);
      return;
    }
    Map<Long, SyncInfo> toRead = toRead(connectorKey, readAhead, known);
    List<SyncInfo> rows = new ArrayList<>(toRead.size());
    List<Long> changed = new ArrayList<>();
    boolean postgres = db.postgres();
    InLists.forEachChunk(InLists.sortedDistinct(syncInfoIds), chunk -> db.run(c ->
        lockStamps(c, postgres, connectorKey, chunk, toRead, rows, changed)));
    Map<Long, Map<String, JsonNode>> values = new HashMap<>();
    List<Long> valuesToRead = new ArrayList<>(changed);
    for (SyncInfo row : rows) {
      Long id = row.id(); // (boxed once)
      Map<String, JsonNode> kept = knownValues.get(id);
      if (kept != null) {
        values.put(id, kept);
      } else {
        valuesToRead.add(id);
      }
    }
    InLists.forEachChunk(changed, chunk -> rows.addAll(db.run(c -> many(c,
        byIds(chunk.size(), postgres), InLists.args(postgres, chunk, connectorKey)))));
    if (!valuesToRead.isEmpty()) {
      values.putAll(syncedValues(valuesToRead));
    }
    transaction.locked(rows, values);
  }

  /**
   * The rows to read ahead by id: the known row of the connector with that id, or {@link
   * #UNKNOWN}. One map for both questions the lock asks of each row (a set of the ids and a map
   * of the known rows, each asked with the id boxed again, were about a fiftieth of what a
   * change allocated, {@code TwoNodeBenchmark}, JFR).
   */
  private static Map<Long, SyncInfo> toRead(String connectorKey, Collection<Long> readAhead,
      Collection<SyncInfo> known) {
    Map<Long, SyncInfo> toRead = new HashMap<>();
    for (Long id : readAhead) {
      toRead.put(id, UNKNOWN);
    }
    for (SyncInfo row : known) {
      if (row.connectorKey().equals(connectorKey)) {
        toRead.replace(row.id(), row);
      }
    }
    return toRead;
  }

  /** In {@link #toRead}: a row to read ahead that is not known. */
  private static final SyncInfo UNKNOWN = new SyncInfo(0, "", "", null, 0, 0, 0, 0, 0, 0, false,
      0, 0, 0, 0, false);

  /**
   * Locks a chunk of rows in id order, reading their ids, stamps and last changes seen: a row to
   * read ahead ({@code toRead}: see {@link #toRead}) goes to {@code rows} when its known one has
   * its stamp, else its id to {@code changed}.
   */
  private static Void lockStamps(Connection c, boolean postgres, String connectorKey,
      List<Long> ids, Map<Long, SyncInfo> toRead, List<SyncInfo> rows, List<Long> changed)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id, stamp, last_change_seen FROM"
        + " bb_sync_info WHERE " + byIds(ids.size(), postgres) + " ORDER BY id FOR UPDATE")) {
      bind(s, InLists.args(postgres, ids, connectorKey));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) { // (each row read is locked)
          Long id = r.getLong(1); // (boxed once)
          SyncInfo row = toRead.get(id);
          if (row != null && row != UNKNOWN && row.stamp() == r.getLong(2)) {
            long seen = r.getLong(3);
            rows.add(seen > row.lastChangeSeen() ? row.withLastChangeSeen(seen) : row);
          } else if (row != null) {
            changed.add(id);
          }
        }
      }
    }
    return null;
  }

  /** Locks the rows, in id order, reading nothing of them. */
  private static Void lockOnly(Connection c, boolean postgres, String connectorKey,
      List<Long> ids) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM bb_sync_info WHERE "
        + byIds(ids.size(), postgres) + " ORDER BY id FOR UPDATE")) {
      bind(s, InLists.args(postgres, ids, connectorKey));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) { // (each row read is locked)
        }
      }
    }
    return null;
  }

  @Override
  public List<SyncInfo> list(String connectorKey) {
    return db.read(c -> many(c, "connector_key = ? ORDER BY id", connectorKey));
  }

  /**
   * Runs a row's insert or update; when another writer paired one of its issues between {@link
   * #checkUnique} and it (two imports or polls at once), the database's refusal is that of the
   * check: a {@link DuplicateSyncInfoException}, not a failed operation.
   */
  private static int executeKeepingPairs(PreparedStatement s, SyncInfo info)
      throws SQLException {
    try {
      return s.executeUpdate();
    } catch (SQLException e) {
      DuplicateSyncInfoException duplicate = duplicate(e, info);
      if (duplicate == null) {
        throw e;
      }
      duplicate.addSuppressed(e);
      throw duplicate;
    }
  }

  /**
   * The refusal a violation of one of the row's unique issue keys stands for, or null when the
   * failure is another: SQLState 23505 on H2 and PostgreSQL, whose texts name the constraint
   * (PostgreSQL {@code "bb_sync_info_local"}, H2 its index {@code BB_SYNC_INFO_LOCAL_INDEX_A}),
   * not the primary key's (an id sequence behind its table after a restore is no pair made
   * meanwhile).
   */
  static DuplicateSyncInfoException duplicate(SQLException e, SyncInfo info) {
    String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (!"23505".equals(e.getSQLState())) {
      return null;
    }
    boolean local = names(text, "bb_sync_info_local");
    boolean remote = names(text, "bb_sync_info_remote");
    if (local == remote) {
      return null;
    }
    String key = remote ? info.remoteIssueKey() : info.localIssueKey();
    return new DuplicateSyncInfoException((remote ? "remote" : "local") + " issue " + key
        + " was paired in connector " + info.connectorKey() + " meanwhile (by another writer)",
        info.connectorKey(), key);
  }

  /** Whether a refusal's text names the constraint (quoted) or its H2 index. */
  private static boolean names(String text, String constraint) {
    return text.contains('"' + constraint + '"') || text.contains("." + constraint + "_index_");
  }

  /** Refuses a row that would pair an issue paired already, before the database would. */
  private void checkUnique(Connection c, SyncInfo info, long self) throws SQLException {
    Optional<SyncInfo> local = one(c, "connector_key = ? AND local_issue_key = ?",
        info.connectorKey(), info.localIssueKey());
    if (local.isPresent() && local.get().id() != self) {
      throw new DuplicateSyncInfoException("local issue " + info.localIssueKey()
          + " is already paired in connector " + info.connectorKey() + " (sync information "
          + local.get().id() + ")", info.connectorKey(), info.localIssueKey());
    }
    if (info.remoteIssueKey() != null) {
      Optional<SyncInfo> remote = one(c, "connector_key = ? AND remote_issue_key = ?",
          info.connectorKey(), info.remoteIssueKey());
      if (remote.isPresent() && remote.get().id() != self) {
        throw new DuplicateSyncInfoException("remote issue " + info.remoteIssueKey()
            + " is already paired in connector " + info.connectorKey() + " (sync information "
            + remote.get().id() + ")", info.connectorKey(), info.remoteIssueKey());
      }
    }
  }

  @Override
  public SyncInfo insert(SyncInfo info) {
    return db.run(c -> {
      checkUnique(c, info, -1);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO bb_sync_info (connector_key,"
          + " local_issue_key, remote_issue_key, first_sync_date, last_outgoing_change,"
          + " last_change_seen, outgoing_sequence_id, last_incoming_change,"
          + " incoming_sequence_id, incoming_changes_ignored, partner_epoch, partner_since,"
          + " made_at, ignored_by_admin, stamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          + NEXT_STAMP + ")",
          new String[] {"id", "stamp"})) {
        bind(s, info.connectorKey(), info.localIssueKey(), info.remoteIssueKey(),
            info.firstSyncDate(), info.lastOutgoingChange(), info.lastChangeSeen(),
            info.outgoingMessageSequenceId(), info.lastIncomingChange(),
            info.incomingMessageSequenceId(), info.incomingChangesIgnored(), info.partnerEpoch(),
            info.partnerSince(), info.madeAt(), info.ignoredByAdmin());
        executeKeepingPairs(s, info);
        try (ResultSet keys = s.getGeneratedKeys()) {
          keys.next();
          SyncInfo inserted = info.withId(keys.getLong(1)).withStamp(keys.getLong(2));
          TransactionWrites transaction = db.writes();
          if (transaction != null) {
            transaction.stamped(inserted.id());
          }
          return inserted;
        }
      }
    });
  }

  @Override
  public long nextStamp() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + NEXT_STAMP);
          ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    });
  }

  /**
   * The sequence's last value, read without moving it: on PostgreSQL the last value any session
   * took (one less before the first), on H2 its next value less one. A sequence is read outside
   * transactions, as {@code nextval} takes it. A database that shows neither gets {@link
   * #nextStamp()}.
   */
  @Override
  public long lastStamp() {
    OptionalLong last = db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(db.postgres() ? LAST_STAMP_POSTGRES
          : LAST_STAMP_H2); ResultSet r = s.executeQuery()) {
        return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
      }
    });
    return last.isPresent() ? last.getAsLong() : nextStamp();
  }

  @Override
  public void advanceLastChangeSeen(String connectorKey, long syncInfoId, long millis) {
    TransactionWrites transaction = db.writes();
    if (transaction != null) {
      transaction.rowWritten(syncInfoId);
    }
    Long id = syncInfoId; // (each boxed once: the key and the arguments)
    Long at = millis;
    db.write(TransactionWrites.rowKey(id), ADVANCE_SEEN, at, connectorKey, id, at);
  }

  /**
   * Most updates keep the row's issue keys: one statement writes them when the keys are
   * unchanged; only when it finds none does the row's uniqueness get checked (three more).
   */
  @Override
  public void update(SyncInfo info) {
    TransactionWrites transaction = db.writes();
    Long id = info.id(); // (boxed once: the transaction's sets and maps, the write's key)
    if (transaction != null) {
      transaction.stamped(id); // (a failed update fails its transaction)
    }
    if (transaction != null && transaction.keepsKeys(id, info)) {
      // (the row is locked with these keys: the statement finds it, and sends with others)
      db.write(TransactionWrites.rowKey(id), UPDATE_KEEPING_KEYS, columns(info,
          info.connectorKey(), info.localIssueKey(), info.remoteIssueKey()));
      transaction.written(id, info);
      return;
    }
    db.run(c -> {
      if (write(c, info, KEYS_KEPT, info.connectorKey(), info.localIssueKey(),
          info.remoteIssueKey()) == 1) {
        return 1;
      }
      one(c, BY_ID, info.connectorKey(), info.id())
          .orElseThrow(() -> new IllegalArgumentException("no sync information with id "
              + info.id() + " in connector " + info.connectorKey()));
      checkUnique(c, info, info.id());
      return write(c, info, "");
    });
  }

  /**
   * The row's connector, compared as an expression no index holds, beside a condition on the row
   * id: so no index on the connector alone is chosen, whatever the statistics say. A pooled
   * connection has PostgreSQL plan a prepared statement once, often while the table has a few
   * rows, and keeps the plan until the table is analyzed. With a few rows it took the connector's
   * unique index (connector_key, remote_issue_key) and so read every row of the connector as the
   * table grew: about 45 microseconds an update for 200 rows in {@code TwoNodeBenchmark}, against
   * 15 through the primary key ({@code ByIdPlansTest}).
   */
  static final String SAME_CONNECTOR = "connector_key || '' = ?";
  /** A connector's row by its id (connector key, then id), through the primary key. */
  static final String BY_ID = SAME_CONNECTOR + " AND id = ?";
  /**
   * A connector's rows by their ids ({@link InLists#in(String, String, int, boolean)}, the
   * connector key the first argument), on PostgreSQL with the connector compared as {@link
   * #SAME_CONNECTOR} compares it: a plan made once for every count of ids (a generic one) finds them through the
   * primary key, however few rows the table had then ({@code ByIdPlansTest}).
   */
  static String byIds(int count, boolean postgres) {
    return (postgres ? SAME_CONNECTOR : "connector_key = ?") + " AND "
        + InLists.in("id", "int8", count, postgres);
  }

  /** Moves a row's last change seen forward (the time; connector key, id; the time again). */
  static final String ADVANCE_SEEN = "UPDATE bb_sync_info SET last_change_seen = ? WHERE "
      + BY_ID + " AND last_change_seen < ?";

  private static final String UPDATE_ROW = "UPDATE bb_sync_info SET local_issue_key = ?,"
      + " remote_issue_key = ?, first_sync_date = ?, last_outgoing_change = ?,"
      + " last_change_seen = ?, outgoing_sequence_id = ?, last_incoming_change = ?,"
      + " incoming_sequence_id = ?, incoming_changes_ignored = ?, partner_epoch = ?,"
      + " partner_since = ?, made_at = ?, ignored_by_admin = ?, stamp = " + NEXT_STAMP
      + " WHERE id = ?";
  /** Finds the row only with the keys it is written with. */
  private static final String KEYS_KEPT = " AND " + SAME_CONNECTOR + " AND local_issue_key = ?"
      + " AND remote_issue_key IS NOT DISTINCT FROM ?";
  /** Updates a row whose issue keys stay: {@link #UPDATE_ROW}'s columns, then the row's keys. */
  static final String UPDATE_KEEPING_KEYS = UPDATE_ROW + KEYS_KEPT;

  /** Gives a row a new stamp, touching nothing else of it (its id). */
  private static final String STAMP_ROW = "UPDATE bb_sync_info SET stamp = " + NEXT_STAMP
      + " WHERE id = ?";
  private static final String UPDATE_VALUE =
      "UPDATE bb_synced_value SET value_json = ? WHERE sync_info_id = ? AND mapping_id = ?";
  private static final String INSERT_VALUE =
      "INSERT INTO bb_synced_value (sync_info_id, mapping_id, value_json) VALUES (?, ?, ?)";
  private static final String UPDATE_SKIPPED =
      "UPDATE bb_skipped_base SET value_json = ? WHERE sync_info_id = ? AND mapping_id = ?";
  private static final String INSERT_SKIPPED =
      "INSERT INTO bb_skipped_base (sync_info_id, mapping_id, value_json) VALUES (?, ?, ?)";
  private static final String UPDATE_PENDING = "UPDATE bb_pending_change SET changed_at = ?,"
      + " sequence_id = ?, base_json = ?, value_json = ? WHERE sync_info_id = ? AND mapping_id = ?";
  private static final String INSERT_PENDING = "INSERT INTO bb_pending_change (sync_info_id,"
      + " mapping_id, changed_at, sequence_id, base_json, value_json) VALUES (?, ?, ?, ?, ?, ?)";

  /** PostgreSQL's forms of this store's batched writes for many rows, by their statement. */
  static final Map<String, ManyRows> MANY_ROWS = Map.of(
      UPDATE_KEEPING_KEYS, ManyRows.of("UPDATE bb_sync_info AS t SET local_issue_key = v.l,"
          + " remote_issue_key = v.r, first_sync_date = v.fsd, last_outgoing_change = v.loc,"
          + " last_change_seen = v.lcs, outgoing_sequence_id = v.os,"
          + " last_incoming_change = v.lic, incoming_sequence_id = v.ins,"
          + " incoming_changes_ignored = v.ign, partner_epoch = v.pe, partner_since = v.ps,"
          + " made_at = v.ma, ignored_by_admin = v.kg, stamp = " + NEXT_STAMP + " FROM %s"
          + " AS v(l, r, fsd, loc, lcs, os, lic, ins, ign, pe, ps, ma, kg, id, ck)"
          + " WHERE t.id = v.id AND t.connector_key || '' = convert_from(v.ck, 'UTF8')"
          + " AND t.local_issue_key = v.l AND t.remote_issue_key IS NOT DISTINCT FROM v.r",
          false, "varchar", "varchar", "int8", "int8", "int8", "int8", "int8", "int8", "bool",
          "int8", "int8", "int8", "bool", "int8", ManyRows.UTF8),
      STAMP_ROW, ManyRows.of("UPDATE bb_sync_info AS t SET stamp = " + NEXT_STAMP + " FROM %s"
          + " AS v(id) WHERE t.id = v.id", false, "int8"),
      ADVANCE_SEEN, ManyRows.of("UPDATE bb_sync_info AS t SET last_change_seen = v.m FROM %s"
          + " AS v(m, ck, id) WHERE t.id = v.id"
          + " AND t.connector_key || '' = convert_from(v.ck, 'UTF8') AND t.last_change_seen < v.m",
          false, "int8", ManyRows.UTF8, "int8"),
      UPDATE_VALUE, ManyRows.of("INSERT INTO bb_synced_value (sync_info_id, mapping_id,"
          + " value_json) SELECT id, convert_from(mapping, 'UTF8'), convert_from(json, 'UTF8')"
          + " FROM %s WITH ORDINALITY AS v(id, mapping, json, n) ORDER BY n"
          + " ON CONFLICT (sync_info_id, mapping_id) DO UPDATE SET value_json ="
          + " EXCLUDED.value_json", true, "int8", ManyRows.UTF8, ManyRows.UTF8),
      UPDATE_PENDING, ManyRows.of("INSERT INTO bb_pending_change (sync_info_id, mapping_id,"
          + " changed_at, sequence_id, base_json, value_json) SELECT id,"
          + " convert_from(mapping, 'UTF8'), at, seq,"
          + " convert_from(base, 'UTF8'), convert_from(json, 'UTF8') FROM %s WITH ORDINALITY"
          + " AS v(id, mapping, at, seq, base, json, n)"
          + " ORDER BY n ON CONFLICT (sync_info_id, mapping_id) DO UPDATE SET changed_at ="
          + " EXCLUDED.changed_at, sequence_id = EXCLUDED.sequence_id, base_json ="
          + " EXCLUDED.base_json, value_json = EXCLUDED.value_json", true, "int8",
          ManyRows.UTF8, "int8", "int8", ManyRows.UTF8, ManyRows.UTF8));

  private static int write(Connection c, SyncInfo info, String andWhere, Object... whereArgs)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(UPDATE_ROW + andWhere)) {
      bind(s, columns(info, whereArgs));
      return executeKeepingPairs(s, info);
    }
  }

  /** The arguments of {@link #UPDATE_ROW}, then those of the condition after it. */
  private static Object[] columns(SyncInfo info, Object... whereArgs) {
    Object[] args = new Object[14 + whereArgs.length]; // (one array: no copy of a first one)
    args[0] = info.localIssueKey();
    args[1] = info.remoteIssueKey();
    args[2] = info.firstSyncDate();
    args[3] = info.lastOutgoingChange();
    args[4] = info.lastChangeSeen();
    args[5] = info.outgoingMessageSequenceId();
    args[6] = info.lastIncomingChange();
    args[7] = info.incomingMessageSequenceId();
    args[8] = info.incomingChangesIgnored();
    args[9] = info.partnerEpoch();
    args[10] = info.partnerSince();
    args[11] = info.madeAt();
    args[12] = info.ignoredByAdmin();
    args[13] = info.id();
    System.arraycopy(whereArgs, 0, args, 14, whereArgs.length);
    return args;
  }

  /** The tables whose rows hang on a sync information row, by its id ({@code sync_info_id}). */
  private static final List<String> HANGING = List.of("bb_synced_value", "bb_pending_change",
      "bb_skipped_base", "bb_comment_link", "bb_attachment_link", "bb_worklog_link");

  /**
   * Deletes rows and what hangs on them, a statement per table for all of them (at most {@link
   * InLists#CHUNK}); how many of the rows this transaction deleted. A row read before may have
   * been deleted since by another writer (two admins, or a delete of one row and of all at once),
   * which then counts it, not this one.
   */
  private static int deleteRows(Connection c, List<Long> ids) throws SQLException {
    String in = " IN (" + InLists.placeholders(ids.size()) + ")";
    Object[] args = ids.toArray();
    for (String table : HANGING) {
      update(c, "DELETE FROM " + table + " WHERE sync_info_id" + in, args);
    }
    return update(c, "DELETE FROM bb_sync_info WHERE id" + in, args);
  }

  /**
   * Locks the row before it deletes what hangs on it, as {@link #deleteAll} does: deleting its
   * synced values first and then waiting for the row a delete of all held, that delete then
   * waiting for those values, was a deadlock (one of the two failed).
   */
  @Override
  public boolean delete(String connectorKey, long id) {
    return db.run(c -> one(c, BY_ID + " FOR UPDATE", connectorKey, id).isPresent()
        && deleteRows(c, List.of(id)) == 1);
  }

  /**
   * Locks the connector's rows in id order, as the engine's steps lock theirs, then deletes them
   * a hundred at a time: 7 statements per hundred rows, where a row at a time was 7 per row (a
   * connector of 10,000 pairs 70,000 round trips in one transaction, inside an admin request).
   * Rows made after the lock stay, and so do the paired issue links they read (a link with one
   * of their issues at an end).
   */
  @Override
  public int deleteAll(String connectorKey) {
    return db.run(c -> {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM bb_sync_info"
          + " WHERE connector_key = ? ORDER BY id FOR UPDATE")) {
        bind(s, connectorKey);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            ids.add(r.getLong(1));
          }
        }
      }
      int deleted = 0;
      for (int from = 0; from < ids.size(); from += InLists.CHUNK) {
        deleted += deleteRows(c, ids.subList(from, Math.min(ids.size(), from + InLists.CHUNK)));
      }
      // only links no remaining row reads: a row another writer made meanwhile keeps its own
      update(c, "DELETE FROM bb_issue_link l WHERE l.connector_key = ? AND NOT EXISTS (SELECT 1"
          + " FROM bb_sync_info s WHERE s.connector_key = l.connector_key"
          + " AND s.local_issue_key IN (l.outward_issue, l.inward_issue))", connectorKey);
      update(c, "DELETE FROM bb_removed_row WHERE connector_key = ?", connectorKey);
      return deleted;
    });
  }

  @Override
  public Map<String, JsonNode> syncedValues(long syncInfoId) {
    TransactionWrites transaction = db.writes();
    Map<String, JsonNode> read = transaction == null ? null : transaction.takeValues(syncInfoId);
    return read != null ? read : syncedValues(List.of(syncInfoId)).get(syncInfoId);
  }

  @Override
  public Map<Long, Map<String, JsonNode>> syncedValues(Collection<Long> syncInfoIds) {
    requireNoNull(syncInfoIds, "syncInfoIds");
    return perRow(syncInfoIds, "SELECT sync_info_id, mapping_id, value_json FROM bb_synced_value",
        r -> {
          try {
            return Map.of(r.getString(2), json(r, 3));
          } catch (RuntimeException e) {
            db.corrupt().report("bb_synced_value", r.getLong(1) + "/" + r.getString(2),
                "last synced value; taken as unknown", e);
            return null;
          }
        });
  }

  /**
   * A JSON column of the row: read from its UTF-8 bytes on PostgreSQL, which the driver hands
   * over uncopied ({@link JdbcStores#textAsBytes}), else from its text.
   */
  private JsonNode json(ResultSet r, int column) throws SQLException {
    return db.textAsBytes() ? Json.read(r.getBytes(column)) : Json.read(r.getString(column));
  }

  /**
   * Reads one result row: its key and value as a map of one ({@code Map.of}: made once, not an
   * entry first), or null for a row left out (reported).
   */
  private interface RowReader<V> {
    Map<String, V> read(ResultSet r) throws SQLException;
  }

  /**
   * The rows of a per-pair table for several pairs, {@link InLists#CHUNK} pairs per query:
   * {@code select} names {@code sync_info_id} first; every id given gets a map, empty when it has
   * no rows.
   */
  private <V> Map<Long, Map<String, V>> perRow(Collection<Long> syncInfoIds, String select,
      RowReader<V> reader) {
    List<Long> ids = InLists.list(syncInfoIds);
    Map<Long, Map<String, V>> found = new HashMap<>();
    boolean postgres = db.postgres();
    InLists.forEachChunk(ids, chunk -> {
      Map<Long, Map<String, V>> read = db.read(c -> {
        Map<Long, Map<String, V>> each = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(select + " WHERE "
            + InLists.in("sync_info_id", "int8", chunk.size(), postgres))) {
          bind(s, InLists.args(postgres, chunk));
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
              Long id = r.getLong(1);
              Map<String, V> one = reader.read(r);
              if (one != null) {
                each.merge(id, one, JdbcSyncInfoStore::joined);
              }
            }
          }
        }
        return each;
      });
      for (Long id : chunk) {
        Map<String, V> values = read.get(id);
        found.put(id, values == null ? Map.of() : Map.copyOf(values)); // (one entry: as it is)
      }
    });
    return found;
  }

  /**
   * A row id's entries so far and the next: most pairs have one (a map of one, kept as it is);
   * only a second makes a map to add to. A {@code LinkedHashMap} per id copied at the end was
   * about a tenth of reading the values ({@code TwoNodeBenchmark}, JFR).
   */
  private static <V> Map<String, V> joined(Map<String, V> before, Map<String, V> next) {
    Map<String, V> all = before instanceof HashMap ? before : new HashMap<>(before);
    all.putAll(next);
    return all;
  }

  /** Replaces a keyed row: update, or insert when there was none. */
  private static void upsert(Connection c, String updateSql, Object[] updateArgs,
      String insertSql, Object[] insertArgs) throws SQLException {
    if (update(c, updateSql, updateArgs) == 0) {
      update(c, insertSql, insertArgs);
    }
  }

  @Override
  public void putSyncedValues(long syncInfoId, Map<String, JsonNode> values) {
    Long id = syncInfoId; // (boxed once: the keys, the arguments, the transaction's sets)
    db.inTransaction(() -> {
      TransactionWrites transaction = db.writes();
      transaction.valuesWritten(id);
      if (!values.isEmpty() && !transaction.stampedHere(id)) {
        // (a row's values change only with its stamp: see lockRows with rows known)
        transaction.rowWritten(id);
        // (its own key: an advance of the row before or after it is not reordered with it)
        db.write(Key.of("bb_sync_info stamp", id), STAMP_ROW, id);
        transaction.stamped(id);
      }
      for (Map.Entry<String, JsonNode> e : values.entrySet()) {
        Object json = Json.writeArgument(e.getValue());
        db.upsert(Key.of("bb_synced_value", id, e.getKey()), UPDATE_VALUE,
            new Object[] {json, id, e.getKey()}, INSERT_VALUE,
            new Object[] {id, e.getKey(), json});
      }
      return null;
    });
  }

  @Override
  public Map<String, PendingChange> pendingChanges(long syncInfoId) {
    return pendingChanges(List.of(syncInfoId)).get(syncInfoId);
  }

  @Override
  public Map<Long, Map<String, PendingChange>> pendingChanges(Collection<Long> syncInfoIds) {
    requireNoNull(syncInfoIds, "syncInfoIds");
    return perRow(syncInfoIds, "SELECT sync_info_id, mapping_id, changed_at, sequence_id,"
        + " base_json, value_json FROM bb_pending_change", r -> {
          try {
            return Map.of(r.getString(2), new PendingChange(r.getLong(3), r.getLong(4),
                json(r, 5), json(r, 6)));
          } catch (RuntimeException e) {
            db.corrupt().report("bb_pending_change", r.getLong(1) + "/" + r.getString(2),
                "change not yet seen by the partner; left out", e);
            return null;
          }
        });
  }

  @Override
  public void putPendingChanges(long syncInfoId, Map<String, PendingChange> changes) {
    Long id = syncInfoId; // (boxed once: the keys and the arguments)
    db.inTransaction(() -> {
      for (Map.Entry<String, PendingChange> e : changes.entrySet()) {
        PendingChange p = e.getValue();
        Object base = Json.writeArgument(p.baseValue());
        Object value = Json.writeArgument(p.value());
        Long at = p.changedAt();
        Long sequenceId = p.sequenceId();
        db.upsert(Key.of("bb_pending_change", id, e.getKey()), UPDATE_PENDING,
            new Object[] {at, sequenceId, base, value, id, e.getKey()}, INSERT_PENDING,
            new Object[] {id, e.getKey(), at, sequenceId, base, value});
      }
      return null;
    });
  }

  @Override
  public void removePendingChange(long syncInfoId, String fieldMappingId) {
    db.write(Key.of("bb_pending_change", syncInfoId, fieldMappingId), "DELETE FROM"
        + " bb_pending_change WHERE sync_info_id = ? AND mapping_id = ?", syncInfoId,
        fieldMappingId);
  }

  @Override
  public Map<String, JsonNode> skippedBases(long syncInfoId) {
    return skippedBases(List.of(syncInfoId)).get(syncInfoId);
  }

  @Override
  public Map<Long, Map<String, JsonNode>> skippedBases(Collection<Long> syncInfoIds) {
    requireNoNull(syncInfoIds, "syncInfoIds");
    return perRow(syncInfoIds, "SELECT sync_info_id, mapping_id, value_json FROM"
        + " bb_skipped_base", r -> {
          try {
            return Map.of(r.getString(2), json(r, 3));
          } catch (RuntimeException e) {
            db.corrupt().report("bb_skipped_base", r.getLong(1) + "/" + r.getString(2),
                "base of the partner's skipped changes; left out", e);
            return null;
          }
        });
  }

  @Override
  public void putSkippedBases(long syncInfoId, Map<String, JsonNode> bases) {
    db.inTransaction(() -> {
      for (Map.Entry<String, JsonNode> e : bases.entrySet()) {
        Object json = Json.writeArgument(e.getValue());
        db.upsert(Key.of("bb_skipped_base", syncInfoId, e.getKey()), UPDATE_SKIPPED,
            new Object[] {json, syncInfoId, e.getKey()}, INSERT_SKIPPED,
            new Object[] {syncInfoId, e.getKey(), json});
      }
      return null;
    });
  }

  @Override
  public void removeSkippedBases(long syncInfoId, Collection<String> fieldMappingIds) {
    for (String id : fieldMappingIds) {
      db.write(Key.of("bb_skipped_base", syncInfoId, id), "DELETE FROM bb_skipped_base"
          + " WHERE sync_info_id = ? AND mapping_id = ?", syncInfoId, id);
    }
  }

  @Override
  public List<CommentLink> commentLinks(long syncInfoId) {
    return db.read(c -> {
      List<CommentLink> links = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT local_id, remote_id, local_updated,"
          + " body_hash, carried FROM bb_comment_link WHERE sync_info_id = ? ORDER BY position")) {
        s.setLong(1, syncInfoId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            links.add(new CommentLink(r.getString(1), r.getString(2), r.getLong(3),
                r.getString(4), r.getBoolean(5)));
          }
        }
      }
      return links;
    });
  }

  @Override
  public void putCommentLink(long syncInfoId, CommentLink link) {
    db.run(c -> {
      upsert(c, "UPDATE bb_comment_link SET remote_id = ?, local_updated = ?, body_hash = ?,"
          + " carried = ? WHERE sync_info_id = ? AND local_id = ?",
          new Object[] {link.remoteId(), link.localUpdated(), link.bodyHash(), link.carried(),
              syncInfoId, link.localId()},
          "INSERT INTO bb_comment_link (sync_info_id, local_id, remote_id, local_updated,"
              + " body_hash, carried) VALUES (?, ?, ?, ?, ?, ?)",
          new Object[] {syncInfoId, link.localId(), link.remoteId(), link.localUpdated(),
              link.bodyHash(), link.carried()});
      return null;
    });
  }

  @Override
  public void removeCommentLink(long syncInfoId, String localCommentId) {
    db.run(c -> update(c, "DELETE FROM bb_comment_link WHERE sync_info_id = ? AND local_id = ?",
        syncInfoId, localCommentId));
  }

  @Override
  public List<WorklogLink> worklogLinks(long syncInfoId) {
    return db.read(c -> {
      List<WorklogLink> links = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT local_id, remote_id, local_updated,"
          + " content_hash, carried FROM bb_worklog_link WHERE sync_info_id = ?"
          + " ORDER BY position")) {
        s.setLong(1, syncInfoId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            links.add(new WorklogLink(r.getString(1), r.getString(2), r.getLong(3),
                r.getString(4), r.getBoolean(5)));
          }
        }
      }
      return links;
    });
  }

  @Override
  public void putWorklogLink(long syncInfoId, WorklogLink link) {
    db.run(c -> {
      upsert(c, "UPDATE bb_worklog_link SET remote_id = ?, local_updated = ?, content_hash = ?,"
          + " carried = ? WHERE sync_info_id = ? AND local_id = ?",
          new Object[] {link.remoteId(), link.localUpdated(), link.hash(), link.carried(),
              syncInfoId, link.localId()},
          "INSERT INTO bb_worklog_link (sync_info_id, local_id, remote_id, local_updated,"
              + " content_hash, carried) VALUES (?, ?, ?, ?, ?, ?)",
          new Object[] {syncInfoId, link.localId(), link.remoteId(), link.localUpdated(),
              link.hash(), link.carried()});
      return null;
    });
  }

  @Override
  public void removeWorklogLink(long syncInfoId, String localWorklogId) {
    db.run(c -> update(c, "DELETE FROM bb_worklog_link WHERE sync_info_id = ? AND local_id = ?",
        syncInfoId, localWorklogId));
  }

  @Override
  public List<AttachmentLink> attachmentLinks(long syncInfoId) {
    return db.read(c -> {
      List<AttachmentLink> links = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT local_id, remote_id, sha256,"
          + " original FROM bb_attachment_link WHERE sync_info_id = ? ORDER BY position")) {
        s.setLong(1, syncInfoId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            links.add(new AttachmentLink(r.getString(1), r.getString(2), r.getString(3),
                r.getBoolean(4)));
          }
        }
      }
      return links;
    });
  }

  @Override
  public void putAttachmentLink(long syncInfoId, AttachmentLink link) {
    db.run(c -> {
      upsert(c, "UPDATE bb_attachment_link SET remote_id = ?, sha256 = ?, original = ?"
          + " WHERE sync_info_id = ? AND local_id = ?",
          new Object[] {link.remoteId(), link.sha256(), link.original(), syncInfoId,
              link.localId()},
          "INSERT INTO bb_attachment_link (sync_info_id, local_id, remote_id, sha256, original)"
              + " VALUES (?, ?, ?, ?, ?)",
          new Object[] {syncInfoId, link.localId(), link.remoteId(), link.sha256(),
              link.original()});
      return null;
    });
  }

  @Override
  public void removeAttachmentLink(long syncInfoId, String localAttachmentId) {
    db.run(c -> update(c, "DELETE FROM bb_attachment_link WHERE sync_info_id = ? AND"
        + " local_id = ?", syncInfoId, localAttachmentId));
  }

  @Override
  public List<PairedLink> pairedLinks(String connectorKey, String issueKey) {
    return db.read(c -> {
      List<PairedLink> links = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT local_id, remote_id, link_type,"
          + " outward_issue, inward_issue, sent, gone FROM bb_issue_link WHERE"
          + " connector_key = ? AND (outward_issue = ? OR inward_issue = ?) ORDER BY position")) {
        bind(s, connectorKey, issueKey, issueKey);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            links.add(new PairedLink(r.getString(1), r.getString(2), r.getString(3),
                r.getString(4), r.getString(5), r.getInt(6), r.getBoolean(7)));
          }
        }
      }
      return links;
    });
  }

  @Override
  public void putPairedLink(String connectorKey, PairedLink link) {
    db.run(c -> {
      upsert(c, "UPDATE bb_issue_link SET remote_id = ?, link_type = ?, outward_issue = ?,"
          + " inward_issue = ?, sent = ?, gone = ? WHERE connector_key = ? AND local_id = ?",
          new Object[] {link.remoteId(), link.type(), link.outwardIssue(), link.inwardIssue(),
              link.sent(), link.gone(), connectorKey, link.localId()},
          "INSERT INTO bb_issue_link (connector_key, local_id, remote_id, link_type,"
              + " outward_issue, inward_issue, sent, gone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          new Object[] {connectorKey, link.localId(), link.remoteId(), link.type(),
              link.outwardIssue(), link.inwardIssue(), link.sent(), link.gone()});
      return null;
    });
  }

  @Override
  public void removePairedLink(String connectorKey, String localLinkId) {
    db.run(c -> update(c, "DELETE FROM bb_issue_link WHERE connector_key = ? AND local_id = ?",
        connectorKey, localLinkId));
  }

  @Override
  public Optional<PendingCreate> pendingCreate(String connectorKey, String remoteIssueKey) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT origin_marker, created_at FROM"
          + " bb_pending_create WHERE connector_key = ? AND remote_issue_key = ?")) {
        bind(s, connectorKey, remoteIssueKey);
        try (ResultSet r = s.executeQuery()) {
          return r.next()
              ? Optional.of(new PendingCreate(connectorKey, remoteIssueKey, r.getString(1),
                  r.getLong(2)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public void putPendingCreate(PendingCreate p) {
    db.run(c -> {
      upsert(c, "UPDATE bb_pending_create SET origin_marker = ?, created_at = ? WHERE"
          + " connector_key = ? AND remote_issue_key = ?",
          new Object[] {p.originMarker(), p.createdAt(), p.connectorKey(), p.remoteIssueKey()},
          "INSERT INTO bb_pending_create (connector_key, remote_issue_key, origin_marker,"
              + " created_at) VALUES (?, ?, ?, ?)",
          new Object[] {p.connectorKey(), p.remoteIssueKey(), p.originMarker(), p.createdAt()});
      return null;
    });
  }

  @Override
  public void removePendingCreate(String connectorKey, String remoteIssueKey) {
    db.run(c -> update(c, "DELETE FROM bb_pending_create WHERE connector_key = ? AND"
        + " remote_issue_key = ?", connectorKey, remoteIssueKey));
  }

  /**
   * Replaces the record of the same pair and partner row, then forgets the connector's records
   * older than its newest {@link RemovedRow#KEPT_PER_CONNECTOR} (a restore removes rows seldom:
   * one statement more is nothing).
   */
  @Override
  public void putRemovedRow(RemovedRow removed) {
    Objects.requireNonNull(removed, "removed");
    db.run(c -> {
      update(c, "DELETE FROM bb_removed_row WHERE connector_key = ? AND remote_issue_key = ?"
          + " AND partner_epoch = ?", removed.connectorKey(), removed.remoteIssueKey(),
          removed.partnerEpoch());
      update(c, "INSERT INTO bb_removed_row (connector_key, remote_issue_key, partner_epoch,"
          + " incoming_sequence_id) VALUES (?, ?, ?, ?)", removed.connectorKey(),
          removed.remoteIssueKey(), removed.partnerEpoch(), removed.incomingSequenceId());
      return update(c, "DELETE FROM bb_removed_row WHERE connector_key = ? AND position <"
          + " (SELECT MIN(position) FROM (SELECT position FROM bb_removed_row"
          + " WHERE connector_key = ? ORDER BY position DESC FETCH FIRST "
          + RemovedRow.KEPT_PER_CONNECTOR + " ROWS ONLY) newest)", removed.connectorKey(),
          removed.connectorKey());
    });
  }

  @Override
  public Optional<RemovedRow> removedRow(String connectorKey, String remoteIssueKey,
      long partnerEpoch) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT incoming_sequence_id FROM"
          + " bb_removed_row WHERE connector_key = ? AND remote_issue_key = ?"
          + " AND partner_epoch = ?")) {
        bind(s, connectorKey, remoteIssueKey, partnerEpoch);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new RemovedRow(connectorKey, remoteIssueKey,
              partnerEpoch, r.getLong(1))) : Optional.empty();
        }
      }
    });
  }
}
