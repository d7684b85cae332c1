package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.backbonesync.jdbc.TransactionWrites.Key;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.OutboxEntry;

/** The outbox and inbox in SQL tables; messages are kept as the codec's JSON. */
final class JdbcMessageStore implements MessageStore {
  private static final String INBOX = "SELECT message_json, received_at, status, attempts,"
      + " not_before, error, position, source_issue_key, message_id FROM bb_inbox";

  /**
   * An entry by its connector and message id, found through the unique index (message_id,
   * connector_key), never through an index on the connector alone, whatever the statistics say:
   * the connector is compared as {@link JdbcSyncInfoStore#SAME_CONNECTOR} compares it (see
   * V11__message_id_first.sql). A sequential scan stays possible for a queue PostgreSQL takes
   * for a page or two.
   */
  static final String BY_MESSAGE = JdbcSyncInfoStore.SAME_CONNECTOR + " AND message_id = ?";
  /**
   * The due heads: entries with no earlier entry of their issue. The earlier entry is looked for
   * by a subquery per entry (its {@code OFFSET 0 ROWS} keeps PostgreSQL from turning it into an
   * anti-join whose plan follows the statistics: estimating a churning inbox as nearly empty, it
   * compared each entry with the whole connector's inbox, 14 ms for 200 entries), through the
   * index on (connector, issue, sequence) up to the entry's sequence id, and it stops at the
   * first it finds: about one index row per entry, however many wait behind a failed head.
   */
  private static final String NEXT_INCOMING = INBOX + " i WHERE connector_key = ?"
      + " AND NOT EXISTS (SELECT 1 FROM bb_inbox o WHERE o.connector_key = i.connector_key"
      + " AND o.source_issue_key = i.source_issue_key AND o.sequence_id <= i.sequence_id"
      + " AND (o.sequence_id < i.sequence_id OR o.received_at < i.received_at"
      + " OR o.received_at = i.received_at AND o.position < i.position) OFFSET 0 ROWS)"
      + " AND status = ? AND not_before <= ?"
      + " ORDER BY received_at, source_issue_key FETCH FIRST ? ROWS ONLY";

  private static final String INSERT_OUTGOING = "INSERT INTO bb_outbox (connector_key,"
      + " message_id, message_json, added_at, attempts, not_before) VALUES (?, ?, ?, ?, 0, ?)";
  /**
   * Inserts unless the message id is there already: one round trip, the count says which. (An
   * {@code INSERT ... SELECT}, which pgjdbc's {@code reWriteBatchedInserts} leaves alone: a
   * batch of {@code INSERT ... VALUES} would come back as multi-row inserts without counts.)
   */
  private static final String INSERT_INCOMING = "INSERT INTO bb_inbox (connector_key,"
      + " message_id, source_issue_key, sequence_id, message_json, received_at, status, attempts,"
      + " not_before) SELECT ?, ?, ?, ?, ?, ?, ?, 0, ? WHERE NOT EXISTS (SELECT 1 FROM bb_inbox"
      + " WHERE " + BY_MESSAGE + ")";
  private static final String DELETE_OUTGOING =
      "DELETE FROM bb_outbox WHERE " + BY_MESSAGE;
  static final String DELETE_INCOMING =
      "DELETE FROM bb_inbox WHERE " + BY_MESSAGE;

  /** PostgreSQL's forms of this store's batched writes for many rows, by their statement. */
  static final Map<String, ManyRows> MANY_ROWS = Map.of(
      INSERT_OUTGOING, ManyRows.of("INSERT INTO bb_outbox (connector_key,"
          + " message_id, message_json, added_at, attempts, not_before) SELECT"
          + " convert_from(ck, 'UTF8'), convert_from(id, 'UTF8'), convert_from(json, 'UTF8'),"
          + " added, 0, due FROM %s WITH ORDINALITY AS v(ck, id, json, added, due, n)"
          + " ORDER BY n", false, ManyRows.UTF8, ManyRows.UTF8, ManyRows.UTF8, "int8", "int8"),
      // (a message there already is left as it is, as the single row's NOT EXISTS does)
      INSERT_INCOMING, ManyRows.of("INSERT INTO bb_inbox (connector_key,"
          + " message_id, source_issue_key, sequence_id, message_json, received_at, status,"
          + " attempts, not_before) SELECT convert_from(ck, 'UTF8'), convert_from(id, 'UTF8'),"
          + " convert_from(issue, 'UTF8'), seq, convert_from(json, 'UTF8'), received,"
          + " convert_from(status, 'UTF8'), 0, due FROM %s WITH ORDINALITY"
          + " AS v(ck, id, issue, seq, json, received, status, due, n)"
          + " ORDER BY n ON CONFLICT (message_id, connector_key) DO NOTHING", false,
          ManyRows.UTF8, ManyRows.UTF8, ManyRows.UTF8, "int8", ManyRows.UTF8, "int8",
          ManyRows.UTF8, "int8"),
      DELETE_INCOMING, ManyRows.of("DELETE FROM bb_inbox AS t USING %s AS v(ck, id)"
          + " WHERE t.message_id = v.id AND t.connector_key || '' = convert_from(v.ck, 'UTF8')",
          false, ManyRows.UTF8, "varchar"));

