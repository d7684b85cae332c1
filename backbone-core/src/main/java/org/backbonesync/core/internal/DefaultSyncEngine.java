package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ConnectorStatus;
import org.backbonesync.core.EngineState;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.IssueTrace;
import org.backbonesync.core.PollResult;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangeHints;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: a thin coordinator over each local connector's parts ({@link LocalConnectors}).
 * It is longer than this package's other classes because it implements the whole of {@link
 * SyncEngine}: each method checks the connector and delegates to its parts or to an admin
 * helper ({@link SyncInfoAdmin}, {@link ResyncTasks}, {@link ConnectorStatusReader}, {@link
 * IssueTraces}).
 */
public final class DefaultSyncEngine implements SyncEngine {
  private static final Logger log = LoggerFactory.getLogger(DefaultSyncEngine.class);

  private final SyncConfiguration configuration;
  private final Stores stores;
  private final ScheduledExecutorService scheduler;
  private final EngineSettings settings;
  private final Map<String, LocalConnectors.Local> locals = new LinkedHashMap<>();
  private final Clock clock;
  private final ResyncTasks resyncs;
  private final SyncInfoAdmin syncInfoAdmin;
  private final TraceRecorder recorder;
  private final IssueTraces traces;
  private EngineState state = EngineState.NEW;
  private ScheduledFuture<?> periodic;
  private final ConnectorStatusReader statuses;

  /** Use {@link SyncEngine#builder()}; it checks the arguments. */
  public DefaultSyncEngine(
      SyncConfiguration configuration,
      Map<String, IssueTracker> trackers,
      Map<String, MessageTransport> transports,
      Stores stores,
      Clock clock,
      SyncListener listener,
      ScheduledExecutorService scheduler,
      Executor taskExecutor,
      EngineSettings settings,
      FieldMappingRegistry registry,
      Map<String, Map<String, FieldSchema>> schemas) {
    this.configuration = configuration;
    this.stores = stores;
    this.scheduler = scheduler;
    this.settings = settings;
    this.clock = clock;
    this.recorder = new TraceRecorder(stores.trace(), clock, settings.traceLength());
    this.traces = new IssueTraces(stores, recorder.records() ? settings.traceLength() : 0);
    Events events = new Events(recorder.records() ? SyncListener.all(recorder, listener)
        : listener);
    this.resyncs = new ResyncTasks(configuration, stores, clock, taskExecutor,
        settings.pollPageSize(), events);
    this.syncInfoAdmin = new SyncInfoAdmin(stores, clock, trackers);
    this.statuses = new ConnectorStatusReader(stores, clock);
    locals.putAll(LocalConnectors.wire(configuration, trackers, transports, stores, clock, events,
        settings, registry, schemas, new LocalConnectors.Prompts() {
          @Override
          public Runnable applyOnArrival(String key) {
            return prompt(key + ": apply on arrival", () -> {
              apply(key);
              deliver(key);
            });
          }

          @Override
          public Runnable detectHinted(String key) {
            return prompt(key + ": detection of hinted issues", () -> detect(key));
          }
        }));
  }

  /**
   * A step the engine runs on its scheduler as soon as there is work for it, beside the other
   * steps (each connector's poll and detection, delivery and apply run one at a time, and pairs
   * are claimed as between nodes); nothing without a scheduler (the host drives every step).
   */
  private Runnable prompt(String name, Runnable step) {
    if (scheduler == null) {
      return () -> { };
    }
    return new Prompt(name, scheduler, () -> {
      if (state() != EngineState.CLOSED) {
        step.run();
      }
    });
  }

  @Override
  public SyncConfiguration configuration() {
    return configuration;
  }

  @Override
  public Set<String> localConnectorKeys() {
    return Collections.unmodifiableSet(locals.keySet());
  }

  @Override
  public synchronized EngineState state() {
    return state;
  }

  private LocalConnectors.Local local(String connectorKey) {
    synchronized (this) {
      if (state == EngineState.CLOSED) {
        throw new IllegalStateException("engine for " + configuration.id() + " is closed");
      }
    }
    LocalConnectors.Local local = locals.get(connectorKey);
    if (local == null) {
      throw new IllegalArgumentException(
          "connector \"" + connectorKey + "\" is not local to this engine; local: "
              + locals.keySet());
    }
    return local;
  }

