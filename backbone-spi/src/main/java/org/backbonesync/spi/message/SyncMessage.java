package org.backbonesync.spi.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import org.backbonesync.spi.internal.SmallMap;

/**
 * An issue synchronization message: what one connector tells its partner about one issue.
 *
 * <p>Sequence ids count per issue pair and sending connector, from 1; the receiver applies them in
 * order, once each. Immutable.
 *
 * @param formatVersion the envelope format version; see {@link MessageCodec#FORMAT_VERSION}
 * @param messageId globally unique id, used to recognize a message delivered twice
 * @param synchronizationId the synchronization both connectors belong to
 * @param fromConnector the sending connector's key
 * @param toConnector the receiving connector's key
 * @param sourceIssueKey the issue on the sending side
 * @param partnerIssueKey the issue on the receiving side, or null when the sender does not know it
 *     yet
 * @param sequenceId the per-pair sequence id, from 1
 * @param kind what the message asks for
 * @param issueType the source issue's type, or null for {@link MessageKind#PAIRED}
 * @param createdAt when the message was built, epoch millis
 * @param fields field mapping id to value, in mapping order
 * @param parentIssueKey for a sub-task, its parent on the sending side; null otherwise
 * @param seenSequenceId how many of the receiver's messages for this pair the sender had applied
 *     when it built this one (its {@code incomingMessageSequenceId}): a change the receiver sent
 *     with a higher sequence id was not known to the sender, so the two are concurrent
 * @param senderEpoch the {@code SyncInfo.epoch()} of the sender's row; 0 in messages of format
 *     version 1. The receiver counts sequence ids per sender row: a greater epoch than before
 *     is a row made again (after a delete or on a new store), a smaller one a row gone
 * @param receiverEpoch the epoch of the receiver's row the sender talks with, 0 while it knows
 *     none; a message for another row of the receiver is not applied
 * @param partnerSince with a receiver epoch, the sequence id of the sender's first message to
 *     that row: the receiver takes up the sender's sequence there
 * @param content content operations by the id of the mapping they belong to (comments,
 *     attachments: what changed since the pair's links, as an array of operations), apart from
 *     the field values; empty in messages of format versions 1 and 2, which carried them in
 *     {@code fields}
 * @param incomingChangesIgnored whether the sender's row ignores the receiver's changes (its
 *     {@code incomingChangesIgnored}): it consumes them unapplied, so it will not merge the
 *     receiver's changes of a merged field, and the receiver merges the sender's itself. False in
 *     messages of format versions 1 to 6, which cannot say it
 */
public record SyncMessage(
    int formatVersion,
    String messageId,
    String synchronizationId,
    String fromConnector,
    String toConnector,
    String sourceIssueKey,
    String partnerIssueKey,
    long sequenceId,
    MessageKind kind,
    String issueType,
    long createdAt,
    Map<String, FieldValue> fields,
    String parentIssueKey,
    long seenSequenceId,
    long senderEpoch,
    long receiverEpoch,
    long partnerSince,
    Map<String, JsonNode> content,
    boolean incomingChangesIgnored) {

  public SyncMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(synchronizationId, "synchronizationId");
    Objects.requireNonNull(fromConnector, "fromConnector");
    Objects.requireNonNull(toConnector, "toConnector");
    Objects.requireNonNull(sourceIssueKey, "sourceIssueKey");
    Objects.requireNonNull(kind, "kind");
    if (sequenceId < 1) {
      throw new IllegalArgumentException("sequenceId must be at least 1, was " + sequenceId);
    }
    // (in their order, unmodifiable; a map the engine made is copied at the cost of an array)
    fields = fields == null ? Map.of() : SmallMap.copyOf(fields);
    content = content == null || content.isEmpty() ? Map.of() : SmallMap.copyOf(content);
  }

  /** A message from a row that takes the receiver's changes. */
  public SyncMessage(
      int formatVersion,
      String messageId,
      String synchronizationId,
      String fromConnector,
      String toConnector,
      String sourceIssueKey,
      String partnerIssueKey,
      long sequenceId,
      MessageKind kind,
      String issueType,
      long createdAt,
      Map<String, FieldValue> fields,
      String parentIssueKey,
      long seenSequenceId,
      long senderEpoch,
      long receiverEpoch,
      long partnerSince,
      Map<String, JsonNode> content) {
    this(formatVersion, messageId, synchronizationId, fromConnector, toConnector, sourceIssueKey,
        partnerIssueKey, sequenceId, kind, issueType, createdAt, fields, parentIssueKey,
        seenSequenceId, senderEpoch, receiverEpoch, partnerSince, content, false);
  }

  /** A message without content operations (as format versions 1 and 2 have it). */
  public SyncMessage(
      int formatVersion,
      String messageId,
      String synchronizationId,
      String fromConnector,
      String toConnector,
      String sourceIssueKey,
      String partnerIssueKey,
      long sequenceId,
      MessageKind kind,
      String issueType,
      long createdAt,
      Map<String, FieldValue> fields,
      String parentIssueKey,
      long seenSequenceId,
      long senderEpoch,
      long receiverEpoch,
      long partnerSince) {
    this(formatVersion, messageId, synchronizationId, fromConnector, toConnector, sourceIssueKey,
        partnerIssueKey, sequenceId, kind, issueType, createdAt, fields, parentIssueKey,
        seenSequenceId, senderEpoch, receiverEpoch, partnerSince, Map.of());
  }

  /**
   * This message (same id and sequence) in another format version, with other field values and
   * content operations: for a receiver that reads a message of an earlier version as the current
   * one.
   */
  public SyncMessage withValues(int newFormatVersion, Map<String, FieldValue> newFields,
      Map<String, JsonNode> newContent) {
    return new SyncMessage(newFormatVersion, messageId, synchronizationId, fromConnector,
        toConnector, sourceIssueKey, partnerIssueKey, sequenceId, kind, issueType, createdAt,
        newFields, parentIssueKey, seenSequenceId, senderEpoch, receiverEpoch, partnerSince,
        newContent, incomingChangesIgnored);
  }

  /** A message without the rows' epochs (as format version 1 has it). */
  public SyncMessage(
      int formatVersion,
      String messageId,
      String synchronizationId,
      String fromConnector,
      String toConnector,
      String sourceIssueKey,
      String partnerIssueKey,
      long sequenceId,
      MessageKind kind,
      String issueType,
      long createdAt,
      Map<String, FieldValue> fields,
      String parentIssueKey,
      long seenSequenceId) {
    this(formatVersion, messageId, synchronizationId, fromConnector, toConnector, sourceIssueKey,
        partnerIssueKey, sequenceId, kind, issueType, createdAt, fields, parentIssueKey,
        seenSequenceId, 0, 0, 0, Map.of());
  }

  /** A message about an issue that is not a sub-task. */
  public SyncMessage(
      int formatVersion,
      String messageId,
      String synchronizationId,
      String fromConnector,
      String toConnector,
      String sourceIssueKey,
      String partnerIssueKey,
      long sequenceId,
      MessageKind kind,
      String issueType,
      long createdAt,
      Map<String, FieldValue> fields) {
    this(formatVersion, messageId, synchronizationId, fromConnector, toConnector, sourceIssueKey,
        partnerIssueKey, sequenceId, kind, issueType, createdAt, fields, null, 0, 0, 0, 0,
        Map.of());
  }
}
