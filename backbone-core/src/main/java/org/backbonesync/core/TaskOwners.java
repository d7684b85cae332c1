package org.backbonesync.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.store.AsyncTask;

/**
 * Who may see a task of {@link SyncAdmin}: the caller who started it, or, for a task an anonymous
 * caller started, whoever holds its id with the unguessable part ({@code 17.9f86d08...}). The
 * store keeps the hash of that part, not the part.
 */
final class TaskOwners {
  /** Marks the owner of a task an anonymous caller started. */
  private static final String ANONYMOUS = "anonymous-task:";
  private static final int SECRET_BYTES = 16;

  private final List<SyncEngine> engines;
  private final SecureRandom random = new SecureRandom();

  TaskOwners(List<SyncEngine> engines) {
    this.engines = engines;
  }

  /** A task and the engine whose connector runs it. */
  record Owned(SyncEngine engine, AsyncTask task) {}

  /** Starts a resync owned by the caller; an anonymous caller's id gets its secret part. */
  AsyncTask resync(SyncEngine engine, String caller, String connectorKey, ResyncRequest request) {
    if (caller != null) {
      return engine.resync(connectorKey, request, caller);
    }
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    AsyncTask task = engine.resync(connectorKey, request, anonymousOwner(token));
    return withId(task, task.id() + "." + token);
  }

  /**
   * The caller's task with this id (as the caller knows it), or a 404; a 503 when it is not
   * found but an engine is closed, whose store is not asked (it may be closed too).
   */
  Owned owned(String caller, String taskId) {
    String storeId = taskId;
    String owner = caller;
    if (caller == null) {
      int dot = taskId == null ? -1 : taskId.lastIndexOf('.');
      if (dot < 0) {
        throw noTask(taskId);
      }
      storeId = taskId.substring(0, dot);
      owner = anonymousOwner(taskId.substring(dot + 1));
    } else if (caller.startsWith(ANONYMOUS)) {
      throw noTask(taskId); // a host's user named like the mark reads no anonymous task
    }
    SyncEngine closed = null;
    for (SyncEngine engine : engines) {
      if (engine.state() == EngineState.CLOSED) {
        closed = engine;
        continue;
      }
      var task = engine.task(storeId);
      if (task.isPresent() && task.get().owner() != null && MessageDigest.isEqual(
          task.get().owner().getBytes(StandardCharsets.UTF_8),
          owner.getBytes(StandardCharsets.UTF_8))) {
        return new Owned(engine, task.get());
      }
    }
    throw closed == null ? noTask(taskId) : SyncAdmin.closed(closed);
  }

  private static AdminException noTask(String taskId) {
    return new AdminException(404, "no task with id " + Shown.quoted(taskId));
  }

  /** The owner stored for an anonymous task: a mark and the hash of its secret, not the secret. */
  private static String anonymousOwner(String token) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8));
      return ANONYMOUS + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The task as the caller knows it: under the id it was given. */
  static AsyncTask withId(AsyncTask t, String id) {
    return new AsyncTask(id, t.connectorKey(), t.owner(), t.startTimestamp(), t.finished(),
        t.cancelled(), t.hasFailed(), t.progress(), t.message(), t.completionTimestamp(),
        t.result(), t.failureMessage(), t.request());
  }
}