  @Override
  public PollResult poll(String connectorKey) {
    LocalConnectors.Local local = local(connectorKey);
    PollResult result;
    try (LogContext step = LogContext.connector(local.connector())) {
      result = local.detection().poll();
    } finally {
      recorder.flushIfDue();
    }
    statuses.polled(connectorKey, result);
    return result;
  }

  @Override
  public int deliver(String connectorKey) {
    LocalConnectors.Local local = local(connectorKey);
    try (LogContext step = LogContext.connector(local.connector())) {
      return local.delivery().deliver();
    } finally {
      recorder.flushIfDue();
    }
  }

  @Override
  public List<ApplyOutcome> apply(String connectorKey) {
    LocalConnectors.Local local = local(connectorKey);
    try (LogContext step = LogContext.connector(local.connector())) {
      return local.incoming().apply();
    } finally {
      recorder.flushIfDue();
    }
  }

  @Override
  public void runOnce() {
    try {
      for (String key : locals.keySet()) {
        poll(key);
        deliver(key);
      }
      for (String key : locals.keySet()) {
        apply(key);
        deliver(key);
      }
    } finally {
      recorder.flush(); // an idle engine's last entries wait no longer than one run
    }
  }

  @Override
  public MessageReceiver receiver(String connectorKey) {
    return local(connectorKey).inbox();
  }

  @Override
  public ChangeHints changeHints(String connectorKey) {
    return local(connectorKey).hints();
  }

  @Override
  public PollResult detect(String connectorKey) {
    LocalConnectors.Local local = local(connectorKey);
    HintedIssues.Taken hinted = local.hints().take();
    if (hinted.poll()) {
      PollResult result = poll(connectorKey);
      deliver(connectorKey);
      return result;
    }
    if (hinted.nothing()) {
      return new PollResult(0, 0, 0);
    }
    PollResult result;
    try (LogContext step = LogContext.connector(local.connector())) {
      result = local.detection().detect(hinted.keys());
    } finally {
      recorder.flushIfDue();
    }
    deliver(connectorKey);
    return result;
  }

  @Override
  public List<SyncInfo> syncInformation(String connectorKey) {
    local(connectorKey);
    return stores.syncInfo().list(connectorKey);
  }

  @Override
  public List<SyncInfo> syncInformation(
      String connectorKey, String localIssueKey, String remoteIssueKey) {
    local(connectorKey);
    // A filter by key reads the one row it names, not the table.
    Optional<SyncInfo> row = localIssueKey != null
        ? stores.syncInfo().findByLocalKey(connectorKey, localIssueKey)
        : remoteIssueKey != null ? stores.syncInfo().findByRemoteKey(connectorKey, remoteIssueKey)
        : null;
    return (row != null ? row.stream() : stores.syncInfo().list(connectorKey).stream())
        .filter(r -> localIssueKey == null || localIssueKey.equals(r.localIssueKey()))
        .filter(r -> remoteIssueKey == null || remoteIssueKey.equals(r.remoteIssueKey()))
        .toList();
  }

  @Override
  public int importSyncInformation(String connectorKey, List<SyncInfoImport> rows) {
    return syncInfoAdmin.importRows(local(connectorKey).connector(), rows);
  }

  @Override
  public List<ConfigurationProblem> checkSyncInformation(
      String connectorKey, List<SyncInfoImport> rows) {
    return syncInfoAdmin.check(local(connectorKey).connector(), rows);
  }

  @Override
  public boolean deleteSyncInformation(String connectorKey, long syncInfoId) {
    local(connectorKey);
    return stores.syncInfo().delete(connectorKey, syncInfoId);
  }

  @Override
  public Optional<SyncInfo> setIncomingChangesIgnored(String connectorKey, long syncInfoId,
      boolean ignored) {
    LocalConnectors.Local local = local(connectorKey);
    Optional<SyncInfo> row = stores.syncInfo().findById(connectorKey, syncInfoId);
    Optional<TrackedIssue> issue = row.filter(r -> r.incomingChangesIgnored() && !ignored)
        .flatMap(r -> local.connector().tracker.issue(r.localIssueKey()));
    if (issue.isPresent()) {
      // Taken again: what was ignored must come back. The row is made anew (a new epoch) and
      // our issue goes whole to the partner, saying it saw none of its messages; the partner
      // sends its own whole to the new row (comments and attachments linked, not copied twice),
      // as after a row made again; changes made on both sides meanwhile meet as conflicts.
      local.resender().sendWhole(issue.get(), syncInfoId, () -> {
        // (it keeps what it applied, so an old message still on its way stays a duplicate)
        return stores.syncInfo().findByIdForUpdate(connectorKey, syncInfoId).orElseThrow()
            .withIncomingChangesIgnored(false).madeAnew(clock.millis());
      }, true);
      return stores.syncInfo().findById(connectorKey, syncInfoId);
    }
    return stores.inTransaction(() -> {
      Optional<SyncInfo> locked = stores.syncInfo().findByIdForUpdate(connectorKey, syncInfoId);
      locked.ifPresent(r -> stores.syncInfo().update(r.withIncomingChangesIgnored(ignored)));
      return locked.map(r -> r.withIncomingChangesIgnored(ignored));
    });
  }

