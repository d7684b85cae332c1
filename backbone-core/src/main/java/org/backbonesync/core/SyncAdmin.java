package org.backbonesync.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The admin operations of the original product's REST API, as typed Java methods over one or more
 * engines (one per synchronization): list synchronizations, resync as an asynchronous task,
 * follow and cancel it, and get, import or delete sync information. {@link SyncAdminHandler} puts
 * the same operations behind HTTP-shaped requests.
 *
 * <p>Every method checks the {@link AdminAuthorizer} first, and refuses with an {@link
 * AdminException} carrying the HTTP status a REST layer should answer: 403 not allowed, 404
 * unknown synchronization, connector, task or entry, 400 a bad request. A task is visible only to
 * the caller who started it (to others it does not exist). Thread-safe.
 */
public final class SyncAdmin {
  private final List<SyncEngine> engines;
  private final AdminAuthorizer authorizer;

  private SyncAdmin(List<SyncEngine> engines, AdminAuthorizer authorizer) {
    this.engines = List.copyOf(engines);
    this.authorizer = authorizer;
  }

  /** Starts building the admin over some engines. */
  public static Builder builder() {
    return new Builder();
  }

  /** The synchronizations, in the order their engines were given. */
  public List<SyncConfiguration> synchronizations(String caller) {
    allow(caller, AdminOperation.READ_SYNCHRONIZATIONS, null);
    return engines.stream().map(SyncEngine::configuration).toList();
  }

  /** One synchronization's configuration. */
  public SyncConfiguration synchronization(String caller, String id) {
    allow(caller, AdminOperation.READ_SYNCHRONIZATIONS, null);
    return engines.stream().map(SyncEngine::configuration).filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AdminException(404, "no synchronization with id \"" + id + "\""));
  }

  /** Starts a resync; see {@link SyncEngine#resync}. */
  public AsyncTask resync(String caller, String connectorKey, ResyncRequest request) {
    allow(caller, AdminOperation.RESYNC, connectorKey);
    return engine(connectorKey).resync(connectorKey, request, caller);
  }

  /** A task the caller started. */
  public AsyncTask task(String caller, String taskId) {
    allow(caller, AdminOperation.TASKS, null);
    for (SyncEngine engine : engines) {
      var task = engine.task(taskId).filter(t -> Objects.equals(t.owner(), caller));
      if (task.isPresent()) {
        return task.get();
      }
    }
    throw new AdminException(404, "no task with id \"" + taskId + "\"");
  }

  /** Cancels a task the caller started; it stops before its next issue. */
  public AsyncTask cancelTask(String caller, String taskId) {
    task(caller, taskId);
    for (SyncEngine engine : engines) {
      if (engine.task(taskId).isPresent()) {
        return engine.cancelTask(taskId);
      }
    }
    throw new AdminException(404, "no task with id \"" + taskId + "\"");
  }

  /** Sync information rows of a connector, optionally only those of a local or remote issue. */
  public List<SyncInfo> syncInformation(
      String caller, String connectorKey, String localIssueKey, String remoteIssueKey) {
    allow(caller, AdminOperation.READ_SYNC_INFORMATION, connectorKey);
    return engine(connectorKey).syncInformation(connectorKey, localIssueKey, remoteIssueKey);
  }

  /** Conflict and rejection records of a connector, optionally of one local issue. */
  public List<org.backbonesync.spi.store.ConflictRecord> conflicts(
      String caller, String connectorKey, String localIssueKey) {
    allow(caller, AdminOperation.READ_SYNC_INFORMATION, connectorKey);
    return engine(connectorKey).conflicts(connectorKey, localIssueKey);
  }

  /** Imports rows all or nothing; see {@link SyncEngine#importSyncInformation}. */
  public int importSyncInformation(String caller, String connectorKey, List<SyncInfoImport> rows) {
    allow(caller, AdminOperation.IMPORT_SYNC_INFORMATION, connectorKey);
    return engine(connectorKey).importSyncInformation(connectorKey, rows);
  }

  /** The problems an import of these rows would have, without importing anything. */
  public List<ConfigurationProblem> checkSyncInformation(
      String caller, String connectorKey, List<SyncInfoImport> rows) {
    allow(caller, AdminOperation.IMPORT_SYNC_INFORMATION, connectorKey);
    return engine(connectorKey).checkSyncInformation(connectorKey, rows);
  }

  /**
   * Deletes one row.
   *
   * @throws AdminException (404) when the connector has no such row
   */
  public void deleteSyncInformation(String caller, String connectorKey, long syncInfoId) {
    allow(caller, AdminOperation.DELETE_SYNC_INFORMATION, connectorKey);
    if (!engine(connectorKey).deleteSyncInformation(connectorKey, syncInfoId)) {
      throw new AdminException(404, "connector " + connectorKey
          + " has no sync information with id " + syncInfoId);
    }
  }

  /** Deletes every row of a connector (no undo) and returns how many there were. */
  public int deleteAllSyncInformation(String caller, String connectorKey) {
    allow(caller, AdminOperation.DELETE_SYNC_INFORMATION, connectorKey);
    return engine(connectorKey).deleteAllSyncInformation(connectorKey);
  }

  private SyncEngine engine(String connectorKey) {
    for (SyncEngine engine : engines) {
      if (engine.localConnectorKeys().contains(connectorKey)) {
        return engine;
      }
    }
    throw new AdminException(404, "no connector with key \"" + connectorKey + "\"");
  }

  private void allow(String caller, AdminOperation operation, String connectorKey) {
    if (!authorizer.allows(caller, operation, connectorKey)) {
      throw new AdminException(403, "caller " + (caller == null ? "(anonymous)" : caller)
          + " may not " + operation + (connectorKey == null ? "" : " on connector " + connectorKey));
    }
  }

  /** Builds a {@link SyncAdmin}. */
  public static final class Builder {
    private final List<SyncEngine> engines = new ArrayList<>();
    private AdminAuthorizer authorizer;

    private Builder() {}

    /** Adds the engine of one synchronization. */
    public Builder engine(SyncEngine engine) {
      engines.add(Checks.notNull("engine", engine));
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
