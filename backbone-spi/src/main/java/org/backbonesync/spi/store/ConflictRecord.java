package org.backbonesync.spi.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What happened when a change from the partner met a local change of the same field, or was
 * refused because the local side is responsible for the issue.
 *
 * @param id the store's id, from 1; 0 before it is stored
 * @param connectorKey the connector that received the change
 * @param localIssueKey the local issue
 * @param remoteIssueKey the partner issue
 * @param fieldMappingId the field mapping
 * @param localValue the local value (in the mapping's message form)
 * @param remoteValue the value the partner sent
 * @param localChangedAt when the local value was set (local tracker's time), epoch millis
 * @param remoteChangedAt when the remote value was set (partner's time), epoch millis
 * @param winner which value the issue keeps
 * @param rule the rule that decided
 * @param recordedAt when it was recorded, epoch millis
 */
public record ConflictRecord(
    long id,
    String connectorKey,
    String localIssueKey,
    String remoteIssueKey,
    String fieldMappingId,
    JsonNode localValue,
    JsonNode remoteValue,
    long localChangedAt,
    long remoteChangedAt,
    Winner winner,
    Rule rule,
    long recordedAt) {

  /** Which value the issue keeps. */
  public enum Winner {
    /** The local value stays; the partner will take it too. */
    LOCAL,
    /** The partner's value was applied. */
    REMOTE,
    /** The two multi-valued changes were merged; both sides get the merge. */
    MERGED,
    /** The partner's change was refused: the local side is responsible for the issue. */
    REJECTED
  }

  /** The rule that decided. */
  public enum Rule {
    /** The newer change wins. */
    NEWEST_WINS,
    /** Both changes have the same time: connector A's wins, on both sides. */
    TIE_BREAK,
    /** Additions and removals of both sides are kept. */
    MERGE,
    /** Only the responsible side may change the issue. */
    RESPONSIBILITY
  }

  public ConflictRecord {
    Objects.requireNonNull(connectorKey, "connectorKey");
    Objects.requireNonNull(fieldMappingId, "fieldMappingId");
    Objects.requireNonNull(winner, "winner");
    Objects.requireNonNull(rule, "rule");
  }

  /** This record with the store's id. */
  public ConflictRecord withId(long newId) {
    return new ConflictRecord(newId, connectorKey, localIssueKey, remoteIssueKey, fieldMappingId,
        localValue, remoteValue, localChangedAt, remoteChangedAt, winner, rule, recordedAt);
  }
}
