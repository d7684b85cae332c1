package org.backbonesync.spi.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One field mapping's value in a message, with when and by whom it was changed on the source.
 *
 * @param value the exported value; JSON null for empty (never Java null)
 * @param changedAt when the change was made on the source tracker, epoch millis; 0 or more (a
 *     message with a negative one is refused when decoded, so it is refused when built: the
 *     sender fails, not its partner)
 * @param changedBy the id of the user who made it on the source tracker; null when the tracker
 *     names nobody (Jira's changelog entry of an anonymous change, an issue without creator and
 *     reporter): the engine sends such values, and a message with one is read
 * @param previous for a mapping whose concurrent changes merge: the value this change replaced
 *     on the source, so the receiver can apply the same additions and removals; else null
 * @param document for a text value read from a rich-text field: the source tracker's own
 *     document of that text ({@link org.backbonesync.spi.tracker.TrackedIssue#documents()}, Jira
 *     Cloud's ADF), with its mentions in the form the value's mentions have; a companion the
 *     receiver may write instead of the text when the text is still the document's (see {@link
 *     org.backbonesync.spi.tracker.IssueTracker#updateIssue(String, java.util.Map,
 *     java.util.Map)}), never needed to understand the value; null when there is none (always
 *     in messages of format versions before 6)
 */
public record FieldValue(
    @JsonProperty(required = true) JsonNode value,
    long changedAt,
    String changedBy,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode previous,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode document) {
  /**
   * Checks the value.
   *
   * @throws IllegalArgumentException naming {@code changedAt} and its value when it is negative
   */
  public FieldValue {
    if (changedAt < 0) {
      throw new IllegalArgumentException("changedAt must be 0 or more, was " + changedAt);
    }
    value = value == null ? NullNode.getInstance() : value;
    document = document == null || document.isNull() ? null : document;
  }

  /** A value without a previous one or a document. */
  public FieldValue(JsonNode value, long changedAt, String changedBy) {
    this(value, changedAt, changedBy, null, null);
  }

  /** A value without a document. */
  public FieldValue(JsonNode value, long changedAt, String changedBy, JsonNode previous) {
    this(value, changedAt, changedBy, previous, null);
  }

  /**
   * This value with a document beside it (null for none).
   *
   * @since 0.1.0
   */
  public FieldValue withDocument(JsonNode document) {
    return new FieldValue(value, changedAt, changedBy, previous, document);
  }
}
