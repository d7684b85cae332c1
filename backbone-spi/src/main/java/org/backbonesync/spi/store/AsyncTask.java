package org.backbonesync.spi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An asynchronous task (a resync), as the original product's REST API shows it. Times are epoch
 * millis: the original's {@code startTimestamp} ("Apr 25, 2019 -- 07:17 AM") is a display string,
 * which a host can render from these.
 *
 * @param id the task id
 * @param connectorKey the connector it runs for
 * @param owner who started it (a task is shown only to its owner)
 * @param startTimestamp when it started
 * @param finished whether it has ended (done, cancelled or failed)
 * @param cancelled whether it was cancelled
 * @param hasFailed whether it failed as a whole
 * @param progress 0 to 100
 * @param message what it is doing, for people
 * @param completionTimestamp when it ended, 0 while running
 * @param result its result when finished (a JSON object), else null
 * @param failureMessage why it failed, else null
 * @param request what it was asked to do (a JSON object), so that it can be resumed after a restart
 */
public record AsyncTask(
    String id,
    String connectorKey,
    String owner,
    long startTimestamp,
    boolean finished,
    boolean cancelled,
    boolean hasFailed,
    int progress,
    String message,
    long completionTimestamp,
    JsonNode result,
    String failureMessage,
    JsonNode request) {

  public AsyncTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(connectorKey, "connectorKey");
    if (progress < 0 || progress > 100) {
      throw new IllegalArgumentException("progress must be 0 to 100, was " + progress);
    }
  }

  /** This task with new progress and message. */
  public AsyncTask withProgress(int percent, String text) {
    return new AsyncTask(id, connectorKey, owner, startTimestamp, finished, cancelled, hasFailed,
        percent, text, completionTimestamp, result, failureMessage, request);
  }

  /** This task ended at {@code now}: done, cancelled, or failed when {@code failure} is set. */
  public AsyncTask withEnd(long now, boolean wasCancelled, JsonNode outcome, String failure,
      String text) {
    return new AsyncTask(id, connectorKey, owner, startTimestamp, true, wasCancelled,
        failure != null, failure != null || wasCancelled ? progress : 100, text, now, outcome,
        failure, request);
  }

  /** This task with its request written again (a resync keeps where to resume in it). */
  public AsyncTask withRequest(JsonNode value) {
    return new AsyncTask(id, connectorKey, owner, startTimestamp, finished, cancelled, hasFailed,
        progress, message, completionTimestamp, result, failureMessage, value);
  }

  /** This task, asked to stop (it stops between two issues). */
  public AsyncTask withCancelRequested() {
    return new AsyncTask(id, connectorKey, owner, startTimestamp, finished, true, hasFailed,
        progress, message, completionTimestamp, result, failureMessage, request);
  }
}