  private final JdbcStores db;
  private final MessageCodec codec = new MessageCodec();
  private final DecodedMessages decoded = new DecodedMessages(codec);

  JdbcMessageStore(JdbcStores db) {
    this.db = db;
  }

  /** The JSON this store writes of a message, which it keeps decoded when it can. */
  private Utf8Text json(SyncMessage m) {
    byte[] json = codec.encode(m);
    decoded.written(json, m);
    return new Utf8Text(json);
  }

  /**
   * The message of an inbox row read by {@link #INBOX}'s columns: the known one of its id when
   * the query left its JSON out (null), or null when that entry is not the known one (received
   * at another time: removed and received again since, say as a sender restored from a backup
   * gives an id again).
   */
  private SyncMessage message(ResultSet r, Map<String, InboxEntry> known) throws SQLException {
    byte[] json = db.textAsBytes() ? r.getBytes(1) : utf8(r.getString(1));
    if (json != null) {
      return decoded.decode(json);
    }
    InboxEntry kept = known.get(r.getString(9));
    return kept != null && kept.receivedAt() == r.getLong(2) ? kept.message() : null;
  }

  private static final InboxEntry.Status[] STATUSES = InboxEntry.Status.values();
  /** The statuses' names in UTF-8, in {@link #STATUSES}' order. */
  private static final byte[][] STATUS_NAMES = Arrays.stream(STATUSES)
      .map(status -> status.name().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

  /**
   * The status of an inbox row read by {@link #INBOX}'s columns; on PostgreSQL found by the
   * column's bytes, without a string made of them per row read (about a two-hundredth of what
   * a change allocated, {@code TwoNodeBenchmark}, JFR). A name no status has is refused as
   * {@code Status.valueOf} refuses it.
   */
  private InboxEntry.Status status(ResultSet r) throws SQLException {
    if (!db.textAsBytes()) {
      return InboxEntry.Status.valueOf(r.getString(3));
    }
    byte[] name = r.getBytes(3);
    for (int i = 0; name != null && i < STATUS_NAMES.length; i++) {
      if (Arrays.equals(STATUS_NAMES[i], name)) {
        return STATUSES[i];
      }
    }
    return InboxEntry.Status.valueOf(name == null ? null
        : new String(name, StandardCharsets.UTF_8));
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The message whose JSON is in this column: on PostgreSQL its UTF-8 bytes as the driver
   * received them (pgjdbc's {@code getBytes} of a text column), elsewhere the text's.
   */
  private SyncMessage message(ResultSet r, int column) throws SQLException {
    return decoded.decode(db.textAsBytes() ? r.getBytes(column)
        : r.getString(column).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void addOutgoing(SyncMessage message, long now) {
    db.write(Key.of("bb_outbox", message.fromConnector(), message.messageId()),
        INSERT_OUTGOING, outgoingRow(message, now));
  }

  private Object[] outgoingRow(SyncMessage m, long now) {
    return new Object[] {m.fromConnector(), m.messageId(), json(m), now, now};
  }

  private Object[] incomingRow(SyncMessage m, long receivedAt) {
    Long at = receivedAt; // (boxed once for both columns)
    return new Object[] {m.toConnector(), m.messageId(), m.sourceIssueKey(), m.sequenceId(),
        json(m), at, InboxEntry.Status.PENDING.name(), at, m.toConnector(), m.messageId()};
  }

  @Override
  public Optional<OutboxEntry> outgoing(String connectorKey, String messageId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT message_json, added_at, attempts,"
          + " not_before, last_error FROM bb_outbox WHERE " + BY_MESSAGE)) {
        bind(s, connectorKey, messageId);
        try (ResultSet r = s.executeQuery()) {
          return r.next()
              ? Optional.of(new OutboxEntry(message(r, 1), r.getLong(2), r.getInt(3),
                  r.getLong(4), r.getString(5)))
              : Optional.<OutboxEntry>empty();
        }
      }
    });
  }

  @Override
  public boolean hasDueOutgoing(String connectorKey, long now) {
    // one index probe; a damaged row counts (the delivery reads the rows and reports it)
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM bb_outbox WHERE"
          + " connector_key = ? AND not_before <= ? FETCH FIRST 1 ROW ONLY")) {
        bind(s, connectorKey, now);
        try (ResultSet r = s.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  @Override
  public List<OutboxEntry> dueOutgoing(String connectorKey, long now, int limit) {
    return db.read(c -> {
      List<OutboxEntry> due = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT message_json, added_at, attempts,"
          + " not_before, last_error, position, message_id FROM bb_outbox WHERE connector_key = ?"
          + " AND not_before <= ? ORDER BY position")) {
        s.setMaxRows(limit);
        bind(s, connectorKey, now);
        try (ResultSet r = s.executeQuery()) {
          while (r.next() && due.size() < limit) {
            SyncMessage m;
            try {
              m = message(r, 1);
            } catch (RuntimeException e) {
              db.corrupt().report("bb_outbox", String.valueOf(r.getLong(6)), "message "
                  + r.getString(7), e);
              continue;
            }
            due.add(new OutboxEntry(m, r.getLong(2), r.getInt(3), r.getLong(4),
                r.getString(5)));
          }
        }
      }
      return due;
    });
  }

