package org.backbonesync.core.internal;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The local issue a message is applied to, and what is applied: what the {@link Applier} found
 * or made and hands on to write the issue and record the outcome.
 *
 * @param localKey the local issue
 * @param rowId the pair's row; 0 while it is made with the outcome ({@code makeRow})
 * @param created whether the issue was created for this message
 * @param makeRow makes the pair's row with the outcome (an issue paired before, found by its
 *     marker: the row goes with our issue whole); null when the row exists
 * @param resolution the conflict resolution, or null when no field needed one
 * @param decidedOn the issue as read for the resolution, or null
 * @param readBefore the issue as read before writing it (for a status move)
 * @param applied the values applied, by mapping id
 * @param update the updates the incoming mappings made of them
 */
record ApplyTarget(String localKey, long rowId, boolean created, Supplier<Paired> makeRow,
    ConflictResolver.Resolution resolution, TrackedIssue decidedOn,
    Supplier<Optional<TrackedIssue>> readBefore, Map<String, FieldValue> applied,
    CollectedUpdates update) {
  /** This target with the pair's row: recorded ({@code rowId}), or made with the outcome. */
  ApplyTarget withRow(long id, boolean isNew, Supplier<Paired> make) {
    return new ApplyTarget(localKey, id, isNew, make, resolution, decidedOn, readBefore, applied,
        update);
  }

  /** The row recorded for a new pair, and the PAIRED message that tells the partner. */
  record Paired(long rowId, SyncMessage message) {}
}
