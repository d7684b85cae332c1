package org.backbonesync.spi.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
 * @see #builder()
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

  /**
   * A message from all its components, in order; {@link #builder()} names them and has defaults.
   *
   * @throws NullPointerException naming the first component that may not be null and is
   * @throws IllegalArgumentException naming the first whole number out of its range, with its
   *     value: {@code sequenceId} below 1, or {@code createdAt}, {@code seenSequenceId}, {@code
   *     senderEpoch}, {@code receiverEpoch} or {@code partnerSince} below 0; or a blank mapping
   *     id in {@code fields} or {@code content}
   */
  public SyncMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(synchronizationId, "synchronizationId");
    Objects.requireNonNull(fromConnector, "fromConnector");
    Objects.requireNonNull(toConnector, "toConnector");
    Objects.requireNonNull(sourceIssueKey, "sourceIssueKey");
    Objects.requireNonNull(kind, "kind");
    checkSequenceId(sequenceId);
    fromZero("createdAt", createdAt);
    fromZero("seenSequenceId", seenSequenceId);
    fromZero("senderEpoch", senderEpoch);
    fromZero("receiverEpoch", receiverEpoch);
    fromZero("partnerSince", partnerSince);
    // (in their order, unmodifiable; a map the engine made is copied at the cost of an array)
    fields = fields == null ? Map.of() : SmallMap.copyOf(fields);
    content = content == null || content.isEmpty() ? Map.of() : SmallMap.copyOf(content);
    mappingIds("fields", fields);
    mappingIds("content", content);
  }

  /**
   * Refuses a blank mapping id among a map's keys, as the configuration refuses one: no mapping
   * has it (the receiver refused it only when applying, as an unknown mapping).
   */
  private static void mappingIds(String component, Map<String, ?> byId) {
    for (String id : byId.keySet()) { // (per message: no stream)
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException(component + " must not hold a blank field mapping"
            + " id, was " + (id == null ? "null" : StrictJson.shown(TextNode.valueOf(id), 40)));
      }
    }
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

  /**
   * Starts a message. Set at least the required components: {@code messageId}, {@code
   * synchronizationId}, {@code fromConnector}, {@code toConnector}, {@code sourceIssueKey},
   * {@code sequenceId} and {@code kind}; the others have the defaults that {@link Builder} lists.
   */
  public static Builder builder() {
    return new Builder();
  }

  private static long checkSequenceId(long sequenceId) {
    if (sequenceId < 1) {
      throw new IllegalArgumentException("sequenceId must be at least 1, was " + sequenceId);
    }
    return sequenceId;
  }

  /**
   * A time, an epoch or a sequence id other than the message's own, from 0 (none, or not known):
   * the receiver orders a pair's messages and rows by them, and the codec refuses a negative one
   * from a partner, so none is built either.
   */
  private static long fromZero(String component, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(component + " must be 0 or more, was " + value);
    }
    return value;
  }

  /**
   * Builds a {@link SyncMessage}, one component a setter, each named after its component and
   * documented there. Obtained with {@link SyncMessage#builder()}.
   *
   * <p>A setter refuses a bad value at once: null for a component that may not be null (a {@link
   * NullPointerException} naming the component), a sequence id below 1, or a time, an epoch or
   * another sequence id below 0 (an {@link IllegalArgumentException} naming it and the value).
   * {@link #build()} makes the message with the record's constructor, which checks it again (and
   * refuses a blank mapping id in {@code fields} or {@code content}).
   *
   * <p>Defaults: {@code formatVersion} {@link MessageCodec#FORMAT_VERSION} (the current format;
   * set an earlier one only for a message of that format); {@code partnerIssueKey}, {@code
   * issueType} and {@code parentIssueKey} null; {@code createdAt}, {@code seenSequenceId}, {@code
   * senderEpoch}, {@code receiverEpoch} and {@code partnerSince} 0; {@code fields} and {@code
   * content} empty; {@code incomingChangesIgnored} false. The required components have none.
   *
   * <p>Not thread-safe. It may build several messages; each takes the values set at the time.
   */
  public static final class Builder {
    private int formatVersion = MessageCodec.FORMAT_VERSION;
    private String messageId;
    private String synchronizationId;
    private String fromConnector;
    private String toConnector;
    private String sourceIssueKey;
    private String partnerIssueKey;
    private long sequenceId;
    private MessageKind kind;
    private String issueType;
    private long createdAt;
    private Map<String, FieldValue> fields = Map.of();
    private String parentIssueKey;
    private long seenSequenceId;
    private long senderEpoch;
    private long receiverEpoch;
    private long partnerSince;
    private Map<String, JsonNode> content = Map.of();
    private boolean incomingChangesIgnored;

    private Builder() {}

    /** See {@link SyncMessage#formatVersion()}. Default {@link MessageCodec#FORMAT_VERSION}. */
    public Builder formatVersion(int value) {
      this.formatVersion = value;
      return this;
    }

    /** See {@link SyncMessage#messageId()}. Required, not null. */
    public Builder messageId(String value) {
      this.messageId = Objects.requireNonNull(value, "messageId");
      return this;
    }

    /** See {@link SyncMessage#synchronizationId()}. Required, not null. */
    public Builder synchronizationId(String value) {
      this.synchronizationId = Objects.requireNonNull(value, "synchronizationId");
      return this;
    }

    /** See {@link SyncMessage#fromConnector()}. Required, not null. */
    public Builder fromConnector(String value) {
      this.fromConnector = Objects.requireNonNull(value, "fromConnector");
      return this;
    }

    /** See {@link SyncMessage#toConnector()}. Required, not null. */
    public Builder toConnector(String value) {
      this.toConnector = Objects.requireNonNull(value, "toConnector");
      return this;
    }

    /** See {@link SyncMessage#sourceIssueKey()}. Required, not null. */
    public Builder sourceIssueKey(String value) {
      this.sourceIssueKey = Objects.requireNonNull(value, "sourceIssueKey");
      return this;
    }

    /** See {@link SyncMessage#partnerIssueKey()}. May be null, the default. */
    public Builder partnerIssueKey(String value) {
      this.partnerIssueKey = value;
      return this;
    }

    /**
     * See {@link SyncMessage#sequenceId()}. Required.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder sequenceId(long value) {
      this.sequenceId = checkSequenceId(value);
      return this;
    }

    /** See {@link SyncMessage#kind()}. Required, not null. */
    public Builder kind(MessageKind value) {
      this.kind = Objects.requireNonNull(value, "kind");
      return this;
    }

    /** See {@link SyncMessage#issueType()}. May be null, the default. */
    public Builder issueType(String value) {
      this.issueType = value;
      return this;
    }

    /**
     * See {@link SyncMessage#createdAt()}. Default 0.
     *
     * @throws IllegalArgumentException when below 0
     */
    public Builder createdAt(long value) {
      this.createdAt = fromZero("createdAt", value);
      return this;
    }

    /**
     * See {@link SyncMessage#fields()}. Not null; default empty. The message copies the map, in
     * its iteration order, when it is built.
     */
    public Builder fields(Map<String, FieldValue> value) {
      this.fields = Objects.requireNonNull(value, "fields");
      return this;
    }

    /** See {@link SyncMessage#parentIssueKey()}. May be null, the default. */
    public Builder parentIssueKey(String value) {
      this.parentIssueKey = value;
      return this;
    }

    /**
     * See {@link SyncMessage#seenSequenceId()}. Default 0.
     *
     * @throws IllegalArgumentException when below 0
     */
    public Builder seenSequenceId(long value) {
      this.seenSequenceId = fromZero("seenSequenceId", value);
      return this;
    }

    /**
     * See {@link SyncMessage#senderEpoch()}. Default 0.
     *
     * @throws IllegalArgumentException when below 0
     */
    public Builder senderEpoch(long value) {
      this.senderEpoch = fromZero("senderEpoch", value);
      return this;
    }

    /**
     * See {@link SyncMessage#receiverEpoch()}. Default 0.
     *
     * @throws IllegalArgumentException when below 0
     */
    public Builder receiverEpoch(long value) {
      this.receiverEpoch = fromZero("receiverEpoch", value);
      return this;
    }

    /**
     * See {@link SyncMessage#partnerSince()}. Default 0.
     *
     * @throws IllegalArgumentException when below 0
     */
    public Builder partnerSince(long value) {
      this.partnerSince = fromZero("partnerSince", value);
      return this;
    }

    /**
     * See {@link SyncMessage#content()}. Not null; default empty. The message copies the map, in
     * its iteration order, when it is built.
     */
    public Builder content(Map<String, JsonNode> value) {
      this.content = Objects.requireNonNull(value, "content");
      return this;
    }

    /** See {@link SyncMessage#incomingChangesIgnored()}. Default false. */
    public Builder incomingChangesIgnored(boolean value) {
      this.incomingChangesIgnored = value;
      return this;
    }

    /**
     * The message, made with the record's constructor.
     *
     * @throws NullPointerException naming a required component that was not set
     * @throws IllegalArgumentException when {@code sequenceId} was not set
     */
    public SyncMessage build() {
      return new SyncMessage(formatVersion, messageId, synchronizationId, fromConnector,
          toConnector, sourceIssueKey, partnerIssueKey, sequenceId, kind, issueType, createdAt,
          fields, parentIssueKey, seenSequenceId, senderEpoch, receiverEpoch, partnerSince,
          content, incomingChangesIgnored);
    }
  }
}
