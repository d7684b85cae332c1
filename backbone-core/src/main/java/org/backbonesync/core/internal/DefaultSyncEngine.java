package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ConnectorStatus;
import org.backbonesync.core.EngineState;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.ImportResult;
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
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;

/**
 * The engine: a thin coordinator over each local connector's parts ({@link LocalConnectors}).
 * Each method of {@link SyncEngine} checks the connector and delegates: the steps to {@link
 * ConnectorSteps}, the lifecycle and scheduling to {@link EngineLifecycle}, the admin's reads and
 * edits to {@link SyncInfoRows}, {@link SyncInfoAdmin}, {@link ResyncTasks}, {@link
 * ConnectorStatusReader} and {@link IssueTraces}.
 */
// About 300 lines: one short delegating method per method of SyncEngine, which is large.
public final class DefaultSyncEngine implements SyncEngine {
  private final SyncConfiguration configuration;
  private final Stores stores;
  private final Map<String, LocalConnectors.Local> locals = new LinkedHashMap<>();
  /**
   * Per local connector, its delivery prompted on the scheduler after a task's page and an
   * admin's retry or skip of an undeliverable message.
   */
  private final Map<String, Runnable> deliveries = new HashMap<>();
  private final EngineLifecycle lifecycle;
  private final ConnectorSteps steps;
  private final ResyncTasks resyncs;
  private final SyncInfoAdmin syncInfoAdmin;
  private final SyncInfoRows rows;
  private final TraceRecorder recorder;
  private final IssueTraces traces;
  private final ConnectorStatusReader statuses;
  /** The host's listener, behind the trace recorder when it records. */
  private final Events events;
  /** This engine's node name (its claims and leases are held by it). */
  private final String node;

