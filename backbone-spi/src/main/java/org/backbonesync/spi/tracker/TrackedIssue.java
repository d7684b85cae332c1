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
 * @param id the tracker's stable id of the issue (Jira's issue {@code id}), which stays when its
 *     key changes (a move, a project's key renamed); null when the tracker has none. Since 0.4.
 */
public record TrackedIssue(
    String key,
    String issueType,
    String creator,
    long created,
    long updated,
    String originMarker,
    Map<String, JsonNode> fields,
    Map<String, JsonNode> documents,
    String id) {

  public TrackedIssue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
    documents = documents == null ? Map.of() : Map.copyOf(documents);
  }

  /** An issue without rich-text documents or a stable id. */
  public TrackedIssue(String key, String issueType, String creator, long created, long updated,
      String originMarker, Map<String, JsonNode> fields) {
    this(key, issueType, creator, created, updated, originMarker, fields, Map.of(), null);
  }

  /** An issue with rich-text documents, of a tracker without stable ids. */
  public TrackedIssue(String key, String issueType, String creator, long created, long updated,
      String originMarker, Map<String, JsonNode> fields, Map<String, JsonNode> documents) {
    this(key, issueType, creator, created, updated, originMarker, fields, documents, null);
  }

  /** An issue without rich-text documents, with its stable id (or null). */
  public TrackedIssue(String key, String issueType, String creator, long created, long updated,
      String originMarker, Map<String, JsonNode> fields, String id) {
    this(key, issueType, creator, created, updated, originMarker, fields, Map.of(), id);
  }

  /**
   * Whether this is the same issue as {@code other}, whatever their keys: by the stable id when
   * both have one, else by key.
   *
   * @since 0.1.0
   */
  public boolean sameIssue(TrackedIssue other) {
    return id != null && other.id != null ? id.equals(other.id) : key.equals(other.key);
  }

  /** The value of a field, JSON null when it is empty or absent; never Java null. */
  public JsonNode field(String fieldId) {
    JsonNode value = fields.get(fieldId);
    return value == null ? NullNode.getInstance() : value;
  }
}
