package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a resync has done, kept in its task's request after every page, so that a task resumed
 * after a restart goes on from the page after the last one done; also the task's progress and
 * result made of it. Not thread-safe: one task's thread owns it.
 */
final class ResyncProgress {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  String token;
  long issues;
  long sent;
  long unchanged;
  long outside;
  long failed;
  /** The count the progress is shown against, kept from the first run: -1 unknown, 0 unset. */
  long total;
  ArrayNode failures = JSON.arrayNode();
  /**
   * The issues whose pairs another step held, tried again at the task's end (not counted until
   * then), at most {@link #MAX_BUSY}.
   */
  final List<String> busy = new ArrayList<>();
  /** The most issues kept for {@link #busy}; one more busy is a failure at once. */
  static final int MAX_BUSY = 1_000;
  /** At most this many failures are listed in a task (all are counted). */
  private static final int LISTED_FAILURES = 100;

  /** The progress stored in a task's {@code resume}; none done when there is none. */
  static ResyncProgress from(JsonNode resume) {
    ResyncProgress d = new ResyncProgress();
    if (resume != null && resume.isObject()) {
      d.token = resume.hasNonNull("token") ? resume.get("token").asText() : null;
      d.issues = resume.path("issues").asLong();
      d.sent = resume.path("sent").asLong();
      d.unchanged = resume.path("notSent").asLong();
      d.outside = resume.path("outsideProject").asLong();
      d.failed = resume.path("failed").asLong();
      d.total = resume.path("total").asLong();
      resume.path("failures").forEach(d.failures::add);
      resume.path("busy").forEach(key -> d.busy.add(key.asText()));
    }
    return d;
  }

  /** The progress as stored in the task's {@code resume}. */
  ObjectNode write() {
    ObjectNode r = JSON.objectNode();
    r.put("token", token);
    r.put("issues", issues);
    r.put("sent", sent);
    r.put("notSent", unchanged);
    r.put("outsideProject", outside);
    r.put("failed", failed);
    r.put("total", total);
    r.set("failures", failures);
    ArrayNode keys = r.putArray("busy");
    busy.forEach(keys::add);
    return r;
  }

  /**
   * Counts an issue by what its resync did. A busy one is kept for the task's end while {@code
   * keepBusy} and there is room (not counted until then), else counted as failed.
   */
  void count(String issueKey, Resender.Resynced outcome, boolean keepBusy) {
    switch (outcome) {
      case SENT -> sent++;
      case BUSY -> {
        if (keepBusy && busy.size() < MAX_BUSY) {
          busy.add(issueKey);
          return;
        }
        failed(issueKey, ResyncTasks.BUSY_FAILURE);
        return;
      }
      case OUT_OF_PROJECT -> outside++;
      default -> unchanged++;
    }
    issues++;
  }

  /** Counts an issue as failed, listing it with its error while the list has room. */
  void failed(String issueKey, String error) {
    failed++;
    issues++;
    if (failures.size() < LISTED_FAILURES) {
      failures.addObject().put("issueKey", issueKey)
          .put("error", error.length() > 300 ? error.substring(0, 300) + "..." : error);
    }
  }

  /** How far: against the count, kept under 100 until the end; 0 when it is not known. */
  int percent(long count) {
    return count <= 0 ? 0 : (int) Math.min(99, issues * 100 / count);
  }

  /** The task's result: the counts and the failures listed (the progress less where it was). */
  JsonNode result() {
    ObjectNode r = write();
    r.remove(List.of("token", "total", "busy"));
    return r;
  }
}