  @Override
  public int deleteAllSyncInformation(String connectorKey) {
    local(connectorKey);
    return stores.syncInfo().deleteAll(connectorKey);
  }

  @Override
  public AsyncTask resync(String connectorKey, ResyncRequest request, String owner) {
    LocalConnectors.Local local = local(connectorKey);
    return resyncs.start(local.connector(), local.resender(), request, owner);
  }

  @Override
  public Optional<AsyncTask> task(String taskId) {
    return stores.tasks().find(taskId).filter(t -> locals.containsKey(t.connectorKey()));
  }

  @Override
  public AsyncTask cancelTask(String taskId) {
    return stores.inTransaction(() -> {
      AsyncTask current = task(taskId).orElseThrow(
          () -> new AdminException(404, "no task with id " + taskId));
      if (current.finished()) {
        return current;
      }
      AsyncTask cancelling = current.withCancelRequested();
      stores.tasks().update(cancelling);
      return cancelling;
    });
  }

  @Override
  public void resumeTasks() {
    for (AsyncTask task : stores.tasks().unfinished()) {
      LocalConnectors.Local local = locals.get(task.connectorKey());
      if (local != null) {
        resyncs.resume(task, local.connector(), local.resender());
      }
    }
  }

  @Override
  public List<ConflictRecord> conflicts(String connectorKey,
      String localIssueKey) {
    local(connectorKey);
    return stores.conflicts().list(connectorKey, localIssueKey);
  }

  @Override
  public List<InboxEntry> failedMessages(String connectorKey) {
    local(connectorKey);
    return new ArrayList<>(stores.messages().failedIncoming(connectorKey));
  }

  @Override
  public List<OutboxEntry> undeliverableMessages(String connectorKey) {
    return local(connectorKey).delivery().undeliverable();
  }

  @Override
  public void retryUndeliverable(String connectorKey, String messageId) {
    local(connectorKey).delivery().retryUndeliverable(messageId);
  }

  @Override
  public void skipUndeliverable(String connectorKey, String messageId) {
    local(connectorKey).delivery().skipUndeliverable(messageId);
  }

  @Override
  public ConnectorStatus status(String connectorKey) {
    local(connectorKey);
    return statuses.status(connectorKey);
  }

  @Override
  public void retry(String connectorKey, String messageId) {
    try {
      local(connectorKey).inbox().retry(messageId);
    } finally {
      recorder.flushIfDue();
    }
  }

  @Override
  public void skip(String connectorKey, String messageId) {
    try {
      local(connectorKey).inbox().skip(messageId);
    } finally {
      recorder.flushIfDue();
    }
  }

  @Override
  public IssueTrace trace(String connectorKey, String issueKey) {
    local(connectorKey);
    recorder.flush();
    return traces.trace(connectorKey, issueKey);
  }

  @Override
  public synchronized void start() {
    if (state != EngineState.NEW) {
      throw new IllegalStateException("start() needs state NEW, engine is " + state);
    }
    if (scheduler == null) {
      throw new IllegalStateException("start() needs a scheduler; give one to the builder");
    }
    long period = settings.pollInterval().toMillis();
    periodic = scheduler.scheduleWithFixedDelay(this::runSafely, 0, period, TimeUnit.MILLISECONDS);
    state = EngineState.RUNNING;
    resumeTasks();
  }

  private void runSafely() {
    try {
      runOnce();
    } catch (RuntimeException e) {
      log.warn("sync run of {} failed; next run in {}", configuration.id(),
          settings.pollInterval(), e);
    }
  }

  @Override
  public synchronized void close() {
    if (periodic != null) {
      periodic.cancel(false);
    }
    recorder.flush();
    state = EngineState.CLOSED;
  }
}