  /** Use {@link SyncEngine#builder()}; it checks the arguments. */
  // Over 40 lines: the wiring, with the prompts each connector's queues run on the scheduler.
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
    this.lifecycle = new EngineLifecycle(configuration.id(), scheduler, settings.pollInterval());
    this.recorder = new TraceRecorder(stores.trace(), clock, settings.traceLength());
    this.traces = new IssueTraces(stores, recorder.records() ? settings.traceLength() : 0);
    this.events = new Events(recorder.records() ? SyncListener.all(recorder, listener)
        : listener);
    this.resyncs = new ResyncTasks(configuration, stores, clock, taskExecutor,
        settings, events, lifecycle::closing, this::queuedByTask);
    this.syncInfoAdmin = new SyncInfoAdmin(stores, clock, trackers);
    this.rows = new SyncInfoRows(stores);
    this.statuses = new ConnectorStatusReader(stores, clock);
    this.steps = new ConnectorSteps(this::local, Collections.unmodifiableSet(locals.keySet()),
        recorder, statuses, lifecycle::closing);
    locals.putAll(LocalConnectors.wire(configuration, trackers, transports, stores, clock, events,
        settings, registry, schemas, new LocalConnectors.Prompts() {
          @Override
          public Runnable applyOnArrival(String key) {
            return prompt(key, "apply on arrival", () -> {
              apply(key);
              deliver(key);
            });
          }

          @Override
          public Runnable detectHinted(String key) {
            return prompt(key, "detection of hinted issues", () -> detect(key));
          }

          @Override
          public boolean closing() {
            return lifecycle.closing();
          }
        }));
    for (String key : locals.keySet()) {
      deliveries.put(key, prompt(key, "delivery of an admin's or a task's messages",
          () -> deliver(key)));
    }
    this.node = settings.node();
    SameNodeEngines.built(stores, configuration.id(), node, this);
  }

  /**
   * After a resync task's page: the partner's apply is prompted for what was handed over, and a
   * delivery for what went to the outbox (a partner over a transport), as after a poll.
   */
  private void queuedByTask(String connectorKey) {
    LocalConnectors.Local local = locals.get(connectorKey);
    if (local != null) {
      local.handover().promptPartner();
      if (!local.handover().bound()) {
        deliveries.get(connectorKey).run();
      }
    }
  }

  /** A step run on the scheduler when there is work; its failure is told to the listener. */
  private Runnable prompt(String key, String what, Runnable step) {
    return lifecycle.prompt(key + ": " + what, step,
        failure -> events.stepFailed(key, what, failure));
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
  public EngineState state() {
    return lifecycle.state();
  }

  private LocalConnectors.Local local(String connectorKey) {
    lifecycle.checkOpen();
    LocalConnectors.Local local = locals.get(Arguments.required("connectorKey", connectorKey));
    if (local == null) {
      throw new IllegalArgumentException("connector " + Shown.quoted(connectorKey)
          + " is not local to this engine; local: " + locals.keySet());
    }
    return local;
  }

  @Override
  public PollResult poll(String connectorKey) {
    return steps.poll(connectorKey);
  }

  @Override
  public int deliver(String connectorKey) {
    return steps.deliver(connectorKey);
  }

  @Override
  public List<ApplyOutcome> apply(String connectorKey) {
    return steps.apply(connectorKey);
  }

  @Override
  public void runOnce() {
    // (the host is thrown the failure)
    steps.runOnce(ConnectorSteps.FailedStep.NONE, resyncs::retryWaiting);
  }

  /**
   * {@link #runOnce}, run by {@link #start()} on the scheduler: the host runs none of its steps,
   * so the one that fails is told to the listener, as a prompted step's failure is.
   */
  private void periodicRun() {
    steps.runOnce((key, step, failure) -> {
      if (!lifecycle.endedByClose(failure)) {
        events.stepFailed(key, step, failure);
      }
    }, resyncs::retryWaiting);
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
    return steps.detect(connectorKey);
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
    return rows.find(connectorKey, Arguments.issueKey("localIssueKey", localIssueKey),
        Arguments.issueKey("remoteIssueKey", remoteIssueKey));
  }

  @Override
  public ImportResult importSyncInformation(String connectorKey, List<SyncInfoImport> rows) {
    return changing(connectorKey, local -> syncInfoAdmin.importRows(local.connector(),
        Arguments.required("rows", rows)));
  }

  @Override
  public List<ConfigurationProblem> checkSyncInformation(
      String connectorKey, List<SyncInfoImport> rows) {
    return syncInfoAdmin.check(local(connectorKey).connector(), Arguments.required("rows", rows));
  }

  @Override
  public boolean deleteSyncInformation(String connectorKey, long syncInfoId) {
    return changing(connectorKey, local -> stores.syncInfo().delete(connectorKey, syncInfoId));
  }

  @Override
  public Optional<SyncInfo> setIncomingChangesIgnored(String connectorKey, long syncInfoId,
      boolean ignored) {
    return changing(connectorKey,
        local -> rows.setIncomingChangesIgnored(local, connectorKey, syncInfoId, ignored));
  }

  @Override
  public int deleteAllSyncInformation(String connectorKey) {
    return changing(connectorKey, local -> stores.syncInfo().deleteAll(connectorKey));
  }

  @Override
  public AsyncTask resync(String connectorKey, ResyncRequest request, String owner) {
    return changing(connectorKey,
        local -> resyncs.start(local.connector(), local.resender(),
            Arguments.required("request", request), owner));
  }

  @Override
  public Optional<AsyncTask> task(String taskId) {
    return stores.tasks().find(taskId).filter(t -> locals.containsKey(t.connectorKey()));
  }

  @Override
  public AsyncTask cancelTask(String taskId) {
    return stores.inTransaction(() -> {
      AsyncTask current = task(taskId).orElseThrow(
          () -> new AdminException(404, "no task with id " + Shown.quoted(taskId)));
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
    String issueKey = Arguments.issueKey("localIssueKey", localIssueKey);
    return stores.conflicts().list(connectorKey, issueKey,
        issueKey == null ? CONFLICTS_LISTED : CONFLICTS_KEPT);
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
    changed(connectorKey,
        local -> local.delivery().retryUndeliverable(Arguments.messageId("messageId", messageId)));
    deliveries.get(connectorKey).run();
  }

  @Override
  public void skipUndeliverable(String connectorKey, String messageId) {
    changed(connectorKey,
        local -> local.delivery().skipUndeliverable(Arguments.messageId("messageId", messageId)));
    deliveries.get(connectorKey).run(); // (the messages waiting behind it)
  }

  @Override
  public ConnectorStatus status(String connectorKey) {
    local(connectorKey);
    return statuses.status(connectorKey);
  }

  @Override
  public void retry(String connectorKey, String messageId) {
    try {
      changed(connectorKey,
          local -> local.inbox().retry(Arguments.messageId("messageId", messageId)));
    } finally {
      recorder.flushIfDue();
    }
  }

  @Override
  public void skip(String connectorKey, String messageId) {
    try {
      changed(connectorKey,
          local -> local.inbox().skip(Arguments.messageId("messageId", messageId)));
    } finally {
      recorder.flushIfDue();
    }
  }

  /**
   * An admin's change of a connector, its log lines (the take-back's and the skip's messages
   * queued, say) in the connector's log context as a step's are, on the caller's thread.
   */
  private <T> T changing(String connectorKey, Function<LocalConnectors.Local, T> change) {
    LocalConnectors.Local local = local(connectorKey);
    try (LogContext step = LogContext.connector(local.connector())) {
      return change.apply(local);
    }
  }

  /** {@link #changing}, for a change that answers nothing. */
  private void changed(String connectorKey, Consumer<LocalConnectors.Local> change) {
    changing(connectorKey, local -> {
      change.accept(local);
      return null;
    });
  }

  @Override
  public IssueTrace trace(String connectorKey, String issueKey) {
    local(connectorKey);
    Arguments.requiredIssueKey("issueKey", issueKey);
    String problem = Arguments.issueKeyShapeProblem(issueKey);
    if (problem != null) {
      throw new IllegalArgumentException("issueKey " + problem);
    }
    recorder.flush();
    return traces.trace(connectorKey, issueKey);
  }

  @Override
  public void start() {
    lifecycle.start(this::periodicRun, this::resumeTasks);
  }

  @Override
  public void close() {
    try {
      lifecycle.close(recorder::close);
    } finally {
      SameNodeEngines.closed(stores, configuration.id(), node, this);
    }
  }
}
