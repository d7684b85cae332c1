package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.WatermarkStore;

/**
 * All stores in memory, with real transactions: writes inside {@link #inTransaction} are undone
 * when the work throws (an {@link Error} too, which is how tests simulate a crash mid-step).
 * Transactions are serialized by one lock. State outlives any engine built on it, so a test can
 * "restart" an engine on the same instance as it would on a durable store. Thread-safe.
 */
public final class InMemoryStores implements Stores {
  private final ReentrantLock lock = new ReentrantLock();
  // The open transaction's undo log, newest first; both guarded by the lock (one transaction at
  // a time), so neither is allocated per transaction.
  private final Deque<Runnable> undo = new ArrayDeque<>();
  private boolean open;
  private final SyncInfos syncInfos = new SyncInfos();
  private final Messages messages = new Messages();
  private final Watermarks watermarks = new Watermarks();
  private final Tasks tasks = new Tasks();
  private final Conflicts conflicts = new Conflicts();

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
        inScope.put(key, new Lease(node, until));
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void release(String scope, String key, String node) {
      lock.lock();
      try {
        Map<String, Lease> inScope = held.get(scope);
        Lease current = inScope == null ? null : inScope.get(key);
        if (current != null && current.node().equals(node)) {
          inScope.remove(key);
        }
      } finally {
        lock.unlock();
      }
    }
  };

  @Override
  public LeaseStore leases() {
    return leases;
  }

  private final class Conflicts implements ConflictStore {
    private final List<ConflictRecord> records = new ArrayList<>();

    @Override
    public ConflictRecord add(ConflictRecord record) {
      return inTransaction(() -> {
        ConflictRecord stored = record.withId(records.size() + 1L);
        records.add(stored);
        undo.push(() -> records.remove(records.size() - 1));
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
      undo.forEach(Runnable::run); // newest first: pushed at the head
      throw e;
    } finally {
      undo.clear();
      open = false;
      lock.unlock();
    }
  }

  /** The undo log when this thread is inside a transaction, else null. */
  private Deque<Runnable> undoLog() {
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
    Deque<Runnable> log = undoLog();
    if (log != null) {
      log.push(() -> {
        if (had) {
          map.put(key, old);
        } else {
          map.remove(key);
        }
      });
    }
  }

  private <K, V> void remove(Map<K, V> map, K key) {
    if (!map.containsKey(key)) {
      return;
    }
    V old = map.remove(key);
    Deque<Runnable> log = undoLog();
    if (log != null) {
      log.push(() -> map.put(key, old));
    }
  }

  /**
   * A compact immutable map of {@code stored} overwritten by {@code given}; stored maps are only
   * replaced, never changed, so readers get them as they are.
   */
  private static <V> Map<String, V> merged(Map<String, V> stored, Map<String, V> given) {
    if (stored == null || stored.isEmpty() || stored.keySet().equals(given.keySet())) {
      return Map.copyOf(given);
    }
    Map<String, V> merged = new HashMap<>(2 * (stored.size() + given.size()));
    merged.putAll(stored);
    merged.putAll(given);
    return Map.copyOf(merged);
  }

  private static String k(String connectorKey, String issueKey) {
    return connectorKey + '\u0000' + issueKey;
  }

  private final class SyncInfos implements SyncInfoStore {
    private final TreeMap<Long, SyncInfo> rows = new TreeMap<>();
    // Per connector, keyed by the rows' own key strings and holding the rows themselves: no
    // composite key or boxed id per pair (the footprint benchmark counts every byte here).
    private final Map<String, Map<String, SyncInfo>> byLocal = new HashMap<>();
    private final Map<String, Map<String, SyncInfo>> byRemote = new HashMap<>();

    private Map<String, SyncInfo> index(Map<String, Map<String, SyncInfo>> byConnector,
        String connectorKey) {
      return byConnector.computeIfAbsent(connectorKey, c -> new HashMap<>());
    }

    private SyncInfo lookup(Map<String, Map<String, SyncInfo>> byConnector, String connectorKey,
        String issueKey) {
      Map<String, SyncInfo> m = byConnector.get(connectorKey);
      return m == null ? null : m.get(issueKey);
    }
    private final Map<Long, Map<String, JsonNode>> synced = new HashMap<>();
    private final Map<String, PendingCreate> pending = new HashMap<>();
    private final Map<Long, Map<String, CommentLink>> comments = new HashMap<>();
    private final Map<Long, Map<String, PendingChange>> pendingChanges = new HashMap<>();
    private final Map<Long, Map<String, AttachmentLink>> attachments = new HashMap<>();
    private final long[] lastId = {0};

    @Override
    public Optional<SyncInfo> findByLocalKey(String connectorKey, String localIssueKey) {
      return locked(() -> Optional.ofNullable(lookup(byLocal, connectorKey, localIssueKey)));
    }

    @Override
    public Optional<SyncInfo> findByRemoteKey(String connectorKey, String remoteIssueKey) {
      return locked(() -> Optional.ofNullable(lookup(byRemote, connectorKey, remoteIssueKey)));
    }

    @Override
    public Optional<SyncInfo> findById(String connectorKey, long id) {
      return locked(() -> Optional.ofNullable(rows.get(id))
          .filter(r -> r.connectorKey().equals(connectorKey)));
    }

    @Override
    public List<SyncInfo> list(String connectorKey) {
      return locked(() -> rows.values().stream()
          .filter(r -> r.connectorKey().equals(connectorKey)).toList());
    }

    @Override
    public SyncInfo insert(SyncInfo info) {
      return inTransaction(() -> {
        checkUnique(info, -1);
        long id = lastId[0] + 1;
        long previous = lastId[0];
        lastId[0] = id;
        Deque<Runnable> log = undoLog();
        log.push(() -> lastId[0] = previous);
        SyncInfo row = info.withId(id);
        index(row);
        return row;
      });
    }

    @Override
    public void update(SyncInfo info) {
      inTransaction(() -> {
        SyncInfo old = rows.get(info.id());
        if (old == null || !old.connectorKey().equals(info.connectorKey())) {
          throw new IllegalArgumentException(
              "no sync information with id " + info.id() + " in connector " + info.connectorKey());
        }
        checkUnique(info, info.id());
        unindex(old);
        index(info);
      });
    }

    private void checkUnique(SyncInfo info, long self) {
      SyncInfo localRow = lookup(byLocal, info.connectorKey(), info.localIssueKey());
      Long local = localRow == null ? null : localRow.id();
      if (local != null && local != self) {
        throw new DuplicateSyncInfoException(
            "local issue " + info.localIssueKey() + " is already paired in connector "
                + info.connectorKey() + " (sync information " + local + ")",
            info.connectorKey(), info.localIssueKey());
      }
      if (info.remoteIssueKey() != null) {
        SyncInfo remoteRow = lookup(byRemote, info.connectorKey(), info.remoteIssueKey());
        Long remote = remoteRow == null ? null : remoteRow.id();
        if (remote != null && remote != self) {
          throw new DuplicateSyncInfoException(
              "remote issue " + info.remoteIssueKey() + " is already paired in connector "
                  + info.connectorKey() + " (sync information " + remote + ")",
              info.connectorKey(), info.remoteIssueKey());
        }
      }
    }

    private void index(SyncInfo row) {
      put(rows, row.id(), row);
      put(index(byLocal, row.connectorKey()), row.localIssueKey(), row);
      if (row.remoteIssueKey() != null) {
        put(index(byRemote, row.connectorKey()), row.remoteIssueKey(), row);
      }
    }

    private void unindex(SyncInfo row) {
      remove(rows, row.id());
      remove(index(byLocal, row.connectorKey()), row.localIssueKey());
      if (row.remoteIssueKey() != null) {
        remove(index(byRemote, row.connectorKey()), row.remoteIssueKey());
      }
    }

    @Override
    public boolean delete(String connectorKey, long id) {
      return inTransaction(() -> {
        SyncInfo row = rows.get(id);
        if (row == null || !row.connectorKey().equals(connectorKey)) {
          return false;
        }
        unindex(row);
        remove(synced, id);
        remove(comments, id);
        remove(attachments, id);
        remove(pendingChanges, id);
        return true;
      });
    }

    @Override
    public int deleteAll(String connectorKey) {
      return inTransaction(() -> {
        List<SyncInfo> all = list(connectorKey);
        all.forEach(r -> delete(connectorKey, r.id()));
        return all.size();
      });
    }

    @Override
    public Map<String, JsonNode> syncedValues(long syncInfoId) {
      // Stored maps are never changed, only replaced: they can be handed out as they are.
      return locked(() -> synced.getOrDefault(syncInfoId, Map.of()));
    }

    @Override
    public void putSyncedValues(long syncInfoId, Map<String, JsonNode> values) {
      if (values.isEmpty()) {
        return;
      }
      inTransaction(() -> put(synced, syncInfoId, merged(synced.get(syncInfoId), values)));
    }

    @Override
    public Map<String, PendingChange> pendingChanges(long syncInfoId) {
      return locked(() -> pendingChanges.getOrDefault(syncInfoId, Map.of()));
    }

    @Override
    public void putPendingChanges(long syncInfoId, Map<String, PendingChange> changes) {
      if (changes.isEmpty()) {
        return;
      }
      inTransaction(
          () -> put(pendingChanges, syncInfoId, merged(pendingChanges.get(syncInfoId), changes)));
    }

    @Override
    public void removePendingChange(long syncInfoId, String fieldMappingId) {
      inTransaction(() -> {
        Map<String, PendingChange> current = pendingChanges.getOrDefault(syncInfoId, Map.of());
        if (current.containsKey(fieldMappingId)) {
          Map<String, PendingChange> less = new LinkedHashMap<>(current);
          less.remove(fieldMappingId);
          put(pendingChanges, syncInfoId, Map.copyOf(less));
        }
      });
    }

    @Override
    public List<CommentLink> commentLinks(long syncInfoId) {
      return locked(() -> {
        var links = comments.get(syncInfoId);
        return links == null ? List.of() : List.copyOf(links.values());
      });
    }

    @Override
    public void putCommentLink(long syncInfoId, CommentLink link) {
      inTransaction(() -> {
        Map<String, CommentLink> links =
            new LinkedHashMap<>(comments.getOrDefault(syncInfoId, Map.of()));
        links.put(link.localId(), link);
        put(comments, syncInfoId, links);
      });
    }

    @Override
    public void removeCommentLink(long syncInfoId, String localCommentId) {
      inTransaction(() -> {
        Map<String, CommentLink> links =
            new LinkedHashMap<>(comments.getOrDefault(syncInfoId, Map.of()));
        if (links.remove(localCommentId) != null) {
          put(comments, syncInfoId, links);
        }
      });
    }

    @Override
    public List<AttachmentLink> attachmentLinks(long syncInfoId) {
      return locked(() -> {
        var links = attachments.get(syncInfoId);
        return links == null ? List.of() : List.copyOf(links.values());
      });
    }

    @Override
    public void putAttachmentLink(long syncInfoId, AttachmentLink link) {
      inTransaction(() -> {
        Map<String, AttachmentLink> links =
            new LinkedHashMap<>(attachments.getOrDefault(syncInfoId, Map.of()));
        links.put(link.localId(), link);
        put(attachments, syncInfoId, links);
      });
    }

    @Override
    public void removeAttachmentLink(long syncInfoId, String localAttachmentId) {
      inTransaction(() -> {
        Map<String, AttachmentLink> links =
            new LinkedHashMap<>(attachments.getOrDefault(syncInfoId, Map.of()));
        if (links.remove(localAttachmentId) != null) {
          put(attachments, syncInfoId, links);
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
  }

  private final class Messages implements MessageStore {
    private final Map<String, Map<String, OutboxEntry>> outbox = new HashMap<>();
    private final Map<String, Map<String, InboxEntry>> inbox = new HashMap<>();

    private Map<String, OutboxEntry> outbox(String connectorKey) {
      return outbox.computeIfAbsent(connectorKey, c -> new LinkedHashMap<>());
    }

    private Map<String, InboxEntry> inbox(String connectorKey) {
      return inbox.computeIfAbsent(connectorKey, c -> new LinkedHashMap<>());
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
        Map<String, InboxEntry> box = inbox(message.toConnector());
        if (box.containsKey(message.messageId())) {
          return false;
        }
        put(box, message.messageId(), InboxEntry.received(message, receivedAt));
        return true;
      });
    }

    private static final Comparator<InboxEntry> BY_SEQUENCE =
        Comparator.comparingLong((InboxEntry e) -> e.message().sequenceId())
            .thenComparingLong(InboxEntry::receivedAt);
    private static final Comparator<InboxEntry> BY_RECEIVED =
        Comparator.comparingLong(InboxEntry::receivedAt);
    private static final java.util.function.BinaryOperator<InboxEntry> HEAD =
        (a, b) -> BY_SEQUENCE.compare(a, b) <= 0 ? a : b;

    @Override
    public List<InboxEntry> nextIncoming(String connectorKey, long now, int limit) {
      return locked(() -> {
        Map<String, InboxEntry> box = inbox(connectorKey);
        Map<String, InboxEntry> heads = new LinkedHashMap<>(2 * box.size()); // ties: arrival order
        for (InboxEntry e : box.values()) {
          heads.merge(e.message().sourceIssueKey(), e, HEAD);
        }
        List<InboxEntry> ready = new ArrayList<>(heads.size());
        for (InboxEntry e : heads.values()) {
          if (e.status() == InboxEntry.Status.PENDING && e.notBefore() <= now) {
            ready.add(e);
          }
        }
        ready.sort(BY_RECEIVED);
        return ready.size() <= limit ? ready : List.copyOf(ready.subList(0, limit));
      });
    }

    @Override
    public List<InboxEntry> incomingFor(String connectorKey, String sourceIssueKey) {
      return locked(() -> {
        List<InboxEntry> found = new ArrayList<>(2);
        for (InboxEntry e : inbox(connectorKey).values()) {
          if (e.message().sourceIssueKey().equals(sourceIssueKey)) {
            found.add(e);
          }
        }
        if (found.size() > 1) {
          found.sort(BY_SEQUENCE);
        }
        return Collections.unmodifiableList(found);
      });
    }

    @Override
    public Optional<InboxEntry> incoming(String connectorKey, String messageId) {
      return locked(() -> Optional.ofNullable(inbox(connectorKey).get(messageId)));
    }

    @Override
    public List<InboxEntry> failedIncoming(String connectorKey) {
      return locked(() -> inbox(connectorKey).values().stream()
          .filter(e -> e.status() == InboxEntry.Status.FAILED)
          .sorted(Comparator.comparingLong(InboxEntry::receivedAt))
          .toList());
    }

    @Override
    public void updateIncoming(InboxEntry entry) {
      inTransaction(() -> {
        Map<String, InboxEntry> box = inbox(entry.message().toConnector());
        if (box.containsKey(entry.message().messageId())) {
          put(box, entry.message().messageId(), entry);
        }
      });
    }

    @Override
    public void removeIncoming(String connectorKey, String messageId) {
      inTransaction(() -> remove(inbox(connectorKey), messageId));
    }

    @Override
    public int incomingCount(String connectorKey) {
      return locked(() -> inbox(connectorKey).size());
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
        if (!byId.containsKey(task.id())) {
          throw new IllegalArgumentException("no task with id " + task.id());
        }
        put(byId, task.id(), task);
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

  @Override
  public String toString() {
    return "InMemoryStores";
  }
}