  @Override
  public void updateOutgoing(OutboxEntry e) {
    db.run(c -> update(c, "UPDATE bb_outbox SET attempts = ?, not_before = ?, last_error = ?"
        + " WHERE " + BY_MESSAGE, e.attempts(), e.notBefore(),
        e.lastError(), e.message().fromConnector(), e.message().messageId()));
  }

  @Override
  public void removeOutgoing(String connectorKey, String messageId) {
    db.run(c -> update(c, DELETE_OUTGOING, connectorKey, messageId));
  }

  @Override
  public int outgoingCount(String connectorKey) {
    return db.read(c -> count(c, "bb_outbox", connectorKey));
  }

  @Override
  public int failedIncomingCount(String connectorKey) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT COUNT(*) FROM bb_inbox WHERE connector_key = ? AND status = ?")) {
        bind(s, connectorKey, InboxEntry.Status.FAILED.name());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      }
    });
  }

  @Override
  public OptionalLong oldestOutgoing(String connectorKey) {
    return db.read(c -> oldest(c, "SELECT MIN(added_at) FROM bb_outbox WHERE connector_key = ?",
        connectorKey));
  }

  @Override
  public OptionalLong oldestIncoming(String connectorKey) {
    return db.read(c -> oldest(c,
        "SELECT MIN(received_at) FROM bb_inbox WHERE connector_key = ?", connectorKey));
  }

  private static OptionalLong oldest(Connection c, String sql, String connectorKey)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, connectorKey);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long min = r.getLong(1);
        return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(min);
      }
    }
  }

  private static int count(Connection c, String table, String connectorKey) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT COUNT(*) FROM " + table + " WHERE connector_key = ?")) {
      s.setString(1, connectorKey);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  @Override
  public boolean addIncoming(SyncMessage message, long receivedAt) {
    return db.run(c -> update(c, INSERT_INCOMING, incomingRow(message, receivedAt)) == 1);
  }

  private List<InboxEntry> incoming(Connection c, String connectorKey, String where,
      Object... args) throws SQLException {
    Object[] all = new Object[args.length + 1];
    all[0] = connectorKey;
    System.arraycopy(args, 0, all, 1, args.length);
    return incoming(c, INBOX + " WHERE connector_key = ? AND " + where
        + " ORDER BY source_issue_key, sequence_id, received_at, position", all);
  }

  /** The entries a query finds; a row whose message cannot be read is reported and left out. */
  private List<InboxEntry> incoming(Connection c, String sql, Object[] args) throws SQLException {
    return incoming(c, sql, args, Map.of());
  }

  /**
   * The entries a query finds, the message of a row whose message column is null being the
   * known one of its message id; a row whose message cannot be read is reported and left out.
   * Null when a row's message column is null and its entry not the known one.
   */
  private List<InboxEntry> incoming(Connection c, String sql, Object[] args,
      Map<String, InboxEntry> known) throws SQLException {
    List<InboxEntry> entries = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          try {
            SyncMessage message = message(r, known);
            if (message == null) {
              return null;
            }
            entries.add(new InboxEntry(message, r.getLong(2), status(r), r.getInt(4),
                r.getLong(5), r.getString(6)));
          } catch (RuntimeException e) {
            db.corrupt().report("bb_inbox", String.valueOf(r.getLong(7)), "message "
                + r.getString(9) + " of " + r.getString(8), e);
          }
        }
      }
    }
    return entries;
  }

  @Override
  public List<InboxEntry> nextIncoming(String connectorKey, long now, int limit) {
    // The database picks the heads (no earlier entry of the same issue) that are due, so a
    // backlog of thousands of messages is neither read nor parsed to find the next few; an
    // unreadable head is reported and holds back its issue only.
    return db.read(c -> incoming(c, NEXT_INCOMING, new Object[] {connectorKey,
        InboxEntry.Status.PENDING.name(), now, limit}));
  }

  @Override
  public List<InboxEntry> incomingFor(String connectorKey, String sourceIssueKey) {
    return db.read(c -> incoming(c, connectorKey, "source_issue_key = ?", sourceIssueKey));
  }

  /** In reads of at most {@link InLists#CHUNK} issues. */
  @Override
  public Map<String, List<InboxEntry>> incomingFor(String connectorKey,
      Collection<String> sourceIssueKeys) {
    JdbcSyncInfoStore.requireNoNull(sourceIssueKeys, "sourceIssueKeys");
    List<String> keys = List.copyOf(new LinkedHashSet<>(sourceIssueKeys));
    Map<String, List<InboxEntry>> found = new HashMap<>();
    InLists.forEachChunk(keys, chunk -> db.read(c -> incoming(c, connectorKey,
        "source_issue_key IN (" + InLists.placeholders(chunk.size()) + ")", chunk.toArray()))
        .forEach(e -> found.computeIfAbsent(e.message().sourceIssueKey(),
            k -> new ArrayList<>()).add(e)));
    return found;
  }

  /**
   * As {@link #incomingFor(String, Collection)}, the message column read only of entries whose
   * message id none of {@code known} has (a {@code CASE} in the query, the ids bound in a list as
   * long as the issues', so the statement's shapes stay those of the issues' lists; a chunk with
   * an entry of a known id received at another time is read again whole): an apply's
   * round read again the messages of the heads it had read before its claim, about 0.9 KB of a
   * change ({@code TwoNodeBenchmark}, JFR).
   */
  @Override
  public Map<String, List<InboxEntry>> incomingFor(String connectorKey,
      Collection<String> sourceIssueKeys, Collection<InboxEntry> known) {
    JdbcSyncInfoStore.requireNoNull(sourceIssueKeys, "sourceIssueKeys");
    JdbcSyncInfoStore.requireNoNull(known, "known");
    Map<String, InboxEntry> messages = new HashMap<>();
    for (InboxEntry e : known) {
      if (e.message().toConnector().equals(connectorKey)) {
        messages.put(e.message().messageId(), e);
      }
    }
    if (messages.isEmpty()) {
      return incomingFor(connectorKey, sourceIssueKeys);
    }
    List<String> keys = List.copyOf(new LinkedHashSet<>(sourceIssueKeys));
    Map<String, List<InboxEntry>> found = new HashMap<>();
    InLists.forEachChunk(keys, chunk -> db.read(c -> incomingKnown(c, connectorKey, chunk,
        messages)).forEach(e -> found.computeIfAbsent(e.message().sourceIssueKey(),
            k -> new ArrayList<>()).add(e)));
    return found;
  }

  /**
   * The entries of a chunk of issues, the messages of the known ids not read; all read again
   * when an entry of a known id is not the known one (received at another time).
   */
  private List<InboxEntry> incomingKnown(Connection c, String connectorKey, List<String> issues,
      Map<String, InboxEntry> known) throws SQLException {
    Set<String> ofChunk = new java.util.HashSet<>(issues);
    List<Object> ids = new ArrayList<>(issues.size());
    for (InboxEntry e : known.values()) {
      if (ids.size() < issues.size() && ofChunk.contains(e.message().sourceIssueKey())) {
        ids.add(e.message().messageId());
      }
    }
    List<InboxEntry> found = ids.isEmpty() ? null : incomingKnownIds(c, connectorKey, issues,
        ids, known);
    return found != null ? found : incoming(c, connectorKey, "source_issue_key IN ("
        + InLists.placeholders(issues.size()) + ")", issues.toArray());
  }

  /** The query of {@link #incomingKnown} with the known ids of the chunk; null: read again. */
  private List<InboxEntry> incomingKnownIds(Connection c, String connectorKey,
      List<String> issues, List<Object> ids, Map<String, InboxEntry> known) throws SQLException {
    while (ids.size() < issues.size()) {
      ids.add(ids.get(0)); // (a repeat in the list changes nothing)
    }
    String in = InLists.placeholders(issues.size());
    ids.add(connectorKey);
    ids.addAll(issues);
    return incoming(c, "SELECT CASE WHEN message_id IN (" + in + ") THEN NULL ELSE message_json"
        + " END" + INBOX.substring(INBOX.indexOf(',')) + " WHERE connector_key = ? AND"
        + " source_issue_key IN (" + in + ")"
        + " ORDER BY source_issue_key, sequence_id, received_at, position", ids.toArray(),
        known);
  }

  @Override
  public Optional<InboxEntry> incoming(String connectorKey, String messageId) {
    return db.read(c -> incoming(c, connectorKey, "message_id = ?", messageId).stream()
        .findFirst());
  }

  @Override
  public List<InboxEntry> failedIncoming(String connectorKey) {
    return db.read(c -> incoming(c, connectorKey, "status = ?", InboxEntry.Status.FAILED.name())
        .stream().sorted(Comparator.comparingLong(InboxEntry::receivedAt)).toList());
  }

  @Override
  public void updateIncoming(InboxEntry e) {
    db.run(c -> update(c, "UPDATE bb_inbox SET status = ?, attempts = ?, not_before = ?,"
        + " error = ? WHERE " + BY_MESSAGE, e.status().name(),
        e.attempts(), e.notBefore(), e.error(), e.message().toConnector(),
        e.message().messageId()));
  }

  @Override
  public void removeIncoming(String connectorKey, String messageId) {
    db.write(Key.of("bb_inbox", connectorKey, messageId), DELETE_INCOMING, connectorKey,
        messageId);
  }

  @Override
  public int incomingCount(String connectorKey) {
    return db.read(c -> count(c, "bb_inbox", connectorKey));
  }

  // ------------------------------------------------------------------ several at once

  /** Runs one statement for each set of arguments as a JDBC batch: one round trip. */
  private int[] batch(String sql, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return new int[0];
    }
    return db.run(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (Object[] row : rows) {
          bind(s, row);
          s.addBatch();
        }
        return s.executeBatch();
      }
    });
  }

  private void deleteAll(String sql, String connectorKey, Collection<String> messageIds) {
    List<Object[]> rows = new ArrayList<>();
    messageIds.forEach(id -> rows.add(new Object[] {connectorKey, id}));
    batch(sql, rows);
  }

  @Override
  public void addOutgoing(List<SyncMessage> messages, long now) {
    batch(INSERT_OUTGOING, messages.stream().map(m -> outgoingRow(m, now)).toList());
  }

  @Override
  public void removeOutgoing(String connectorKey, Collection<String> messageIds) {
    deleteAll(DELETE_OUTGOING, connectorKey, messageIds);
  }

  @Override
  public Set<String> addIncoming(List<SyncMessage> messages, long receivedAt) {
    int[] counts = batch(INSERT_INCOMING,
        messages.stream().map(m -> incomingRow(m, receivedAt)).toList());
    Set<String> stored = new LinkedHashSet<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == Statement.SUCCESS_NO_INFO) {
        // the counts tell which messages were new; without them the answer would be a guess
        throw new IllegalStateException("the JDBC driver does not report batch row counts");
      }
      if (counts[i] == 1) {
        stored.add(messages.get(i).messageId());
      }
    }
    return stored;
  }

  /** Sent with the transaction's other writes of its statement, in one batch, at the commit. */
  @Override
  public void handOver(SyncMessage message, long receivedAt) {
    db.write(Key.of("bb_inbox", message.toConnector(), message.messageId()), INSERT_INCOMING,
        incomingRow(message, receivedAt));
  }

  @Override
  public void removeIncoming(String connectorKey, Collection<String> messageIds) {
    deleteAll(DELETE_INCOMING, connectorKey, messageIds);
  }
}
