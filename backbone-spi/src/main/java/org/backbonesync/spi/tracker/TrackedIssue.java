package org.backbonesync.spi.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import java.util.Objects;

/**
 * An issue as read from a tracker: its key, type and current field values in the normalized form
 * described on {@link IssueTracker}.
 *
 * @param key the issue key, e.g. {@code PA-1}
 * @param issueType the issue type's name
 * @param creator the id of the user who created it
 * @param created creation time, epoch millis
 * @param updated last update time, epoch millis
 * @param originMarker the marker it was created with by a sync, or null for issues people made
 * @param fields field id to value; absent and JSON null both mean empty
 */
public record TrackedIssue(
    String key,
    String issueType,
    String creator,
    long created,
    long updated,
    String originMarker,
    Map<String, JsonNode> fields) {

  public TrackedIssue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
  }

  /** The value of a field, JSON null when it is empty or absent; never Java null. */
  public JsonNode field(String fieldId) {
    JsonNode value = fields.get(fieldId);
    return value == null ? NullNode.getInstance() : value;
  }
}
