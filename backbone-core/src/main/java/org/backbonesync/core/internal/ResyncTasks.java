package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs resyncs as asynchronous tasks on the task executor: selects the connector's issues that
 * match its JQL and the caller's, sends each one's current values, and records progress in the
 * task store after every issue, so that a task can be followed, cancelled between two issues, and
 * resumed (from the start) after a restart.
 */
final class ResyncTasks {
  private static final Logger log = LoggerFactory.getLogger(ResyncTasks.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final SyncConfiguration configuration;
  private final Stores stores;
  private final Clock clock;
  private final Executor executor;
  private final int pageSize;

  ResyncTasks(SyncConfiguration configuration, Stores stores, Clock clock, Executor executor,
      int pageSize) {
    this.configuration = configuration;
    this.stores = stores;
    this.clock = clock;
    this.executor = executor;
    this.pageSize = pageSize;
  }

  /** Checks the request, stores the task and hands it to the executor; returns it at once. */
  AsyncTask start(Connector connector, Resender resender, ResyncRequest request,
      String owner) {
    Plan plan = plan(connector, request);
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
    return task;
  }

  /** Resumes an unfinished task after a restart, from the start. */
  void resume(AsyncTask task, Connector connector, Resender resender) {
    JsonNode r = task.request();
    List<String> ids = new ArrayList<>();
    r.path("fieldMappings").forEach(id -> ids.add(id.asText()));
    ResyncRequest request = new ResyncRequest(r.hasNonNull("jql") ? r.get("jql").asText() : null,
        ids, r.path("responsibility").asBoolean(), r.path("sendStatusField").asBoolean());
    Plan plan;
    try {
      plan = plan(connector, request);
    } catch (AdminException e) {
      stores.tasks().update(task.withEnd(clock.millis(), false, null, e.getMessage(),
          "Resync could not be resumed"));
      return;
    }
    log.info("{}: resuming resync task {} from the start", connector.key(), task.id());
    executor.execute(() -> run(task.id(), connector, resender, plan));
  }

  private record Plan(String jql, Set<String> mappingIds) {}

  private Plan plan(Connector connector, ResyncRequest request) {
    if (request.responsibility() && configuration.responsibility().isEmpty()) {
      throw new AdminException(400, "responsibility is not configured for synchronization "
          + configuration.id() + "; resync it with \"responsibility\": false");
    }
    Set<String> sending = connector.sendingIds();
    Set<String> statusReaders = new LinkedHashSet<>();
    for (Connector.Outgoing out : connector.outgoing) {
      if (out.mapping().sourceFields().contains("status")) {
        statusReaders.add(out.id());
      }
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String id : request.fieldMappings()) {
      if (configuration.fieldMapping(id).isEmpty()) {
        throw new AdminException(400, "unknown field mapping id \"" + id + "\" in synchronization "
            + configuration.id());
      }
      if (!sending.contains(id)) {
        throw new AdminException(400, "field mapping \"" + id + "\" does not sync from connector "
            + connector.key());
      }
      chosen.add(id);
    }
    if (chosen.isEmpty()) {
      chosen.addAll(sending);
    }
    if (!request.sendStatusField()) {
      chosen.removeAll(statusReaders);
    }
    configuration.responsibility().ifPresent(r -> {
      if (request.responsibility() && sending.contains(r.fieldMappingId())) {
        chosen.add(r.fieldMappingId());
      } else {
        chosen.remove(r.fieldMappingId());
      }
    });
    return new Plan(JqlScope.narrow(connector.config.jql(), request.jql()), chosen);
  }

  private void run(String taskId, Connector connector, Resender resender, Plan plan) {
    List<TrackedIssue> issues = new ArrayList<>();
    try {
      String token = null;
      do {
        ChangePage page = connector.tracker.findUpdatedSince(0, plan.jql(), pageSize, token);
        page.issues().stream().map(IssueChanges::issue).forEach(issues::add);
        token = page.nextPageToken();
      } while (token != null);
    } catch (RuntimeException e) {
      end(taskId, false, null, "selecting issues failed: " + e.getMessage(), "Resync failed");
      return;
    }
    int sent = 0;
    int unchanged = 0;
    int outside = 0;
    ArrayNode failures = JSON.arrayNode();
    for (int i = 0; i < issues.size(); i++) {
      AsyncTask current = stores.tasks().find(taskId).orElseThrow();
      if (current.cancelled()) {
        end(taskId, true, result(issues.size(), sent, unchanged, outside, failures),
            null, "Resync cancelled after " + i + " of " + issues.size() + " issues");
        return;
      }
      TrackedIssue issue = issues.get(i);
      try (LogContext step = LogContext.connector(connector);
          LogContext about = LogContext.issue(issue.key())) {
        switch (resender.resync(issue, plan.mappingIds())) {
          case SENT -> sent++;
          case OUT_OF_PROJECT -> {
            outside++;
            log.warn("{}: resync skipped {}: not in project {}", connector.key(), issue.key(),
                connector.config.projectKey());
          }
          default -> unchanged++;
        }
      } catch (RuntimeException e) {
        failures.addObject().put("issueKey", issue.key())
            .put("error", String.valueOf(e.getMessage()));
      }
      int done = i + 1;
      // Read again: a cancel may have been recorded while the issue was being sent.
      stores.inTransaction(() -> {
        AsyncTask latest = stores.tasks().find(taskId).orElseThrow();
        stores.tasks().update(latest.withProgress(done * 100 / issues.size(),
            "Resynced " + done + " of " + issues.size() + " issues"));
      });
    }
    end(taskId, false, result(issues.size(), sent, unchanged, outside, failures), null,
        "Resync of " + issues.size() + " issues finished" + (failures.isEmpty() ? ""
            : ", " + failures.size() + " failed"));
  }

  private static JsonNode result(int issues, int sent, int unchanged, int outside,
      ArrayNode failures) {
    ObjectNode r = JSON.objectNode();
    r.put("issues", issues);
    r.put("sent", sent);
    r.put("notSent", unchanged);
    r.put("outsideProject", outside);
    r.put("failed", failures.size());
    r.set("failures", failures);
    return r;
  }

  private void end(String taskId, boolean cancelled, JsonNode result, String failure,
      String message) {
    stores.inTransaction(() -> {
      AsyncTask current = stores.tasks().find(taskId).orElseThrow();
      stores.tasks().update(current.withEnd(clock.millis(), cancelled, result, failure, message));
    });
  }
}
