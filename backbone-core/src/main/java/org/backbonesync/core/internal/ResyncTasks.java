package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.internal.Resender.Resynced;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs resyncs as asynchronous tasks on the task executor: pages through the connector's issues
 * that match its JQL and the caller's, sends each one's current values, and records progress and
 * where to resume in the task store after every page, so that a task can be followed from its
 * first page, cancelled between two issues, and resumed after a restart after its last page done.
 */
final class ResyncTasks {
  private static final Logger log = LoggerFactory.getLogger(ResyncTasks.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final SyncConfiguration configuration;
  private final Stores stores;
  private final Clock clock;
  private final Executor executor;
  private final int pageSize;
  /** One node runs a task at a time. */
  private final TaskTurns turns;
  private final Events events;
  /** Whether the engine is closing: a task reads no further page (see {@link #runPages}). */
  private final BooleanSupplier closing;
  /** Hands on what a task queued for a connector's partner, after each page and at its end. */
  private final Consumer<String> queued;

  /**
   * @param queued called with the connector's key after each page and when a run ends, so that
   *     the partner applies what the task queued at once, not at the engine's next periodic run
   */
  ResyncTasks(SyncConfiguration configuration, Stores stores, Clock clock, Executor executor,
      EngineSettings settings, Events events, BooleanSupplier closing, Consumer<String> queued) {
    this.configuration = configuration;
    this.stores = stores;
    this.clock = clock;
    this.executor = executor;
    this.pageSize = settings.pollPageSize();
    this.turns = new TaskTurns(stores, clock, settings);
    this.events = events;
    this.closing = closing;
    this.queued = queued;
  }

  /**
   * Checks the request, stores the task and hands it to the executor; returns it as it is then
   * (finished, when the executor ran it on the calling thread).
   */
  AsyncTask start(Connector connector, Resender resender, ResyncRequest request,
      String owner) {
    ResyncPlan plan = ResyncPlan.of(configuration, connector, request);
    ObjectNode stored = JSON.objectNode();
    if (request.jql() != null) {
      stored.put("jql", request.jql());
    }
    ArrayNode ids = stored.putArray("fieldMappings");
    request.fieldMappings().forEach(ids::add);
    stored.put("responsibility", request.responsibility());
    stored.put("sendStatusField", request.sendStatusField());
    AsyncTask task = stores.tasks().insert(new AsyncTask("new", connector.key(), owner,
        clock.millis(), false, false, false, 0, "Starting resync for connector " + connector.key(),
        0, null, null, stored));
    executor.execute(() -> run(task.id(), connector, resender, plan));
    return stores.tasks().find(task.id()).orElse(task);
  }

  /** Resumes an unfinished task after a restart, from the page after the last one done. */
  void resume(AsyncTask task, Connector connector, Resender resender) {
    JsonNode r = task.request();
    List<String> ids = new ArrayList<>();
    r.path("fieldMappings").forEach(id -> ids.add(id.asText()));
    ResyncRequest request = new ResyncRequest(r.hasNonNull("jql") ? r.get("jql").asText() : null,
        ids, r.path("responsibility").asBoolean(), r.path("sendStatusField").asBoolean());
    ResyncPlan plan;
    try {
      plan = ResyncPlan.of(configuration, connector, request);
    } catch (AdminException e) {
      stores.tasks().update(task.withEnd(clock.millis(), false, null, e.getMessage(),
          "Resync could not be resumed"));
      return;
    }
    log.info("{}: resuming resync task {} after its last page done", connector.key(),
        task.id());
    executor.execute(() -> run(task.id(), connector, resender, plan));
  }

  /** The failure of an issue whose pair was still busy at the task's end. */
  static final String BUSY_FAILURE = "its pair was being synced by another step (an apply, or"
      + " another node's poll); resync it again";

  /**
   * Resyncs page by page: each page of the search is sent and recorded before the next is read,
   * so memory holds one page whatever the project's size, progress shows from the first page
   * (against the tracker's count, when it can tell), and a restart resumes after the last page
   * recorded. When the engine closes, the task stops after the issue it is on, unfinished, and
   * is resumed at the next start with the page it was on (its issues done before the close are
   * sent again: a resync of an issue sends it whole, which its partner takes as it is). It
   * stopped after the page: a page of a hundred issues, each a few of the tracker's requests,
   * outlasted the service's wait for its task thread at a stop, which then closed the stores
   * under it.
   */
  private void run(String taskId, Connector connector, Resender resender, ResyncPlan plan) {
    HeldLease lease = turns.take(taskId,
        () -> executor.execute(() -> run(taskId, connector, resender, plan)));
    if (lease == null) {
      log.debug("{}: resync task {} runs already; if on another node, tried again at the next"
          + " run", connector.key(), taskId);
      return;
    }
    try (lease) {
      if (stores.tasks().find(taskId).map(AsyncTask::finished).orElse(true)) {
        return; // (ended, or deleted, while this run waited)
      }
      runPages(taskId, connector, resender, plan, lease);
    } catch (Stopped e) {
      // the process is stopping: the task stays unfinished at its last page recorded, and the
      // next start resumes it there
      log.info("{}: resync task {} stopped with the engine; resumed at the next start",
          connector.key(), taskId);
    } catch (RuntimeException | Error e) {
      log.error("{}: resync task {} broke off; it is resumed at the next start",
          connector.key(), taskId, e);
      throw e;
    } finally {
      turns.done(taskId);
      queued.accept(connector.key()); // (a page cancelled or failed midway queued some)
    }
  }

  /**
   * Thrown when the task's thread is interrupted or the engine closes (the process stops): not a
   * failure.
   */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super(null, null, false, false);
    }
  }

  private static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new Stopped();
    }
  }

  /** Tries again the runs that found their task run by another node (see {@link TaskTurns}). */
  void retryWaiting() {
    turns.retry();
  }

  private void runPages(String taskId, Connector connector, Resender resender, ResyncPlan plan,
      HeldLease lease) {
    AsyncTask task = stores.tasks().find(taskId).orElseThrow();
    ResyncProgress done = ResyncProgress.from(task.request().get("resume"));
    long total = done.total != 0 ? done.total : count(connector, plan);
    done.total = total;
    try {
      do {
        SearchStart searched = SearchStart.now(stores, clock);
        ChangePage page = select(taskId, connector, plan, done);
        if (page == null) {
          return;
        }
        for (IssueChanges changes : page.issues()) {
          if (closing.getAsBoolean()) {
            throw new Stopped(); // (the page is done again at the next start)
          }
          if (endedByCancel(taskId, done, total)) {
            return;
          }
          resyncOne(connector, changes.issue().key(),
              () -> resender.resync(changes, plan.mappingIds(), searched), done, true);
        }
        done.token = page.nextPageToken();
        if (done.token == null && !retriedBusy(taskId, connector, resender, plan, done, total)) {
          return; // (cancelled)
        }
        record(taskId, done, total, connector.key());
        if (done.token != null && closing.getAsBoolean()) {
          throw new Stopped();
        }
        if (done.token != null && !turns.renew(lease)) {
          log.warn("{}: resync task {} was taken over by another node after a page (its lease"
              + " expired); it runs on there", connector.key(), taskId);
          return;
        }
      } while (done.token != null);
    } catch (Stopped e) {
      throw e;
    } catch (RuntimeException e) {
      stopIfInterrupted();
      end(taskId, false, done.result(), "resync stopped: " + e.getMessage(), "Resync failed");
      return;
    }
    end(taskId, false, done.result(), null, "Resync of " + done.issues + issues(done.issues)
        + " finished" + (done.failed == 0 ? "" : ", " + done.failed + " failed"));
  }

  /** The page after the progress' token; null when selecting failed (then the task ended). */
  private ChangePage select(String taskId, Connector connector, ResyncPlan plan,
      ResyncProgress done) {
    try {
      return connector.tracker.findUpdatedSince(0, plan.jql(), pageSize, done.token);
    } catch (RuntimeException e) {
      stopIfInterrupted();
      end(taskId, false, done.result(), "selecting issues failed: " + e.getMessage(),
          "Resync failed");
      return null;
    }
  }

  /** Whether the task was cancelled: then it is ended, with the progress made. */
  private boolean endedByCancel(String taskId, ResyncProgress done, long total) {
    AsyncTask now = stores.tasks().find(taskId).orElseThrow();
    if (!now.cancelled()) {
      return false;
    }
    stores.tasks().update(now.withProgress(done.percent(total), now.message()));
    end(taskId, true, done.result(), null, "Resync cancelled after " + done.issues + of(total)
        + " issues");
    return true;
  }

  /**
   * How many issues the resync selects, or -1 when the tracker cannot tell: the count only
   * shows progress, so its failure is not the task's (a JQL the tracker refuses fails the
   * search that follows, which ends the task with the tracker's reason).
   */
  private static long count(Connector connector, ResyncPlan plan) {
    try {
      return connector.tracker.countMatching(plan.jql()).orElse(-1);
    } catch (RuntimeException e) {
      stopIfInterrupted();
      log.debug("{}: counting the resync's issues failed: {}", connector.key(), e.toString());
      return -1;
    }
  }

  private static String issues(long count) {
    return count == 1 ? " issue" : " issues";
  }

  private static String of(long total) {
    return total < 0 ? "" : " of about " + total;
  }

  /**
   * Resyncs one issue by {@code resync} and counts what came of it: one whose pair another step
   * holds is kept for the task's end ({@link #retriedBusy}) while {@code keepBusy}, else listed as
   * failed.
   */
  private static void resyncOne(Connector connector, String key, Supplier<Resynced> resync,
      ResyncProgress done, boolean keepBusy) {
    try (LogContext step = LogContext.connector(connector);
        LogContext about = LogContext.issue(key)) {
      Resynced outcome = resync.get();
      if (outcome == Resynced.OUT_OF_PROJECT) {
        log.warn("{}: resync skipped {}: not in project {}", connector.key(), key,
            connector.config.projectKey());
      }
      done.count(key, outcome, keepBusy);
    } catch (RuntimeException e) {
      stopIfInterrupted(); // not the issue's failure: the page is resynced again at resume
      done.failed(key, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Tries the issues whose pairs were busy once more, at the task's end, each read again (an
   * apply holds up to 64 pairs until its last round commits, another node's poll a page's, so a
   * try right after the issue's page would often find it busy still); still busy, it is listed
   * as failed. False when the task was cancelled meanwhile (then it is ended). The engine
   * closing stops the retries as it stops a page: the task's last page, and the busy issues
   * recorded with the page before it, are done again at the next start.
   */
  private boolean retriedBusy(String taskId, Connector connector, Resender resender,
      ResyncPlan plan, ResyncProgress done, long total) {
    List<String> keys = List.copyOf(done.busy);
    done.busy.clear();
    for (String key : keys) {
      if (closing.getAsBoolean()) {
        throw new Stopped();
      }
      if (endedByCancel(taskId, done, total)) {
        return false;
      }
      SearchStart searched = SearchStart.now(stores, clock);
      resyncOne(connector, key, () -> connector.ownIssue(key) // (empty: moved or deleted since,
          .map(issue -> resender.resync(new IssueChanges(issue, // which the poll tells)
              connector.tracker.changelog(key, 0)), plan.mappingIds(), searched))
          .orElse(Resynced.NOTHING_TO_SEND), done, false);
    }
    return true;
  }

  /** Records a page done: progress, and where to resume, in one transaction. */
  private void record(String taskId, ResyncProgress done, long total, String connectorKey) {
    int percent = done.percent(total);
    stores.inTransaction(() -> {
      // read again: a cancel may have been recorded while the page was being sent
      AsyncTask latest = stores.tasks().find(taskId).orElseThrow();
      ObjectNode request = latest.request().deepCopy();
      request.set("resume", done.write());
      stores.tasks().update(latest.withRequest(request).withProgress(
          Math.max(percent, latest.progress()), "Resynced " + done.issues + of(total)
              + " issues"));
    });
    events.resyncPage(connectorKey, taskId, done.issues, total);
    queued.accept(connectorKey);
  }

  private void end(String taskId, boolean cancelled, JsonNode result, String failure,
      String message) {
    AsyncTask ended = stores.inTransaction(() -> {
      AsyncTask current = stores.tasks().find(taskId).orElseThrow();
      stores.tasks().update(current.withEnd(clock.millis(), cancelled, result, failure, message));
      return current;
    });
    if (failure != null) { // (an admin polling the task sees it; the log must too)
      log.warn("{}: resync task {} failed: {}", ended.connectorKey(), taskId, failure);
    }
  }
}
