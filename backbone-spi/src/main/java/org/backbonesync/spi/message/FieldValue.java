package org.backbonesync.spi.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One field mapping's value in a message, with when and by whom it was changed on the source.
 *
 * @param value the exported value; JSON null for empty (never Java null)
 * @param changedAt when the change was made on the source tracker, epoch millis
 * @param changedBy the id of the user who made it on the source tracker
 * @param previous for a mapping whose concurrent changes merge: the value this change replaced
 *     on the source, so the receiver can apply the same additions and removals; else null
 */
public record FieldValue(
    JsonNode value,
    long changedAt,
    String changedBy,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode previous) {
  public FieldValue {
    value = value == null ? NullNode.getInstance() : value;
  }

  /** A value without a previous one. */
  public FieldValue(JsonNode value, long changedAt, String changedBy) {
    this(value, changedAt, changedBy, null);
  }
}
