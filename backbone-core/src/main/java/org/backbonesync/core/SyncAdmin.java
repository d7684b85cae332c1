package org.backbonesync.core;

import static org.backbonesync.core.AdminParameters.issueKey;
import static org.backbonesync.core.AdminParameters.messageId;
import static org.backbonesync.core.AdminParameters.required;
import static org.backbonesync.core.AdminParameters.taskId;
import static org.backbonesync.core.AdminParameters.traceIssueKey;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.SyncInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin operations of the original product's REST API, as typed Java methods over one or more
 * engines (one per synchronization): list synchronizations, resync as an asynchronous task,
 * follow and cancel it, and get, import or delete sync information. {@link SyncAdminHandler} puts
 * the same operations behind HTTP-shaped requests.
 *
 * <p>Every method checks the {@link AdminAuthorizer} first, and refuses with an {@link
 * AdminException} carrying the HTTP status a REST layer should answer: 403 not allowed, 404
 * unknown synchronization, connector, task or entry, 400 a bad request, 503 (retriable) an engine
 * closed before or during the call (its host is stopping or restarting it). A task is visible
 * only to the caller who started it (to others it does not exist). A task an anonymous caller
 * (null) starts gets an id with an unguessable part ({@code 17.9f86d08...}): whoever holds that
 * id may read and cancel it, and no one else, so two anonymous callers cannot see each other's
 * tasks. Every change it makes (a resync or rebuild started, a task cancelled, rows imported,
 * deleted or set to ignore changes, a message retried or skipped) is logged at INFO once made,
 * with the caller, so an operator can tell who did what when: {@code admin "operator": deleted
 * all 3 sync information rows (connector "PA")}. A task's unguessable part is never logged.
 * Thread-safe.
 *
 * <p>It checks what a host's REST layer hands it as {@link SyncAdminHandler} checks a request,
 * before any store sees it, so that a host building on it needs no checks of its own: an issue
 * key of 1 to 255 characters, a message id of 1 to 512, neither with a control character or
 * broken Unicode (a NUL would be a database error on PostgreSQL), else a 400 naming the
 * parameter and the value; a task id as the admin gives them (the store's number, from 1 to
 * {@value Long#MAX_VALUE} without sign or leading zeros, then for an anonymous caller's task
 * {@code .} and 32 lower-case hex digits), else a 400 naming {@code taskId} and the value; a
 * resync's field mapping ids as {@link ResyncRequest} checks them. A
 * null where a value is required (a resync request, the rows of an import, a trace's issue key,
 * a message id) is a 400 naming the parameter, as a REST layer answers a missing body; a null
 * connector key or task id is a 404, as an unknown one.
 */
public final class SyncAdmin {
  private static final Logger log = LoggerFactory.getLogger(SyncAdmin.class);

  private final List<SyncEngine> engines;
  private final AdminAuthorizer authorizer;
  private final TaskOwners owners;

  private SyncAdmin(List<SyncEngine> engines, AdminAuthorizer authorizer) {
    this.engines = List.copyOf(engines);
    this.authorizer = authorizer;
    this.owners = new TaskOwners(this.engines);
  }

  /** Starts building the admin over some engines. */
  public static Builder builder() {
    return new Builder();
  }

  /** The synchronizations, in the order their engines were given. */
  public List<SyncConfiguration> synchronizations(String caller) {
    allow(caller, AdminOperation.READ_SYNCHRONIZATIONS, null);
    // (the engines of one synchronization's two connectors show it once)
    return engines.stream().map(SyncEngine::configuration).distinct().toList();
  }

  /** One synchronization's configuration. */
  public SyncConfiguration synchronization(String caller, String id) {
    allow(caller, AdminOperation.READ_SYNCHRONIZATIONS, null);
    return engines.stream().map(SyncEngine::configuration).filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AdminException(404, "no synchronization with id " + shown(id)));
  }

  /** Starts a resync; see {@link SyncEngine#resync}. */
  public AsyncTask resync(String caller, String connectorKey, ResyncRequest request) {
    allow(caller, AdminOperation.RESYNC, connectorKey);
    AsyncTask task = on(connectorKey,
        engine -> owners.resync(engine, caller, connectorKey, required("request", request)));
    changed(caller, "started resync task " + taskNumber(task.id()), connectorKey);
    return task;
  }

  /**
   * Starts rebuilding a connector's sync information from the trackers (after a lost store or
   * deleted rows): a resync of every mapping over the connector's scope. An issue carrying the
   * connector's origin marker gets its row again and is sent whole; its partner pairs it by the
   * key named, and one without a marker is paired when the partner's rebuild sends its copy.
   * Run it on both connectors. Authorized as a resync; progress as a resync's.
   */
  public AsyncTask rebuildSyncInformation(String caller, String connectorKey) {
    return resync(caller, connectorKey, ResyncRequest.all());
  }

  /** A task the caller started. */
  public AsyncTask task(String caller, String taskId) {
    allow(caller, AdminOperation.TASKS, null);
    TaskOwners.Owned owned = owners.owned(caller, taskId("taskId", taskId));
    return TaskOwners.withId(owned.task(), taskId);
  }

  /**
   * Cancels a task the caller started; it stops before its next issue. A finished task is
   * answered as it is ({@code cancelled} false unless it was), and nothing is logged: nothing
   * changed.
   */
  public AsyncTask cancelTask(String caller, String taskId) {
    allow(caller, AdminOperation.TASKS, null);
    TaskOwners.Owned owned = owners.owned(caller, taskId("taskId", taskId));
    AsyncTask cancelled = on(owned.engine(), engine -> engine.cancelTask(owned.task().id()));
    if (!cancelled.finished()) { // (the engine leaves a finished task as it is)
      changed(caller, "cancelled task " + taskNumber(taskId), cancelled.connectorKey());
    }
    return TaskOwners.withId(cancelled, taskId);
  }

  /** A task id without its unguessable part ({@code 17} of {@code 17.9f86d08...}). */
  private static String taskNumber(String taskId) {
    int dot = taskId.indexOf('.');
    return dot < 0 ? taskId : taskId.substring(0, dot);
  }

  /** Logs a change an admin made, once it is made. */
  private static void changed(String caller, String what, String connectorKey) {
    log.info("admin {}: {} (connector {})", caller == null ? "(anonymous)" : shown(caller), what,
        shown(connectorKey));
  }

  /** A value from the request for a message: quoted, escaped, and cut short when long. */
  static String shown(String value) {
    return Shown.quoted(value);
  }

  /** Sync information rows of a connector, optionally only those of a local or remote issue. */
  public List<SyncInfo> syncInformation(
      String caller, String connectorKey, String localIssueKey, String remoteIssueKey) {
    allow(caller, AdminOperation.READ_SYNC_INFORMATION, connectorKey);
    return on(connectorKey, engine -> engine.syncInformation(connectorKey,
        issueKey("localIssueKey", localIssueKey), issueKey("remoteIssueKey", remoteIssueKey)));
  }

  /**
   * Conflict and rejection records of a connector, optionally of one local issue, oldest first:
   * as {@link SyncEngine#conflicts}, the newest {@value SyncEngine#CONFLICTS_KEPT} of one issue
   * or the newest {@value SyncEngine#CONFLICTS_LISTED} of all.
   */
  public List<ConflictRecord> conflicts(
      String caller, String connectorKey, String localIssueKey) {
    allow(caller, AdminOperation.READ_SYNC_INFORMATION, connectorKey);
    return on(connectorKey,
        engine -> engine.conflicts(connectorKey, issueKey("localIssueKey", localIssueKey)));
  }

  /** Imports rows all or nothing; see {@link SyncEngine#importSyncInformation}. */
  public ImportResult importSyncInformation(String caller, String connectorKey,
      List<SyncInfoImport> rows) {
    allow(caller, AdminOperation.IMPORT_SYNC_INFORMATION, connectorKey);
    ImportResult imported = on(connectorKey,
        engine -> engine.importSyncInformation(connectorKey, required("rows", rows)));
    changed(caller, "imported " + imported.imported() + " sync information rows"
        + (imported.unmarked().isEmpty() ? ""
            : ", " + imported.unmarked().size() + " of their issues not marked"), connectorKey);
    return imported;
  }

  /** The problems an import of these rows would have, without importing anything. */
  public List<ConfigurationProblem> checkSyncInformation(
      String caller, String connectorKey, List<SyncInfoImport> rows) {
    allow(caller, AdminOperation.IMPORT_SYNC_INFORMATION, connectorKey);
    return on(connectorKey,
        engine -> engine.checkSyncInformation(connectorKey, required("rows", rows)));
  }

  /**
   * Deletes one row.
   *
   * @throws AdminException (404) when the connector has no such row
   */
  public void deleteSyncInformation(String caller, String connectorKey, long syncInfoId) {
    allow(caller, AdminOperation.DELETE_SYNC_INFORMATION, connectorKey);
    if (!on(connectorKey, engine -> engine.deleteSyncInformation(connectorKey, syncInfoId))) {
      throw noRow(connectorKey, syncInfoId);
    }
    changed(caller, "deleted sync information " + syncInfoId, connectorKey);
  }

  /**
   * Sets or clears one row's {@code incomingChangesIgnored} (see {@link
   * SyncEngine#setIncomingChangesIgnored}) and returns the row.
   *
   * @throws AdminException (404) when the connector has no such row; (409) when steps wrote the
   *     pair on each try to clear it (the flag is still set)
   */
  public SyncInfo setIncomingChangesIgnored(String caller, String connectorKey, long syncInfoId,
      boolean ignored) {
    allow(caller, AdminOperation.IGNORE_INCOMING_CHANGES, connectorKey);
    SyncInfo row = on(connectorKey, engine -> engine.setIncomingChangesIgnored(connectorKey,
        syncInfoId, ignored)).orElseThrow(() -> noRow(connectorKey, syncInfoId));
    changed(caller, "set incomingChangesIgnored to " + ignored + " on sync information "
        + syncInfoId, connectorKey);
    return row;
  }

  /** The 404 of a row id the connector does not have, worded as the other 404s here. */
  private static AdminException noRow(String connectorKey, long syncInfoId) {
    return new AdminException(404, "connector " + shown(connectorKey)
        + " has no sync information with id " + syncInfoId);
  }

  /** Deletes every row of a connector (no undo) and returns how many there were. */
  public int deleteAllSyncInformation(String caller, String connectorKey) {
    allow(caller, AdminOperation.DELETE_SYNC_INFORMATION, connectorKey);
    int deleted = on(connectorKey, engine -> engine.deleteAllSyncInformation(connectorKey));
    changed(caller, "deleted all " + deleted + " sync information rows", connectorKey);
    return deleted;
  }

  /** Inbox messages of a connector that failed permanently, received earliest first. */
  public List<InboxEntry> failedMessages(String caller, String connectorKey) {
    allow(caller, AdminOperation.READ_FAILED_MESSAGES, connectorKey);
    return on(connectorKey, engine -> engine.failedMessages(connectorKey));
  }

  /**
   * Makes a failed message pending again; see {@link SyncEngine#retry}.
   *
   * @throws AdminException (404) when the connector has no failed message with this id
   */
  public void retryFailedMessage(String caller, String connectorKey, String messageId) {
    act(caller, AdminOperation.RETRY_FAILED_MESSAGE, connectorKey, messageId, "failed",
        engine -> engine.retry(connectorKey, messageId));
  }

  /**
   * Drops a failed message; see {@link SyncEngine#skip}.
   *
   * @throws AdminException (404) when the connector has no failed message with this id
   */
  public void skipFailedMessage(String caller, String connectorKey, String messageId) {
    act(caller, AdminOperation.SKIP_FAILED_MESSAGE, connectorKey, messageId, "failed",
        engine -> engine.skip(connectorKey, messageId));
  }

  /** Outbox messages of a connector its transport will never deliver as they are. */
  public List<OutboxEntry> undeliverableMessages(String caller, String connectorKey) {
    allow(caller, AdminOperation.READ_FAILED_MESSAGES, connectorKey);
    return on(connectorKey, engine -> engine.undeliverableMessages(connectorKey));
  }

  /**
   * Delivers an undeliverable message again; see {@link SyncEngine#retryUndeliverable}.
   *
   * @throws AdminException (404) when the connector has no undeliverable message with this id
   */
  public void retryUndeliverable(String caller, String connectorKey, String messageId) {
    act(caller, AdminOperation.RETRY_FAILED_MESSAGE, connectorKey, messageId, "undeliverable",
        engine -> engine.retryUndeliverable(connectorKey, messageId));
  }

  /**
   * Gives an undeliverable message up; see {@link SyncEngine#skipUndeliverable}.
   *
   * @throws AdminException (404) when the connector has no undeliverable message with this id
   */
  public void skipUndeliverable(String caller, String connectorKey, String messageId) {
    act(caller, AdminOperation.SKIP_FAILED_MESSAGE, connectorKey, messageId, "undeliverable",
        engine -> engine.skipUndeliverable(connectorKey, messageId));
  }

  /**
   * An authorized action on one message of a connector: the engine's refusal of an id it does
   * not hold as {@code kind} is a 404, of an action the message does not allow a 409.
   */
  private void act(String caller, AdminOperation operation, String connectorKey,
      String messageId, String kind, Consumer<SyncEngine> action) {
    allow(caller, operation, connectorKey);
    on(connectorKey, engine -> {
      messageId("messageId", messageId);
      try {
        action.accept(engine);
      } catch (IllegalArgumentException e) {
        throw new AdminException(404, "connector " + shown(connectorKey)
            + " has no " + kind + " message with id " + shown(messageId));
      } catch (IllegalStateException e) {
        if (engine.state() == EngineState.CLOSED) {
          throw e; // (a 503, below)
        }
        throw new AdminException(409, e.getMessage());
      }
      return null;
    });
    changed(caller, (operation == AdminOperation.SKIP_FAILED_MESSAGE ? "skipped " : "retried ")
        + kind + " message " + shown(messageId), connectorKey);
  }

  /** Where a connector's queues stand; see {@link SyncEngine#status}. */
  public ConnectorStatus status(String caller, String connectorKey) {
    allow(caller, AdminOperation.READ_STATUS, connectorKey);
    return on(connectorKey, engine -> engine.status(connectorKey));
  }

  /** What a connector did with one issue pair's messages; see {@link SyncEngine#trace}. */
  public IssueTrace trace(String caller, String connectorKey, String issueKey) {
    allow(caller, AdminOperation.READ_TRACE, connectorKey);
    return on(connectorKey,
        engine -> engine.trace(connectorKey, traceIssueKey("issueKey", issueKey)));
  }

  /**
   * A call on the engine of a connector. A closed engine refuses every call with an {@link
   * IllegalStateException}: that is a 503 here, before the call or when the engine was closed
   * during it, since the host is stopping or restarting it (and another node may answer).
   */
  private <T> T on(String connectorKey, Function<SyncEngine, T> call) {
    return on(engine(connectorKey), call);
  }

  /** {@link #on(String, Function)}, on an engine found otherwise (a task's). */
  private static <T> T on(SyncEngine engine, Function<SyncEngine, T> call) {
    if (engine.state() == EngineState.CLOSED) {
      throw closed(engine);
    }
    try {
      return call.apply(engine);
    } catch (IllegalStateException e) {
      if (engine.state() == EngineState.CLOSED) {
        throw closed(engine);
      }
      throw e;
    }
  }

  /** The refusal of a call on a closed engine: retriable, as a REST layer's 503 says. */
  static AdminException closed(SyncEngine engine) {
    return new AdminException(503, "the engine of synchronization "
        + shown(engine.configuration().id()) + " is closed (its host is stopping or restarting"
        + " it); try again later");
  }

  private SyncEngine engine(String connectorKey) {
    for (SyncEngine engine : engines) {
      if (engine.localConnectorKeys().contains(connectorKey)) {
        return engine;
      }
    }
    throw new AdminException(404, "no connector with key " + shown(connectorKey));
  }

  private void allow(String caller, AdminOperation operation, String connectorKey) {
    if (!authorizer.allows(caller, operation, connectorKey)) {
      throw new AdminException(403, "caller " + (caller == null ? "(anonymous)" : shown(caller))
          + " may not " + operation
          + (connectorKey == null ? "" : " on connector " + shown(connectorKey)));
    }
  }

  /** Builds a {@link SyncAdmin}. */
  public static final class Builder {
    private final List<SyncEngine> engines = new ArrayList<>();
    private AdminAuthorizer authorizer;

    private Builder() {}

    /**
     * Adds the engine of one synchronization.
     *
     * @throws IllegalArgumentException for an engine given before, or one with a local connector
     *     an engine given before has: the admin finds a connector's engine by its key, so the
     *     second one's rows could be neither read nor deleted, and a call meant for it would
     *     reach the first; likewise for an engine whose synchronization has the id of one given
     *     before but another configuration, since the admin finds a synchronization by its id
     *     (two engines running the two connectors of one synchronization, alike, are taken)
     */
    public Builder engine(SyncEngine engine) {
      Checks.notNull("engine", engine);
      for (SyncEngine given : engines) {
        if (given == engine) {
          throw new IllegalArgumentException("engine of synchronization \""
              + engine.configuration().id() + "\" was given twice");
        }
        SyncConfiguration mine = engine.configuration();
        if (given.configuration().id().equals(mine.id())
            && !given.configuration().equals(mine)) {
          throw new IllegalArgumentException("synchronization id " + shown(mine.id())
              + " is that of an engine given before, with another configuration: the admin"
              + " finds a synchronization by its id, so one of the two could not be read;"
              + " give each synchronization its own id");
        }
        for (String key : engine.localConnectorKeys()) {
          if (given.localConnectorKeys().contains(key)) {
            throw new IllegalArgumentException("connector key \"" + key + "\" of synchronization"
                + " \"" + engine.configuration().id() + "\" is a local connector of synchronization"
                + " \"" + given.configuration().id() + "\" already: connector keys must be unique"
                + " across the engines of one admin");
          }
        }
      }
      engines.add(engine);
      return this;
    }

    /** Decides who may do what. Required: use {@link AdminAuthorizer#allowAll()} on purpose. */
    public Builder authorizer(AdminAuthorizer value) {
      this.authorizer = Checks.notNull("authorizer", value);
      return this;
    }

    /** Builds the admin. */
    public SyncAdmin build() {
      Checks.notNull("authorizer", authorizer);
      return new SyncAdmin(engines, authorizer);
    }
  }
}
