package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.IssueChanges;

/**
 * Content of an issue that travels as operations rather than as a value (comments, worklogs,
 * attachments, issue links): what changed since the pair's links, or all of it for a whole
 * send, carried under the id of the configured mapping; the receiver carries the operations out
 * and both sides keep links from their items to the partner's copies (per pair; issue links per
 * connector, as a link joins two pairs). One class per kind of content (with its tracker calls
 * and its links); the engine handles every flow alike.
 */
interface ContentFlow {

  /** The id of the configured mapping whose operations this flow sends or applies. */
  String id();

  /** How a pair's links change by sending or applying operations: stored with the outcome. */
  interface Links {
    /** Writes the changes; call inside the transaction that records the outcome. */
    void applyTo(SyncInfoStore store, long rowId);

    /** Whether nothing changes. */
    boolean isEmpty();

    /**
     * Writes ahead of the outcome the changes kept per connector rather than per row (issue
     * link pairings), so that the issue's whole, sent in the apply that made them (a pair found
     * by its marker), names them; {@link #applyTo} writes them again. None by default.
     */
    default void applyShared(SyncInfoStore store) {}
  }

  /**
   * The operations of one issue and the links that sending them makes.
   *
   * @param ops the operations, perhaps none
   * @param links the link changes to store when the message goes
   * @param unlinked whether the pair had no links (a whole send, or none made yet): the receiver
   *     is then told the operations are complete, so that it deletes copies of items not named
   */
  record Out(ArrayNode ops, Links links, boolean unlinked) {}

  /**
   * The operations for one issue: every item not linked yet, changed or gone since the pair's
   * links; reads the tracker and the links, writes nothing.
   *
   * @param rowId the pair's row, whose links say what the partner has; 0 to send everything (a
   *     new issue, or a partner row made again)
   */
  Out outgoing(IssueChanges changes, SyncInfoStore store, long rowId);

  /**
   * The operations of an issue sent whole: every item as new, as {@link #outgoing} with row 0,
   * and with them the items the sync user wrote that the pair's links mark carried (copies of the
   * items of a partner issue a Jira site restore lost, this side's own since they were sent to
   * its new copy); by default as {@link #outgoing} with row 0.
   *
   * @param rowId the pair's row, whose links mark the carried items; 0 for none
   * @param carry whether every item of the sync user's that the links know is carried from now on
   *     (the row is linked again with a new copy after its partner issue was lost)
   */
  default Out whole(IssueChanges changes, SyncInfoStore store, long rowId, boolean carry) {
    return outgoing(changes, store, 0);
  }

  /**
   * Carries out the partner's operations on the local issue.
   *
   * @param rowId the pair's row whose links it reads; 0 when it has none yet
   * @param created whether the issue was just created for the message (no copies to clean up)
   * @return the link changes to store with the outcome
   */
  Links apply(String localKey, JsonNode ops, SyncInfoStore store, long rowId, boolean created);

  /**
   * Whether applying this flow's operations reads links another pair's apply writes (an issue
   * link joins two pairs): such an apply is recorded alone, not with other pairs' in a group.
   */
  default boolean joinsPairs() {
    return false;
  }

  /**
   * Whether this flow's operations sent whole end with a {@code complete} operation (every item
   * the sender has, so the receiver may take them as all there is), by which a receiver tells
   * an issue sent whole.
   */
  default boolean marksWhole() {
    return true;
  }
}
