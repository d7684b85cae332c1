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
 * @param documents field id to the tracker's own rich-text document of that field's text value,
 *     for fields where the tracker holds more than the text form can (Jira Cloud: the ADF
 *     document, whose wiki markup is the value); a companion of the value, never instead of it;
 *     empty for trackers without one. The engine sends a document beside the value of a mapping
 *     that reads that one field, with its mention nodes (objects of {@code "type": "mention"}
 *     with a text {@code attrs.id}) translated as mentions in the text are
 */
public record TrackedIssue(
    String key,
    String issueType,
    String creator,
    long created,
    long updated,
    String originMarker,
    Map<String, JsonNode> fields,
    Map<String, JsonNode> documents) {

  public TrackedIssue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
    documents = documents == null ? Map.of() : Map.copyOf(documents);
  }

  /** An issue without rich-text documents. */
  public TrackedIssue(String key, String issueType, String creator, long created, long updated,
      String originMarker, Map<String, JsonNode> fields) {
    this(key, issueType, creator, created, updated, originMarker, fields, Map.of());
  }

  /** The value of a field, JSON null when it is empty or absent; never Java null. */
  public JsonNode field(String fieldId) {
    JsonNode value = fields.get(fieldId);
    return value == null ? NullNode.getInstance() : value;
  }
}
