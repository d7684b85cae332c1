package org.backbonesync.memory;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.PairedLink;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;
import org.backbonesync.spi.store.WorklogLink;

/**
 * All stores in memory, with real transactions: writes inside {@link #inTransaction} are undone
 * when the work throws (an {@link Error} too, which is how tests simulate a crash mid-step).
 * Transactions are serialized by one lock. State outlives any engine built on it, so a test can
 * "restart" an engine on the same instance as it would on a durable store. Thread-safe.
 *
 * <p>For one process: nothing is written anywhere, so the state is lost when the process ends
 * (durable stores are backbone-jdbc's {@code JdbcStores}).
 */
public final class InMemoryStores implements Stores {
  private final ReentrantLock lock = new ReentrantLock();
  // The open transaction's undo log; both guarded by the lock (one transaction at a time), so
  // neither is allocated per transaction.
  private final UndoLog undo = new UndoLog();
  private boolean open;
  private final SyncInfos syncInfos = new SyncInfos();
  private final Messages messages = new Messages();
  private final Watermarks watermarks = new Watermarks();
  private final Tasks tasks = new Tasks();
  private final Conflicts conflicts = new Conflicts();
  private final EnvelopeIds envelopeIds = new EnvelopeIds();
  private final InMemoryTraces traces = new InMemoryTraces();

  /** Empty stores. */
  @Inject
  public InMemoryStores() {}

  @Override
  public SyncInfoStore syncInfo() {
    return syncInfos;
  }

  @Override
  public MessageStore messages() {
    return messages;
  }

  @Override
  public WatermarkStore watermarks() {
    return watermarks;
  }

  @Override
  public TaskStore tasks() {
    return tasks;
  }

  @Override
  public ConflictStore conflicts() {
    return conflicts;
  }

