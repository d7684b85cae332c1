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
 * @param id the tracker's stable id of the issue (Jira's issue {@code id}), which stays when its
 *     key changes (a move, a project's key renamed); null when the tracker has none. Since 0.5.
 */
public record TrackedIssue(
    String key,
    String issueType,
    String creator,
    long created,
    long updated,
    String originMarker,
    Map<String, JsonNode> fields,
    String id) {

  public TrackedIssue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
  }

  /** An issue of a tracker without stable ids: {@link #id()} is null. */
  public TrackedIssue(String key, String issueType, String creator, long created, long updated,
      String originMarker, Map<String, JsonNode> fields) {
    this(key, issueType, creator, created, updated, originMarker, fields, null);
  }

  /**
   * Whether this is the same issue as {@code other}, whatever their keys: by the stable id when
   * both have one, else by key.
   *
   * @since 0.5
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
