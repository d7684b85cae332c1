package org.backbonesync.core.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The pairs of an apply round whose row one of the round's applies removed since the round read
 * the rows and queued messages at once ({@link ApplyRounds}): the lost pair's row that gives a
 * restored site's key to a new copy ({@link ReusedKeys#freeLocalKey}), its queued messages
 * dropped with it. Such a pair's queue and row are read again when its turn comes: as read
 * before, its change would be applied through the removed row to the copy now under the key
 * (simulation seed 7062 with site restores wrote the lost pair's attachment to the new copy).
 */
final class RemovedRows {
  /** The removed rows' remote keys: the source issues of their pairs' messages. */
  private final Set<String> sources = new HashSet<>();

  /** A row with this remote key was removed in the round. */
  void removed(String remoteIssueKey) {
    if (remoteIssueKey != null) {
      sources.add(remoteIssueKey);
    }
  }

  /** Whether the pair of this source issue lost its row in the round; forgets it. */
  boolean take(String sourceIssueKey) {
    return !sources.isEmpty() && sources.remove(sourceIssueKey);
  }

  /** Forgets the round's removals (the next round reads its queues and rows anew). */
  void clear() {
    sources.clear();
  }
}