  private final LeaseStore leases = new LeaseStore() {
    private record Lease(String node, long until) {}

    // scope -> key -> lease: no key object is built per call
    private final Map<String, Map<String, Lease>> held = new HashMap<>();

    @Override
    public boolean tryLease(String scope, String key, String node, long now, long until) {
      lock.lock(); // not through locked(): a lease is taken several times per engine step
      try {
        Map<String, Lease> inScope = held.computeIfAbsent(scope, s -> new HashMap<>());
        Lease current = inScope.get(key);
        if (current != null && !current.node().equals(node) && current.until() > now) {
          return false;
        }
        put(inScope, key, new Lease(node, until)); // (undone with a transaction rolled back)
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Set<String> tryLeases(String scope, Collection<String> keys, String node, long now,
        long until) {
      if (keys.size() == 1) { // (most claims: one issue changed, one message come)
        String key = keys.iterator().next();
        return tryLease(scope, key, node, now, until) ? Set.of(key) : Set.of();
      }
      Set<String> held = new HashSet<>(); // (the caller's: no copy)
      for (String key : keys) {
        if (tryLease(scope, key, node, now, until)) {
          held.add(key);
        }
      }
      return held;
    }

    /** Its writes go through the undo log of an open transaction, as every store's here. */
    @Override
    public boolean releaseJoinsTransactions() {
      return true;
    }

    @Override
    public void release(String scope, String key, String node) {
      lock.lock();
      try {
        Map<String, Lease> inScope = held.get(scope);
        Lease current = inScope == null ? null : inScope.get(key);
        if (current != null && current.node().equals(node)) {
          remove(inScope, key); // (undone with a transaction rolled back)
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Optional<List<org.backbonesync.spi.store.Lease>> leases(String scope, long now,
        int limit) {
      lock.lock();
      try {
        return Optional.of(held.getOrDefault(scope, Map.of()).entrySet().stream()
            .filter(e -> e.getValue().until() > now)
            .sorted(Map.Entry.comparingByKey())
            .limit(limit)
            .map(e -> new org.backbonesync.spi.store.Lease(scope, e.getKey(),
                e.getValue().node(), e.getValue().until()))
            .toList());
      } finally {
        lock.unlock();
      }
    }
  };

  @Override
  public LeaseStore leases() {
    return leases;
  }

  /** The trace, kept outside the transactions; a {@link #backup} does not copy it. */
  @Override
  public TraceStore trace() {
    return traces;
  }

  @Override
  public EnvelopeIdStore envelopeIds() {
    return envelopeIds;
  }

  private final class EnvelopeIds implements EnvelopeIdStore {
    /** Scope and id, joined by NUL, to when the id expires. */
    private final Map<String, Long> expiry = new HashMap<>();

    @Override
    public boolean remember(String scope, String envelopeId, long expiresAt, long now) {
      return locked(() -> {
        String key = k(scope, envelopeId);
        Long until = expiry.get(key);
        if (until != null && until > now) {
          return false;
        }
        put(expiry, key, expiresAt);
        return true;
      });
    }

    @Override
    public boolean isRemembered(String scope, String envelopeId, long now) {
      return locked(() -> {
        Long until = expiry.get(k(scope, envelopeId));
        return until != null && until > now;
      });
    }

    @Override
    public int forgetExpired(long now) {
      return locked(() -> {
        List<String> expired = new ArrayList<>();
        expiry.forEach((key, until) -> {
          if (until <= now) {
            expired.add(key);
          }
        });
        expired.forEach(key -> remove(expiry, key));
        return expired.size();
      });
    }
  }

  private final class Conflicts implements ConflictStore {
    private final List<ConflictRecord> records = new ArrayList<>();
    /** The last id given: records trimmed leave gaps, and ids still increase. */
    private long lastId;

    @Override
    public ConflictRecord add(ConflictRecord record) {
      return inTransaction(() -> {
        ConflictRecord stored = record.withId(++lastId);
        records.add(stored);
        undo.push(() -> records.remove(records.size() - 1));
        return stored;
      });
    }

    @Override
    public ConflictRecord add(ConflictRecord record, int keep) {
      return inTransaction(() -> {
        ConflictRecord stored = add(record);
        List<ConflictRecord> issues = list(record.connectorKey(), record.localIssueKey());
        if (record.localIssueKey() != null) {
          issues.subList(0, Math.max(0, issues.size() - Math.max(1, keep))).forEach(old -> {
            int at = records.indexOf(old);
            records.remove(at);
            undo.push(() -> records.add(at, old));
          });
        }
        return stored;
      });
    }

    @Override
    public List<ConflictRecord> list(String connectorKey, String localIssueKey) {
      return locked(() -> records.stream()
          .filter(r -> r.connectorKey().equals(connectorKey))
          .filter(r -> localIssueKey == null || localIssueKey.equals(r.localIssueKey()))
          .toList());
    }
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    if (undoLog() != null) {
      return work.get();
    }
    lock.lock();
    open = true;
    try {
      return work.get();
    } catch (RuntimeException | Error e) {
      undo.undo();
      throw e;
    } finally {
      undo.clear();
      open = false;
      lock.unlock();
    }
  }

  /** The undo log when this thread is inside a transaction, else null. */
  private UndoLog undoLog() {
    return lock.isHeldByCurrentThread() && open ? undo : null;
  }

  private <T> T locked(Supplier<T> body) {
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  /** Puts a value, remembering how to undo it when inside a transaction. */
  private <K, V> void put(Map<K, V> map, K key, V value) {
    boolean had = map.containsKey(key);
    V old = map.put(key, value);
    UndoLog log = undoLog();
    if (log != null) {
      log.mapped(map, key, had, old);
    }
  }

  private <K, V> void remove(Map<K, V> map, K key) {
    if (!map.containsKey(key)) {
      return;
    }
    V old = map.remove(key);
    UndoLog log = undoLog();
    if (log != null) {
      log.mapped(map, key, true, old);
    }
  }

  private static String k(String connectorKey, String issueKey) {
    return connectorKey + '\u0000' + issueKey;
  }

  /** Refuses a null collection, or a null in it, naming it and the null's index. */
  private static void requireNoNull(Collection<?> values, String name) {
    Objects.requireNonNull(values, name);
    int i = 0;
    for (Object value : values) {
      if (value == null) {
        throw new NullPointerException(name + "[" + i + "]");
      }
      i++;
    }
  }

  private final class SyncInfos implements SyncInfoStore {
    /**
     * Everything kept for one pair. The maps are immutable and replaced on change, so they are
     * handed to readers as they are.
     */
    private static final class Row {
      SyncInfo info;
      Map<String, JsonNode> synced = Map.of();
      Map<String, PendingChange> pending = Map.of();
      Map<String, JsonNode> skipped = Map.of();
      Map<String, CommentLink> comments = Map.of();
      Map<String, AttachmentLink> attachments = Map.of();
      Map<String, WorklogLink> worklogs = Map.of();

      Row(SyncInfo info) {
        this.info = info;
      }
    }

    /** Where a row keeps one kind of its content links, each by its local id. */
    private record LinkField<L>(Function<Row, Map<String, L>> get,
        BiConsumer<Row, Map<String, L>> set, Function<L, String> localId) {}

    private static final LinkField<CommentLink> COMMENTS =
        new LinkField<>(r -> r.comments, (r, m) -> r.comments = m, CommentLink::localId);
    private static final LinkField<WorklogLink> WORKLOGS =
        new LinkField<>(r -> r.worklogs, (r, m) -> r.worklogs = m, WorklogLink::localId);
    private static final LinkField<AttachmentLink> ATTACHMENTS =
        new LinkField<>(r -> r.attachments, (r, m) -> r.attachments = m, AttachmentLink::localId);

    // Rows by id: ids count up from 1 and are never reused, so an array is the index (a deleted
    // row leaves an empty slot). With the key indexes below holding the rows themselves, a pair
    // costs no boxed id or map entry of its own (the footprint benchmark counts every byte).
    private Row[] rows = new Row[1024];
    private long lastId;
    /** The last stamp given (never rolled back, like a database sequence). */
    private long lastStamp;
    private final Map<String, Map<String, Row>> byLocal = new HashMap<>();
    private final Map<String, Map<String, Row>> byRemote = new HashMap<>();
    private final Map<String, PendingCreate> pending = new HashMap<>();
    /** Removed rows by connector, then remote key and partner epoch, the oldest first. */
    private final Map<String, LinkedHashMap<String, RemovedRow>> removed = new HashMap<>();
    /** Paired issue links by connector and local link id, and by connector and either issue. */
    private final Map<String, PairedLink> links = new HashMap<>();
    private final Map<String, Map<String, PairedLink>> byIssue = new HashMap<>();
    private final SharedValues shared = new SharedValues();

    private Row row(long id) {
      return id > 0 && id < rows.length ? rows[(int) id] : null;
    }

    /** Fills an empty one with copies of these rows (their maps are immutable: shared). */
    void copyInto(SyncInfos to) {
      to.rows = new Row[rows.length];
      for (int i = 0; i < rows.length; i++) {
        Row r = rows[i];
        if (r == null) {
          continue;
        }
        Row copy = new Row(r.info);
        copy.synced = r.synced;
        copy.pending = r.pending;
        copy.skipped = r.skipped;
        copy.comments = r.comments;
        copy.attachments = r.attachments;
        copy.worklogs = r.worklogs;
        to.rows[i] = copy;
        to.byLocal.computeIfAbsent(r.info.connectorKey(), c -> new HashMap<>())
            .put(r.info.localIssueKey(), copy);
        if (r.info.remoteIssueKey() != null) {
          to.byRemote.computeIfAbsent(r.info.connectorKey(), c -> new HashMap<>())
              .put(r.info.remoteIssueKey(), copy);
        }
      }
      to.lastId = lastId;
      to.lastStamp = lastStamp;
      to.pending.putAll(pending);
      removed.forEach((c, m) -> to.removed.put(c, new LinkedHashMap<>(m)));
      links.forEach((k, link) -> to.links.put(k, link));
      byIssue.forEach((k, m) -> to.byIssue.put(k, new LinkedHashMap<>(m)));
    }

    private Row row(String connectorKey, long id) {
      Row row = row(id);
      return row != null && row.info.connectorKey().equals(connectorKey) ? row : null;
    }

    private Row lookup(Map<String, Map<String, Row>> byConnector, String connectorKey,
        String issueKey) {
      Map<String, Row> m = byConnector.get(connectorKey);
      return m == null ? null : m.get(issueKey);
    }

    private Optional<SyncInfo> info(Row row) {
      return row == null ? Optional.empty() : Optional.of(row.info);
    }

    @Override
    public Optional<SyncInfo> findByLocalKey(String connectorKey, String localIssueKey) {
      return locked(() -> info(lookup(byLocal, connectorKey, localIssueKey)));
    }

    /**
     * The rows as they are now, read under the store's lock at once: an unchanged row is the
     * same instance as known, there being nothing to spare in reading it.
     */
    @Override
    public Map<String, SyncInfo> findByLocalKeysAgain(String connectorKey,
        Collection<SyncInfo> known) {
      requireNoNull(known, "known");
      return locked(() -> {
        Map<String, SyncInfo> found = new HashMap<>();
        for (SyncInfo row : known) {
          info(lookup(byLocal, connectorKey, row.localIssueKey()))
              .ifPresent(now -> found.put(now.localIssueKey(), now));
        }
        return found;
      });
    }

    @Override
    public Optional<SyncInfo> findByRemoteKey(String connectorKey, String remoteIssueKey) {
      return locked(() -> info(lookup(byRemote, connectorKey, remoteIssueKey)));
    }

    @Override
    public Optional<SyncInfo> findById(String connectorKey, long id) {
      return locked(() -> info(row(connectorKey, id)));
    }

    @Override
    public List<SyncInfo> list(String connectorKey) {
      return locked(() -> {
        List<SyncInfo> found = new ArrayList<>();
        for (long id = 1; id <= lastId; id++) {
          Row row = rows[(int) id];
          if (row != null && row.info.connectorKey().equals(connectorKey)) {
            found.add(row.info);
          }
        }
        return Collections.unmodifiableList(found);
      });
    }

    @Override
    public long nextStamp() {
      return locked(() -> ++lastStamp);
    }

    @Override
    public long lastStamp() {
      return locked(() -> lastStamp);
    }

    @Override
    public SyncInfo insert(SyncInfo info) {
      return inTransaction(() -> {
        checkUnique(info, -1);
        if (lastId + 1 >= Integer.MAX_VALUE) {
          throw new IllegalStateException("the in-memory stores hold at most "
              + (Integer.MAX_VALUE - 1) + " sync information rows");
        }
        long id = ++lastId;
        if (id >= rows.length) {
          rows = Arrays.copyOf(rows, (int) Math.min(Integer.MAX_VALUE - 1L, 2L * rows.length));
        }
        Row row = new Row(info.withId(id).withStamp(++lastStamp));
        rows[(int) id] = row;
        undoLog().push(() -> {
          rows[(int) id] = null;
          lastId = id - 1;
        });
        index(row, row.info);
        return row.info;
      });
    }

    @Override
    public void update(SyncInfo info) {
      inTransaction(() -> {
        Row row = row(info.connectorKey(), info.id());
        if (row == null) {
          throw new IllegalArgumentException(
              "no sync information with id " + info.id() + " in connector " + info.connectorKey());
        }
        checkUnique(info, info.id());
        SyncInfo old = row.info;
        if (!Objects.equals(old.localIssueKey(), info.localIssueKey())
            || !Objects.equals(old.remoteIssueKey(), info.remoteIssueKey())) {
          unindex(row, old);
          index(row, info);
        }
        row.info = info.withStamp(++lastStamp);
        undoLog().push((r, before, c) -> r.info = before, row, old, null);
      });
    }

    private void checkUnique(SyncInfo info, long self) {
      Row local = lookup(byLocal, info.connectorKey(), info.localIssueKey());
      if (local != null && local.info.id() != self) {
        throw new DuplicateSyncInfoException(
            "local issue " + info.localIssueKey() + " is already paired in connector "
                + info.connectorKey() + " (sync information " + local.info.id() + ")",
            info.connectorKey(), info.localIssueKey());
      }
      if (info.remoteIssueKey() != null) {
        Row remote = lookup(byRemote, info.connectorKey(), info.remoteIssueKey());
        if (remote != null && remote.info.id() != self) {
          throw new DuplicateSyncInfoException(
              "remote issue " + info.remoteIssueKey() + " is already paired in connector "
                  + info.connectorKey() + " (sync information " + remote.info.id() + ")",
              info.connectorKey(), info.remoteIssueKey());
        }
      }
    }

    private void index(Row row, SyncInfo keys) {
      put(byLocal.computeIfAbsent(keys.connectorKey(), c -> new HashMap<>()),
          keys.localIssueKey(), row);
      if (keys.remoteIssueKey() != null) {
        put(byRemote.computeIfAbsent(keys.connectorKey(), c -> new HashMap<>()),
            keys.remoteIssueKey(), row);
      }
    }

    private void unindex(Row row, SyncInfo keys) {
      remove(byLocal.get(keys.connectorKey()), keys.localIssueKey());
      if (keys.remoteIssueKey() != null) {
        remove(byRemote.get(keys.connectorKey()), keys.remoteIssueKey());
      }
    }

    @Override
    public boolean delete(String connectorKey, long id) {
      return inTransaction(() -> {
        Row row = row(connectorKey, id);
        if (row == null) {
          return false;
        }
        unindex(row, row.info);
        rows[(int) id] = null;
        undoLog().push(() -> rows[(int) id] = row);
        return true;
      });
    }

    @Override
    public int deleteAll(String connectorKey) {
      return inTransaction(() -> {
        List<SyncInfo> all = list(connectorKey);
        all.forEach(r -> delete(connectorKey, r.id()));
        remove(removed, connectorKey);
        String prefix = k(connectorKey, "");
        List.copyOf(links.values()).stream()
            .filter(l -> links.get(prefix + l.localId()) == l)
            .forEach(l -> removePairedLink(connectorKey, l.localId()));
        return all.size();
      });
    }

    /**
     * Changes one of a row's maps, to be undone with the transaction; a row that is gone takes
     * nothing (as no later row can have its id, nobody could read it).
     */
    private <V> void change(long id, Function<Row, Map<String, V>> get,
        BiConsumer<Row, Map<String, V>> set, UnaryOperator<Map<String, V>> how) {
      UndoLog log = undoLog();
      if (log == null) { // (not inside the caller's transaction, as the engine's writes are)
        inTransaction(() -> {
          change(id, get, set, how);
          return null;
        });
        return;
      }
      Row row = row(id);
      if (row != null) {
        Map<String, V> old = get.apply(row);
        Map<String, V> changed = how.apply(old);
        if (changed != old) {
          set.accept(row, changed);
          log.push(BiConsumer::accept, set, row, old);
        }
      }
    }

    private <V> Map<String, V> read(long id, Function<Row, Map<String, V>> get) {
      lock.lock(); // not through locked(): read several times per message
      try {
        Row row = row(id);
        return row == null ? Map.of() : get.apply(row);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Map<String, JsonNode> syncedValues(long syncInfoId) {
      return read(syncInfoId, r -> r.synced);
    }

    @Override
    public void putSyncedValues(long syncInfoId, Map<String, JsonNode> values) {
      if (!values.isEmpty()) {
        change(syncInfoId, r -> r.synced, (r, m) -> r.synced = m,
            old -> CompactMap.merge(old, values, shared::share));
      }
    }

    @Override
    public Map<String, PendingChange> pendingChanges(long syncInfoId) {
      return read(syncInfoId, r -> r.pending);
    }

    @Override
    public void putPendingChanges(long syncInfoId, Map<String, PendingChange> changes) {
      if (!changes.isEmpty()) {
        change(syncInfoId, r -> r.pending, (r, m) -> r.pending = m,
            old -> CompactMap.merge(old, changes, c -> c));
      }
    }

    @Override
    public void removePendingChange(long syncInfoId, String fieldMappingId) {
      if (!read(syncInfoId, r -> r.pending).containsKey(fieldMappingId)) {
        return; // the usual case: nothing pending for the field
      }
      change(syncInfoId, r -> r.pending, (r, m) -> r.pending = m,
          old -> CompactMap.without(old, fieldMappingId));
    }

    @Override
    public Map<String, JsonNode> skippedBases(long syncInfoId) {
      return read(syncInfoId, r -> r.skipped);
    }

    @Override
    public void putSkippedBases(long syncInfoId, Map<String, JsonNode> bases) {
      if (!bases.isEmpty()) {
        change(syncInfoId, r -> r.skipped, (r, m) -> r.skipped = m,
            old -> CompactMap.merge(old, bases, shared::share));
      }
    }

    @Override
    public void removeSkippedBases(long syncInfoId, Collection<String> fieldMappingIds) {
      Map<String, JsonNode> old = read(syncInfoId, r -> r.skipped);
      if (old.isEmpty() || fieldMappingIds.stream().noneMatch(old::containsKey)) {
        return; // the usual case: none skipped
      }
      change(syncInfoId, r -> r.skipped, (r, m) -> r.skipped = m, m -> {
        Map<String, JsonNode> left = m;
        for (String id : fieldMappingIds) {
          left = CompactMap.without(left, id);
        }
        return left;
      });
    }

    @Override
    public List<CommentLink> commentLinks(long syncInfoId) {
      return links(syncInfoId, COMMENTS);
    }

    @Override
    public void putCommentLink(long syncInfoId, CommentLink link) {
      putLink(syncInfoId, COMMENTS, link);
    }

    @Override
    public void removeCommentLink(long syncInfoId, String localCommentId) {
      removeLink(syncInfoId, COMMENTS, localCommentId);
    }

    @Override
    public List<WorklogLink> worklogLinks(long syncInfoId) {
      return links(syncInfoId, WORKLOGS);
    }

    @Override
    public void putWorklogLink(long syncInfoId, WorklogLink link) {
      putLink(syncInfoId, WORKLOGS, link);
    }

    @Override
    public void removeWorklogLink(long syncInfoId, String localWorklogId) {
      removeLink(syncInfoId, WORKLOGS, localWorklogId);
    }

    @Override
    public List<AttachmentLink> attachmentLinks(long syncInfoId) {
      return links(syncInfoId, ATTACHMENTS);
    }

    @Override
    public void putAttachmentLink(long syncInfoId, AttachmentLink link) {
      putLink(syncInfoId, ATTACHMENTS, link);
    }

    @Override
    public void removeAttachmentLink(long syncInfoId, String localAttachmentId) {
      removeLink(syncInfoId, ATTACHMENTS, localAttachmentId);
    }

    private <L> List<L> links(long syncInfoId, LinkField<L> field) {
      return List.copyOf(read(syncInfoId, field.get()).values());
    }

    private <L> void putLink(long syncInfoId, LinkField<L> field, L link) {
      change(syncInfoId, field.get(), field.set(),
          old -> CompactMap.merge(old, Map.of(field.localId().apply(link), link), l -> l));
    }

    private <L> void removeLink(long syncInfoId, LinkField<L> field, String localId) {
      change(syncInfoId, field.get(), field.set(), old -> CompactMap.without(old, localId));
    }

    @Override
    public List<PairedLink> pairedLinks(String connectorKey, String issueKey) {
      return locked(() -> {
        Map<String, PairedLink> m = byIssue.get(k(connectorKey, issueKey));
        return m == null ? List.of() : List.copyOf(m.values());
      });
    }

    @Override
    public void putPairedLink(String connectorKey, PairedLink link) {
      inTransaction(() -> {
        PairedLink old = links.get(k(connectorKey, link.localId()));
        if (old != null && !(old.outwardIssue().equals(link.outwardIssue())
            && old.inwardIssue().equals(link.inwardIssue()))) {
          removePairedLink(connectorKey, link.localId()); // (else replaced where it stands)
        }
        put(links, k(connectorKey, link.localId()), link);
        for (String issue : List.of(link.outwardIssue(), link.inwardIssue())) {
          put(byIssue.computeIfAbsent(k(connectorKey, issue), x -> new LinkedHashMap<>()),
              link.localId(), link);
        }
      });
    }

    @Override
    public void removePairedLink(String connectorKey, String localLinkId) {
      inTransaction(() -> {
        PairedLink old = links.get(k(connectorKey, localLinkId));
        if (old == null) {
          return;
        }
        remove(links, k(connectorKey, localLinkId));
        for (String issue : List.of(old.outwardIssue(), old.inwardIssue())) {
          Map<String, PairedLink> m = byIssue.get(k(connectorKey, issue));
          if (m != null) {
            remove(m, localLinkId);
          }
        }
      });
    }

    @Override
    public Optional<PendingCreate> pendingCreate(String connectorKey, String remoteIssueKey) {
      return locked(() -> Optional.ofNullable(pending.get(k(connectorKey, remoteIssueKey))));
    }

    @Override
    public void putPendingCreate(PendingCreate p) {
      inTransaction(() -> put(pending, k(p.connectorKey(), p.remoteIssueKey()), p));
    }

    @Override
    public void removePendingCreate(String connectorKey, String remoteIssueKey) {
      inTransaction(() -> remove(pending, k(connectorKey, remoteIssueKey)));
    }

    @Override
    public void putRemovedRow(RemovedRow row) {
      Objects.requireNonNull(row, "removed");
      inTransaction(() -> {
        LinkedHashMap<String, RemovedRow> old = removed.get(row.connectorKey());
        LinkedHashMap<String, RemovedRow> kept =
            old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old);
        String key = k(row.remoteIssueKey(), Long.toString(row.partnerEpoch()));
        kept.remove(key);
        kept.put(key, row);
        while (kept.size() > RemovedRow.KEPT_PER_CONNECTOR) {
          kept.remove(kept.keySet().iterator().next());
        }
        put(removed, row.connectorKey(), kept); // (replaced whole: undone whole)
      });
    }

    @Override
    public Optional<RemovedRow> removedRow(String connectorKey, String remoteIssueKey,
        long partnerEpoch) {
      return locked(() -> Optional.ofNullable(removed.get(connectorKey))
          .map(m -> m.get(k(remoteIssueKey, Long.toString(partnerEpoch)))));
    }
  }

  private final class Messages implements MessageStore {
    private final Map<String, Map<String, OutboxEntry>> outbox = new HashMap<>();
    private final Map<String, Inbox> inbox = new HashMap<>();

    /**
     * One connector's inbox, in arrival order and by source issue: applying walks one issue's
     * messages, which must not cost a walk of the whole inbox (that made a poll of 5,000
     * changes quadratic). Changes go through the undoable put and remove.
     */
    private final class Inbox {
      final Map<String, InboxEntry> byId = new LinkedHashMap<>();
      // an issue's entries in arrival order; mostly one, so a list, not a map
      final Map<String, List<InboxEntry>> bySource = new LinkedHashMap<>();

      void put(InboxEntry entry) {
        SyncMessage m = entry.message();
        InMemoryStores.this.put(byId, m.messageId(), entry);
        List<InboxEntry> ofIssue = bySource.get(m.sourceIssueKey());
        if (ofIssue == null) {
          ofIssue = new ArrayList<>(2);
          InMemoryStores.this.put(bySource, m.sourceIssueKey(), ofIssue);
        }
        List<InboxEntry> list = ofIssue;
        int at = indexOf(list, m.messageId());
        if (at < 0) {
          list.add(entry);
          undoLog().push((added, b, c) -> added.remove(added.size() - 1), list, null, null);
        } else {
          InboxEntry old = list.set(at, entry);
          undoLog().push((replaced, i, before) -> replaced.set(i, before), list, at, old);
        }
      }

      void remove(String messageId) {
        InboxEntry entry = byId.get(messageId);
        if (entry == null) {
          return;
        }
        InMemoryStores.this.remove(byId, messageId);
        String source = entry.message().sourceIssueKey();
        List<InboxEntry> ofIssue = bySource.get(source);
        int at = indexOf(ofIssue, messageId);
        InboxEntry old = ofIssue.remove(at);
        undoLog().push(List::add, ofIssue, at, old);
        if (ofIssue.isEmpty()) {
          InMemoryStores.this.remove(bySource, source);
        }
      }

      private static int indexOf(List<InboxEntry> entries, String messageId) {
        for (int i = 0; i < entries.size(); i++) {
          if (entries.get(i).message().messageId().equals(messageId)) {
            return i;
          }
        }
        return -1;
      }
    }

    /** Fills an empty one with copies of this outbox and inbox (entries are immutable). */
    void copyInto(Messages to) {
      outbox.forEach((connector, entries) -> to.outbox.put(connector,
          new LinkedHashMap<>(entries)));
      inbox.forEach((connector, from) -> {
        Inbox copy = to.inbox(connector);
        copy.byId.putAll(from.byId);
        from.bySource.forEach((source, list) -> copy.bySource.put(source,
            new ArrayList<>(list)));
      });
    }

    private Map<String, OutboxEntry> outbox(String connectorKey) {
      return outbox.computeIfAbsent(connectorKey, c -> new LinkedHashMap<>());
    }

    private Inbox inbox(String connectorKey) {
      return inbox.computeIfAbsent(connectorKey, c -> new Inbox());
    }

    @Override
    public void addOutgoing(SyncMessage message, long now) {
      inTransaction(() -> put(outbox(message.fromConnector()), message.messageId(),
          new OutboxEntry(message, now, 0, now, null)));
    }

    @Override
    public List<OutboxEntry> dueOutgoing(String connectorKey, long now, int limit) {
      return locked(() -> {
        List<OutboxEntry> due = new ArrayList<>(Math.min(limit, outbox(connectorKey).size()));
        for (OutboxEntry e : outbox(connectorKey).values()) {
          if (due.size() == limit) {
            break;
          }
          if (e.notBefore() <= now) {
            due.add(e);
          }
        }
        return due;
      });
    }

    @Override
    public void updateOutgoing(OutboxEntry entry) {
      inTransaction(() -> {
        Map<String, OutboxEntry> box = outbox(entry.message().fromConnector());
        if (box.containsKey(entry.message().messageId())) {
          put(box, entry.message().messageId(), entry);
        }
      });
    }

    @Override
    public void removeOutgoing(String connectorKey, String messageId) {
      inTransaction(() -> remove(outbox(connectorKey), messageId));
    }

    @Override
    public int outgoingCount(String connectorKey) {
      return locked(() -> outbox(connectorKey).size());
    }

    @Override
    public boolean addIncoming(SyncMessage message, long receivedAt) {
      return inTransaction(() -> {
        Inbox box = inbox(message.toConnector());
        if (box.byId.containsKey(message.messageId())) {
          return false;
        }
        box.put(InboxEntry.received(message, receivedAt));
        return true;
      });
    }

    @Override
    public Set<String> addIncoming(List<SyncMessage> messages, long receivedAt) {
      return inTransaction(() -> {
        if (messages.size() == 1) { // (most deliveries: one message)
          SyncMessage m = messages.get(0);
          return addIncoming(m, receivedAt) ? Set.of(m.messageId()) : Set.of();
        }
        Set<String> added = new HashSet<>(2 * messages.size());
        for (SyncMessage m : messages) {
          if (addIncoming(m, receivedAt)) {
            added.add(m.messageId());
          }
        }
        return added;
      });
    }

    private static final Comparator<InboxEntry> BY_SEQUENCE =
        Comparator.comparingLong((InboxEntry e) -> e.message().sequenceId())
            .thenComparingLong(InboxEntry::receivedAt);
    private static final Comparator<InboxEntry> BY_RECEIVED =
        Comparator.comparingLong(InboxEntry::receivedAt);

    @Override
    public List<InboxEntry> nextIncoming(String connectorKey, long now, int limit) {
      return locked(() -> {
        Inbox box = inbox(connectorKey);
        List<InboxEntry> ready = new ArrayList<>(box.bySource.size());
        for (List<InboxEntry> ofIssue : box.bySource.values()) {
          InboxEntry head = null;
          for (InboxEntry e : ofIssue) {
            if (head == null || BY_SEQUENCE.compare(e, head) < 0) {
              head = e;
            }
          }
          if (head.status() == InboxEntry.Status.PENDING && head.notBefore() <= now) {
            ready.add(head);
          }
        }
        ready.sort(BY_RECEIVED); // stable: ties stay in the order their issues arrived
        return ready.size() <= limit ? ready : List.copyOf(ready.subList(0, limit));
      });
    }

    @Override
    public List<InboxEntry> incomingFor(String connectorKey, String sourceIssueKey) {
      return locked(() -> {
        List<InboxEntry> ofIssue = inbox(connectorKey).bySource.get(sourceIssueKey);
        if (ofIssue == null) {
          return List.of();
        }
        List<InboxEntry> found = new ArrayList<>(ofIssue);
        if (found.size() > 1) {
          found.sort(BY_SEQUENCE);
        }
        return Collections.unmodifiableList(found);
      });
    }

    /**
     * Each issue's entries as {@link #incomingFor(String, String)} reads them, all under the
     * store's lock: its messages are shared instances already, so {@code known} spares nothing.
     */
    @Override
    public Map<String, List<InboxEntry>> incomingFor(String connectorKey,
        Collection<String> sourceIssueKeys, Collection<InboxEntry> known) {
      requireNoNull(sourceIssueKeys, "sourceIssueKeys");
      requireNoNull(known, "known");
      return locked(() -> {
        Map<String, List<InboxEntry>> found = new HashMap<>();
        for (String key : sourceIssueKeys) {
          List<InboxEntry> entries = incomingFor(connectorKey, key);
          if (!entries.isEmpty()) {
            found.put(key, entries);
          }
        }
        return found;
      });
    }

    @Override
    public Optional<InboxEntry> incoming(String connectorKey, String messageId) {
      return locked(() -> Optional.ofNullable(inbox(connectorKey).byId.get(messageId)));
    }

    @Override
    public List<InboxEntry> failedIncoming(String connectorKey) {
      return locked(() -> inbox(connectorKey).byId.values().stream()
          .filter(e -> e.status() == InboxEntry.Status.FAILED)
          .sorted(BY_RECEIVED)
          .toList());
    }

    @Override
    public void updateIncoming(InboxEntry entry) {
      inTransaction(() -> {
        Inbox box = inbox(entry.message().toConnector());
        if (box.byId.containsKey(entry.message().messageId())) {
          box.put(entry);
        }
      });
    }

    @Override
    public void removeIncoming(String connectorKey, String messageId) {
      inTransaction(() -> inbox(connectorKey).remove(messageId));
    }

    @Override
    public int incomingCount(String connectorKey) {
      return locked(() -> inbox(connectorKey).byId.size());
    }

    @Override
    public int failedIncomingCount(String connectorKey) {
      return locked(() -> (int) inbox(connectorKey).byId.values().stream()
          .filter(e -> e.status() == InboxEntry.Status.FAILED).count());
    }

    @Override
    public OptionalLong oldestOutgoing(String connectorKey) {
      return locked(() -> outbox(connectorKey).values().stream()
          .mapToLong(OutboxEntry::addedAt).min());
    }

    @Override
    public OptionalLong oldestIncoming(String connectorKey) {
      return locked(() -> inbox(connectorKey).byId.values().stream()
          .mapToLong(InboxEntry::receivedAt).min());
    }
  }

  private final class Watermarks implements WatermarkStore {
    private final Map<String, Long> marks = new HashMap<>();

    @Override
    public OptionalLong watermark(String connectorKey) {
      return locked(() -> {
        Long mark = marks.get(connectorKey);
        return mark == null ? OptionalLong.empty() : OptionalLong.of(mark);
      });
    }

    @Override
    public void setWatermark(String connectorKey, long epochMillis) {
      Objects.requireNonNull(connectorKey, "connectorKey");
      inTransaction(() -> put(marks, connectorKey, epochMillis));
    }
  }

  private final class Tasks implements TaskStore {
    private final Map<String, AsyncTask> byId = new LinkedHashMap<>();
    private final long[] lastId = {0};

    @Override
    public AsyncTask insert(AsyncTask task) {
      return inTransaction(() -> {
        long previous = lastId[0];
        lastId[0] = previous + 1;
        undo.push(() -> lastId[0] = previous);
        AsyncTask stored = new AsyncTask(String.valueOf(lastId[0]), task.connectorKey(),
            task.owner(), task.startTimestamp(), task.finished(), task.cancelled(),
            task.hasFailed(), task.progress(), task.message(), task.completionTimestamp(),
            task.result(), task.failureMessage(), task.request());
        put(byId, stored.id(), stored);
        return stored;
      });
    }

    @Override
    public void update(AsyncTask task) {
      inTransaction(() -> {
        AsyncTask stored = byId.get(task.id());
        if (stored == null) {
          throw new IllegalArgumentException("no task with id " + task.id());
        }
        // a cancel, once stored, stays: an update from a copy read before it does not clear it
        put(byId, task.id(), stored.cancelled() && !task.cancelled()
            ? task.withCancelRequested() : task);
      });
    }

    @Override
    public Optional<AsyncTask> find(String id) {
      return locked(() -> Optional.ofNullable(byId.get(id)));
    }

    @Override
    public List<AsyncTask> unfinished() {
      return locked(() -> byId.values().stream().filter(t -> !t.finished()).toList());
    }
  }

  /**
   * A copy of everything as it is now, as a backup would hold it: rows with their ids, values and
   * links, outbox, inbox, pending creates, watermarks, tasks, conflicts and envelope ids. Leases
   * are not copied (a process restored from a backup holds none). For tests that restore a store
   * from an earlier time.
   */
  public InMemoryStores backup() {
    return locked(() -> {
      InMemoryStores copy = new InMemoryStores();
      syncInfos.copyInto(copy.syncInfos);
      messages.copyInto(copy.messages);
      copy.watermarks.marks.putAll(watermarks.marks);
      copy.tasks.byId.putAll(tasks.byId);
      copy.tasks.lastId[0] = tasks.lastId[0];
      copy.conflicts.records.addAll(conflicts.records);
      copy.conflicts.lastId = conflicts.lastId; // (records trimmed leave gaps)
      copy.envelopeIds.expiry.putAll(envelopeIds.expiry);
      return copy;
    });
  }

  @Override
  public String toString() {
    return "InMemoryStores";
  }
}
