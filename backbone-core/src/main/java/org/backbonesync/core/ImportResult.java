package org.backbonesync.core;

import java.util.List;
import java.util.Objects;

/**
 * What an import of sync information did ({@link SyncEngine#importSyncInformation}): the rows
 * it stored, and the imported local issues left without their partners' origin markers.
 *
 * <p>After the rows are stored, each imported local issue is tagged with its partner's origin
 * marker, so that a lost store (or deleted rows) pairs it again instead of copying its partner.
 * The rows stand whether or not that works; an issue named in {@link #unmarked} carries no
 * marker, and after a lost store its pair is found again only if the partner carries one (an
 * import on the partner's connector marks the partner): else the partner is copied again. To
 * mark one later, delete its row and import it again once its tracker is back.
 *
 * @param imported how many rows were imported: every row given (an import is all or nothing)
 * @param unmarked the imported local issues that could not be marked, in the order of the rows:
 *     the tracker refused, or failed on a retriable error (down, rate limited), after which the
 *     rest are not tried and are named too; every one of them when the tracker cannot mark issues
 *     ({@link org.backbonesync.spi.tracker.IssueTracker#setOriginMarker}'s default). Empty when
 *     every issue was marked. Never null; unmodifiable.
 * @since 0.1.0
 */
public record ImportResult(int imported, List<String> unmarked) {

  /**
   * @throws IllegalArgumentException when {@code imported} is negative, or fewer than the
   *     issues named in {@code unmarked}
   * @throws NullPointerException when {@code unmarked} is null or holds a null
   */
  public ImportResult {
    unmarked = List.copyOf(Objects.requireNonNull(unmarked, "unmarked"));
    if (imported < 0 || unmarked.size() > imported) {
      throw new IllegalArgumentException("imported must be from 0 and at least the "
          + unmarked.size() + " unmarked issues, was " + imported);
    }
  }
}
