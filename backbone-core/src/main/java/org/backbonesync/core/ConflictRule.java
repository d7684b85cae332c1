package org.backbonesync.core;

/** How a field mapping settles changes made on both sides before either saw the other's. */
public enum ConflictRule {
  /**
   * The newer change wins, by the change times of the two trackers; on the same time connector
   * A's change wins. Both sides decide alike, so they end equal, whatever the arrival order.
   */
  NEWEST_WINS,
  /**
   * For multi-valued fields (labels, components, versions): the additions and removals of both
   * sides are all kept, and both sides get the merged value.
   */
  MERGE
}
